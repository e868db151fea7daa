"""File-system side effects of a run: finding input files, quarantining bad ones, run reports."""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl

IGNORED_PREFIXES = (".", "~$")
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".swp")


def is_ignored(path: Path) -> bool:
    """Hidden, temporary and partial files (still being written) are not inputs."""
    return path.name.startswith(IGNORED_PREFIXES) or path.name.endswith(IGNORED_SUFFIXES)


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """Input files under the given files/folders (sorted, resolved) and the ignored ones."""
    found: set[Path] = set()
    ignored: set[Path] = set()
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise FileNotFoundError(f"input path does not exist: {p}")
        candidates = [p] if p.is_file() else [c for c in p.rglob("*") if c.is_file()]
        for c in candidates:
            inside_hidden = any(part.startswith(".") for part in c.relative_to(p).parts[:-1]) if p.is_dir() else False
            (ignored if is_ignored(c) or inside_hidden else found).add(c.resolve())
    return sorted(found), sorted(ignored)


def quarantine(source_files: pl.DataFrame, quarantine_dir: Path) -> list[Path]:
    """Copy each quarantined input file into quarantine_dir with a JSON note of the reason."""
    bad = source_files.filter(pl.col("status") == "quarantined")
    written: list[Path] = []
    if bad.is_empty():
        return written
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    for row in bad.iter_rows(named=True):
        target = quarantine_dir / f"{row['doc_id'][:16]}-{row['source_name']}"
        src = Path(row["source_path"])
        if src.exists() and not target.exists():
            shutil.copy2(src, target)
        note = target.with_name(target.name + ".reason.json")
        note.write_text(json.dumps({k: row[k] for k in ("source_path", "source_name", "doc_id", "reason")}, indent=2))
        written.append(target)
    return written


def write_failures_report(
    report_dir: Path, run_id: str, results: pl.DataFrame, tables: dict[str, pl.DataFrame], data_docs_index: Path | None
) -> Path:
    """A static HTML page listing each failed expectation with the failing rows and their sentences."""
    from warehouse.schema import ID_COLUMNS

    report_dir.mkdir(parents=True, exist_ok=True)
    failed = results.filter(~pl.col("success"))
    docs = tables.get("documents")
    names = docs.select("doc_id", "source_name") if docs is not None else None
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>csfacts run {html.escape(run_id)}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}"
        "table{border-collapse:collapse}.critical{color:#a00}.warning{color:#a60}mark{background:#fe8}</style>",
        f"<h1>Validation of run {html.escape(run_id)}</h1>",
        f"<p>{results.height} expectations, {failed.height} failed "
        f"({failed.filter(pl.col('severity') == 'critical').height} critical).</p>",
    ]
    if data_docs_index is not None:
        parts.append(f"<p>Great Expectations Data Docs: <a href='{html.escape(data_docs_index.as_uri())}'>{html.escape(str(data_docs_index))}</a></p>")
    for r in failed.sort("severity", "table").iter_rows(named=True):
        parts.append(
            f"<h2 class='{r['severity']}'>{html.escape(r['severity'])}: {html.escape(r['table'])}"
            f".{html.escape(str(r['column'] or ''))} — {html.escape(r['expectation_type'])}</h2>"
            f"<p>{r['unexpected_count']} of {r['element_count']} rows fail. {html.escape(r['details'] or '')}</p>"
        )
        table = tables.get(r["table"])
        id_col = ID_COLUMNS.get(r["table"])
        ids = r["unexpected_ids"] or []
        if table is None or id_col is None or not ids or "doc_id" not in table.columns:
            continue
        rows = table.filter(pl.col(id_col).is_in(ids[:50]))
        if names is not None:
            rows = rows.join(names, on="doc_id", how="left")
        parts.append("<table><tr><th>row id</th><th>document</th><th>span</th><th>text in context</th></tr>")
        for row in rows.iter_rows(named=True):
            context = _context_html(docs, row) if docs is not None and "start" in row else ""
            parts.append(
                f"<tr><td>{html.escape(str(row[id_col]))}</td><td>{html.escape(str(row.get('source_name')))}</td>"
                f"<td>{row.get('start')}–{row.get('end')}</td><td>{context}</td></tr>"
            )
        parts.append("</table>")
    out = report_dir / "index.html"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def _context_html(docs: pl.DataFrame, row: dict) -> str:
    text = docs.filter(pl.col("doc_id") == row["doc_id"])["text"]
    if text.is_empty():
        return ""
    t = text[0]
    s, e = int(row["start"]), int(row["end"])
    a, b = max(0, s - 120), min(len(t), e + 120)
    return html.escape(t[a:s]) + "<mark>" + html.escape(t[s:e]) + "</mark>" + html.escape(t[e:b])
