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
    report_dir: Path,
    run_id: str,
    results: pl.DataFrame,
    tables: dict[str, pl.DataFrame],
    data_docs_index: Path | None,
    findings_page: Path | None = None,
) -> Path:
    """A static HTML page listing each failed expectation with the failing rows and their sentences.

    `findings_page` (relative to the report) is linked as the page of failed consistency checks."""
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
    if findings_page is not None:
        n_fail = _n_failed_checks(tables)
        parts.append(f"<p>Consistency findings ({n_fail} claims that do not add up): <a href='{html.escape(str(findings_page))}'>{html.escape(str(findings_page))}</a></p>")
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


def _n_failed_checks(tables: dict[str, pl.DataFrame]) -> int:
    checks = tables.get("checks")
    return 0 if checks is None else checks.filter(pl.col("verdict") == "fail").height


def findings_html(tables: dict[str, pl.DataFrame], run_id: str) -> str:
    """The findings page: each failed consistency check with its sentence(s), the figures marked,
    the computed number, the tolerance and the explanation (pure: tables in, HTML out)."""
    checks = tables.get("checks")
    failed = checks.filter(pl.col("verdict") == "fail").sort("kind", "check_id") if checks is not None else None
    docs = tables.get("documents")
    texts = dict(docs.select("doc_id", "text").iter_rows()) if docs is not None else {}
    names = dict(docs.select("doc_id", "source_name").iter_rows()) if docs is not None else {}
    figures = tables.get("figures")
    sentences = tables.get("sentences")
    fig_rows = {r["figure_id"]: r for r in figures.select("figure_id", "doc_id", "start", "end", "sentence_id").iter_rows(named=True)} if figures is not None else {}
    sent_rows = {r["sentence_id"]: r for r in sentences.select("sentence_id", "doc_id", "start", "end").iter_rows(named=True)} if sentences is not None else {}
    n = 0 if failed is None else failed.height
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>csfacts findings {html.escape(run_id)}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}mark{background:#fe8;font-weight:bold}"
        ".check{border:1px solid #ccc;padding:.5em 1em;margin:1em 0}.quote{background:#f6f6f6;padding:.4em;white-space:pre-wrap}"
        "dt{font-weight:bold;float:left;width:8em}dd{margin-left:9em}</style>",
        f"<h1>Claims that do not add up ({n})</h1>",
        f"<p>Run {html.escape(run_id)}. Each entry is a relation between printed numbers that fails its check; "
        "the numbers involved are <mark>marked</mark> in their sentences. Tolerances follow from the printed precision "
        "and qualifiers (transform/reference/check_rules.yaml). A finding is about the document, not a pipeline error.</p>",
    ]
    if not n:
        parts.append("<p>No failed consistency checks.</p>")
        return "\n".join(parts)
    for r in failed.iter_rows(named=True):
        by_sentence: dict[str, list[tuple[int, int]]] = {}
        loose: list[dict] = []
        periods = tables.get("periods")
        for pid in r.get("period_ids") or []:
            if periods is None:
                break
            for p in periods.filter(pl.col("period_id") == pid).iter_rows(named=True):
                if p["sentence_id"] in sent_rows:
                    by_sentence.setdefault(p["sentence_id"], []).append((p["start"], p["end"]))
        for fid in r["figure_ids"] or []:
            f = fig_rows.get(fid)
            if f is None:
                continue
            if f["sentence_id"] in sent_rows:
                by_sentence.setdefault(f["sentence_id"], []).append((f["start"], f["end"]))
            else:
                loose.append(f)
        quotes = []
        for sid, spans in sorted(by_sentence.items(), key=lambda kv: (sent_rows[kv[0]]["doc_id"], sent_rows[kv[0]]["start"])):
            srow = sent_rows[sid]
            quotes.append(
                f"<p><i>{html.escape(names.get(srow['doc_id'], srow['doc_id']))}</i>, characters {srow['start']}–{srow['end']}</p>"
                f"<div class='quote'>{_marked(texts.get(srow['doc_id'], ''), srow['start'], srow['end'], spans)}</div>"
            )
        for f in loose:
            t = texts.get(f["doc_id"], "")
            quotes.append(f"<div class='quote'>{_marked(t, max(0, f['start'] - 120), min(len(t), f['end'] + 120), [(f['start'], f['end'])])}</div>")
        computed = "" if r["computed"] is None else f"{r['computed']:.4g}"
        parts.append(
            f"<div class='check' id='{html.escape(r['check_id'])}'><h2>{html.escape(r['kind'])}: fail</h2>"
            f"<p>{html.escape(r['explanation'])}</p>{''.join(quotes)}<dl>"
            f"<dt>computed</dt><dd>{html.escape(computed)}</dd>"
            f"<dt>tolerance</dt><dd>{html.escape(r['tolerance'] or '')}</dd>"
            f"<dt>rule</dt><dd>{html.escape(str(r.get('rule_id') or ''))}</dd>"
            f"<dt>check id</dt><dd>{html.escape(r['check_id'])}</dd>"
            f"<dt>figures</dt><dd>{html.escape(', '.join(r['figure_ids'] or []))}</dd></dl></div>"
        )
    return "\n".join(parts)


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out, pos = [], start
    for s, e in sorted(spans):
        if s < pos or e > end:
            continue
        out.append(html.escape(text[pos:s]) + "<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def write_findings_page(path: Path, tables: dict[str, pl.DataFrame], run_id: str) -> Path:
    """Write the findings page (see :func:`findings_html`) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(findings_html(tables, run_id), encoding="utf-8")
    return path
