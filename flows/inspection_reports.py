"""Write what a data team reads about inspections: the latest-judgements page and the exports.

`write_inspection_reports` writes, into one folder: `inspections.html` (each council's latest
judgements and history), `inspections.csv` and `inspections.parquet` (one row per report, the ILACS
scrape tool's columns first), and with a reference CSV `agreement.csv` / `agreement.md` (every field
compared, each disagreement with the words csfacts read and their page). The pipeline calls it after
each publish; `csfacts inspections` on demand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import yaml

from csfacts.inspection_agreement import compare, summary, with_evidence
from csfacts.inspection_page import render_page
from transform.inspection_export import latest_and_history, reference_frame

TABLES = ("documents", "inspections", "ratings")


def write_inspection_reports(
    tables: dict[str, pl.DataFrame], out_dir: Path, reference: Path | None = None, review: Path | None = None
) -> tuple[dict[str, Path], pl.DataFrame | None]:
    """Write the page and exports (and the agreement with `reference`) into out_dir; return the paths
    and, with a reference, the agreement per field. `review` (YAML: file -> field -> judgement) adds a
    reader's judgement of each disagreement to agreement.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    export = reference_frame(tables["inspections"], tables["ratings"], tables["documents"])
    latest, history = latest_and_history(export)
    paths = {"page": out_dir / "inspections.html", "csv": out_dir / "inspections.csv", "parquet": out_dir / "inspections.parquet"}
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    _atomic_text(paths["page"], render_page(latest, history, generated))
    export.write_parquet(paths["parquet"].with_suffix(".parquet.tmp"))
    paths["parquet"].with_suffix(".parquet.tmp").replace(paths["parquet"])
    _atomic_text(paths["csv"], _csv(export))
    totals = None
    if reference is not None:
        compared = compare(export, pl.read_csv(reference, infer_schema=False))
        detail = with_evidence(compared, tables["inspections"], tables["ratings"], tables["documents"])
        paths["agreement_csv"] = out_dir / "agreement.csv"
        paths["agreement_md"] = out_dir / "agreement.md"
        _atomic_text(paths["agreement_csv"], _csv(detail.drop("doc_id")))
        totals = summary(compared)
        reviewed = yaml.safe_load(review.read_text(encoding="utf-8")) if review is not None else {}
        _atomic_text(paths["agreement_md"], agreement_markdown(totals, detail, reference, reviewed or {}))
    return paths, totals


def agreement_markdown(totals: pl.DataFrame, detail: pl.DataFrame, reference: Path, reviewed: dict | None = None) -> str:
    """The agreement as markdown: a table per field, then every disagreement with csfacts' evidence and,
    where `reviewed` (file -> field -> text) has one, a reader's judgement of it."""
    reviewed = reviewed or {}
    lines = [
        f"# Agreement with {reference.name}",
        "",
        "Fields the reference could not read (`data_unreadable`, empty) are counted as not_read and not compared; "
        "files csfacts holds no inspection row for are counted as missing and listed below with the reason.",
        "",
        "| field | compared | agree | disagree | missing | not_read | agreement % |",
        "|---|---|---|---|---|---|---|",
    ]
    right = _reviewed_right(detail, reviewed)
    lines[-2] = lines[-2].rstrip() + " csfacts right where they disagree (reviewed) | agreement or csfacts right % |"
    lines[-1] = lines[-1] + "---|---|"
    for r in totals.iter_rows(named=True):
        pct = "" if r["agreement_pct"] is None else f"{r['agreement_pct']:.1f}"
        n_right = right.get(r["field"], 0)
        both = "" if not r["compared"] else f"{100 * (r['agree'] + n_right) / r['compared']:.1f}"
        lines.append(
            f"| {r['field']} | {r['compared']} | {r['agree']} | {r['disagree']} | {r['missing']} | {r['not_read']} | {pct} | {n_right} | {both} |"
        )
    lines += [
        "",
        "## Disagreements",
        "",
        "| file | field | reference | csfacts | page | words csfacts read | review |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in detail.sort("file", "field").iter_rows(named=True):
        words = (r["words"] or "").replace("|", "/")
        note = str((reviewed.get(r["file"]) or {}).get(r["field"], "")).replace("|", "/")
        lines.append(f"| {r['file']} | {r['field']} | {r['reference']} | {r['csfacts'] or '–'} | {r['page'] or ''} | {words} | {note} |")
    return "\n".join(lines) + "\n"


def _reviewed_right(detail: pl.DataFrame, reviewed: dict) -> dict[str, int]:
    """Per field: disagreements a reader judged in csfacts' favour (a review text starting 'csfacts right')."""
    counts: dict[str, int] = {}
    for r in detail.filter(pl.col("status") == "disagree").iter_rows(named=True):
        note = str((reviewed.get(r["file"]) or {}).get(r["field"], ""))
        if note.lower().startswith("csfacts right"):
            counts[r["field"]] = counts.get(r["field"], 0) + 1
    return counts


def _csv(frame: pl.DataFrame) -> str:
    return frame.with_columns(pl.col(pl.List(pl.String)).list.join(";")).write_csv()


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
