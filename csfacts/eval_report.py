"""The I/O and printing side of `csfacts eval`: gold files, in-process documents, text report.

The scoring itself is pure and lives in :mod:`csfacts.evaluate`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from csfacts.evaluate import FP, GOLD_NAMES, RATINGS, SPAN_GOLD, SPAN_ONLY, SPECS, Evaluation, TableScore, attribute_errors

# --- reading -------------------------------------------------------------------------------------


def read_gold(gold_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of every ``<name>.jsonl`` under `gold_dir` (recursively, sorted paths), per gold name.

    Raises FileNotFoundError when `gold_dir` is missing or holds none of the gold files.
    """
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"gold directory does not exist: {gold_dir}")
    gold: dict[str, list[dict[str, Any]]] = {}
    found = False
    for name in GOLD_NAMES:
        rows: list[dict[str, Any]] = []
        for path in sorted(gold_dir.glob(f"**/{name}.jsonl")):
            found = True
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
        gold[name] = rows
    if not found:
        raise FileNotFoundError(f"no {', '.join(f'{n}.jsonl' for n in GOLD_NAMES)} under {gold_dir}")
    return gold


def tables_from_docs(docs_dir: Path) -> tuple[dict[str, pl.DataFrame], int]:
    """Extract and transform the files under `docs_dir` in-process (no Prefect, GX or warehouse).

    Files are found as `csfacts run` finds them, duplicates (same bytes) kept once, and the
    rows ordered as the warehouse stores them, so the scores equal those of a run.
    Returns the tables and the number of files read.
    """
    from extract.document import documents_frame, extract_document
    from flows.io import discover
    from transform.pipeline import FAILED_KEY, transform_isolated
    from warehouse.store import sort_columns

    paths, _ignored = discover([docs_dir])
    docs = [extract_document(p.name, p.read_bytes()) for p in paths]
    documents = documents_frame(docs).unique("doc_id", keep="first", maintain_order=True)
    tables = transform_isolated(documents)
    for doc_id, reason in tables.pop(FAILED_KEY).iter_rows():
        print(f"warning: document {doc_id[:16]} left out: {reason}", file=sys.stderr)
    tables = {name: frame.sort(sort_columns(name), nulls_last=True) for name, frame in tables.items()}
    tables["documents"] = documents
    return tables, len(paths)


# --- printing ------------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"
    return str(v)


def _ratio(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _text(s: str | None, limit: int = 70) -> str:
    """A span's text on one line, shortened to `limit` characters."""
    flat = " ".join((s or "").split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def format_overall(result: Evaluation) -> str:
    """score.py's summary table: span and strict P/R/F1 per table, key matching for ratings."""
    lines = [f"{'table':<12} {'mode':<7} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name in SPAN_GOLD:
        t = result.tables[name].overall
        for mode in ("span", "strict"):
            s = t[mode]
            lines.append(
                f"{name:<12} {mode:<7} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
                f"{s['tp']:>5} {s['fp']:>5} {s['fn']:>5}"
            )
        acc = t.get("attribute_accuracy") or {}
        if acc:
            lines.append(" " * 13 + "attribute accuracy on matched: " + ", ".join(f"{k}={v}" for k, v in acc.items()))
    s = result.tables[RATINGS].overall
    lines.append(
        f"{'ratings':<12} {'key':<7} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
        f"{s['tp']:>5} {s['fp']:>5} {s['fn']:>5}"
    )
    return "\n".join(lines)


def format_rules(score: TableScore) -> str:
    """The per-rule table of one gold table, a total line and the misses count."""
    attrs = SPECS[score.name].rule_attrs
    span_only = score.name != RATINGS  # ratings match on (doc, authority, rating): no partial match
    width = max([len("rule"), len("total"), *(len(r or "-") for r in score.rules["rule_id"])])
    head = f"  {'rule':<{width}} {'pred':>5} {'opt':>4} {'strict':>6}" + (f" {'span-only':>9}" if span_only else "")
    head += f" {'fp':>4} {'P':>6} {'R':>6}"
    head += "".join(f" {a[:9]:>9}" for a in attrs)
    lines = [
        f"{score.name}: {score.n_gold} gold items required ({score.n_optional_gold} optional, not scored)"
        + (f"; {score.n_unscored} predictions in documents without gold not scored" if score.n_unscored else ""),
        head,
    ]
    for r in score.rules.iter_rows(named=True):
        line = f"  {r['rule_id'] or '-':<{width}} {r['predictions']:>5} {r['optional']:>4} {r['strict']:>6}"
        line += f" {r['span_only']:>9}" if span_only else ""
        line += f" {r['fp']:>4} {_ratio(r['precision']):>6} {_ratio(r['recall']):>6}"
        line += "".join(f" {_ratio(r[a]):>9}" for a in attrs)
        lines.append(line)
    tot = score.rules.select(pl.col("predictions", "optional", "strict", "span_only", "fp").sum()).row(0, named=True)
    scored = tot["predictions"] - tot["optional"]
    precision = tot["strict"] / scored if scored else None
    recall = tot["strict"] / score.n_gold if score.n_gold else None
    line = f"  {'total':<{width}} {tot['predictions']:>5} {tot['optional']:>4} {tot['strict']:>6}"
    line += f" {tot['span_only']:>9}" if span_only else ""
    lines.append(line + f" {tot['fp']:>4} {_ratio(precision):>6} {_ratio(recall):>6}")
    lines.append(f"  misses (required gold items no rule found): {score.misses.height}")
    return "\n".join(lines)


def _fields(score: TableScore, row: dict[str, Any], gold: bool) -> str:
    names = [n for n, _ in SPECS[score.name].fields]
    if not gold:
        return " ".join(f"{n}={_fmt(row[n])}" for n in names if row[n] is not None)
    diffs = []
    for n in names:
        if _fmt(row[n]) != _fmt(row[f"gold_{n}"]):
            diffs.append(f"{n}={_fmt(row[n])} (gold {_fmt(row[f'gold_{n}'])})")
    return " ".join(diffs) or "(fields agree)"


def _span(row: dict[str, Any], prefix: str = "") -> str:
    return f"{row['doc']} {row[prefix + 'start']:>6} {_text(row[prefix + 'text'])}"


def format_details(score: TableScore) -> str:
    """Per rule, its fp and span-only predictions (predicted vs gold fields), then the misses."""
    out = score.outcomes
    lines: list[str] = []
    interesting = out.filter(pl.col("outcome").is_in([FP, SPAN_ONLY]))
    for (rule_id,), rows in interesting.group_by("rule_id", maintain_order=True):
        lines.append(f"## {score.name} {rule_id}")
        for row in rows.iter_rows(named=True):
            if row["outcome"] == SPAN_ONLY:
                gold_text = "" if row["gold_text"] == row["text"] else f" gold span {row['gold_start']} {_text(row['gold_text'])}"
                lines.append(f"  span-only {_span(row)}: {_fields(score, row, True)}{gold_text}")
            else:
                note = ""
                if row["overlaps_gold"]:
                    what = (
                        "unmatched gold of this authority"
                        if score.name == RATINGS
                        else "overlaps gold item matched by another prediction"
                    )
                    note = f"  [{what}: {row['overlaps_gold']}]"
                lines.append(f"  fp        {_span(row)}: {_fields(score, row, False)}{note}")
    errors = attribute_errors(score)
    if errors.height:
        lines.append(f"## {score.name}: matched with a wrong {'/'.join(SPECS[score.name].rule_attrs)} ({errors.height})")
        for row in errors.iter_rows(named=True):
            wrong = [a for a in SPECS[score.name].rule_attrs if row[f"{a}_ok"] is False]
            desc = " ".join(f"{a}={_fmt(row[a])} (gold {_fmt(row[f'gold_{a}'])})" for a in wrong)
            lines.append(f"  {row['rule_id']:<20} {_span(row)}: {desc}")
    lines.append(f"## {score.name}: missed gold ({score.misses.height})")
    names = [n for n, _ in SPECS[score.name].fields]
    for row in score.misses.iter_rows(named=True):
        fields = " ".join(f"{n}={_fmt(row[n])}" for n in names if row[n] is not None)
        lines.append(f"  {row['id']} {_span(row)}: {fields}")
    return "\n".join(lines)


def format_report(result: Evaluation, details: bool = False) -> str:
    """The whole text report: overall numbers, per-rule tables and, with `details`, the rows."""
    parts = [format_overall(result)]
    parts += [format_rules(result.tables[name]) for name in GOLD_NAMES]
    if details:
        parts += [format_details(result.tables[name]) for name in GOLD_NAMES]
    return "\n\n".join(parts)
