"""The latest-judgements page: each council's latest Ofsted judgements and its history, one HTML file.

Self-contained (inline CSS, no network), relative links only. Each grade cell is coloured by grade;
the history of a council is its inspections newest first, one row each with the report file, so a
change of grade reads down the rows.
"""

from __future__ import annotations

import html
from datetime import date

import polars as pl

from transform.inspection_export import GRADE_COLUMNS

GRADE_CLASS = {
    "outstanding": "g1",
    "good": "g2",
    "requires improvement": "g3",
    "adequate": "g3",
    "inadequate": "g4",
}
AREA_TITLES = {
    "overall_effectiveness_grade": "Overall",
    "impact_of_leaders_grade": "Leaders",
    "help_and_protection_grade": "Help and protection",
    "in_care_grade": "In care",
    "care_leavers_grade": "Care leavers",
}
CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;font-size:.9rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.g1{background:#1b7837;color:#fff}.g2{background:#a6dba0}.g3{background:#fdb863}.g4{background:#d7191c;color:#fff}
.na{color:#888;font-style:italic}
h2{margin-top:2rem;font-size:1.1rem}
.small{font-size:.8rem;color:#555}
"""


def _cell(value: str | None) -> str:
    if value is None or value == "":
        return '<td class="na">–</td>'
    cls = GRADE_CLASS.get(value)
    if cls is None:
        return f'<td class="na">{html.escape(value.replace("_", " "))}</td>'
    return f'<td class="{cls}">{html.escape(value)}</td>'


def _date(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def _anchor(name: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower())


def render_page(latest: pl.DataFrame, history: pl.DataFrame, generated: str) -> str:
    """HTML of the page: a table of each council's latest judgements, then each council's history."""
    grades = list(GRADE_COLUMNS)
    head = "".join(f"<th>{AREA_TITLES[g]}</th>" for g in grades)
    rows = []
    for r in latest.iter_rows(named=True):
        name = r["local_authority"]
        rows.append(
            f'<tr><td><a href="#{_anchor(name)}">{html.escape(name)}</a></td><td>{html.escape(r["gss_code"] or "")}</td>'
            f'<td>{_date(r["inspection_end_date"])}</td><td>{html.escape(r["framework"])}</td>'
            + "".join(_cell(r[g]) for g in grades)
            + "</tr>"
        )
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Ofsted judgements by council</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Ofsted judgements by council</h1>",
        f'<p class="small">{latest.height} councils, {history.height} inspection reports; generated {html.escape(generated)}. '
        "Latest = the most recent report with judgements. Grades as printed in each report's judgement table; "
        "each council's history names the report files.</p>",
        f"<table><tr><th>Council</th><th>GSS code</th><th>Inspection ended</th><th>Framework</th>{head}</tr>",
        *rows,
        "</table>",
    ]
    for name, group in history.group_by("local_authority", maintain_order=True):
        council = name[0]
        parts.append(f'<h2 id="{_anchor(council)}">{html.escape(council)}</h2>')
        parts.append(f"<table><tr><th>Inspection</th><th>Framework</th><th>Lead inspector</th>{head}<th>Report</th></tr>")
        for r in group.iter_rows(named=True):
            span = f"{_date(r['inspection_start_date'])} to {_date(r['inspection_end_date'])}"
            parts.append(
                f"<tr><td>{span}</td><td>{html.escape(r['framework'])} {html.escape(r['inspection_framework'] or '')}</td>"
                f"<td>{html.escape(r['lead_inspector'] or '')}</td>"
                + "".join(_cell(r[g]) for g in grades)
                + f'<td class="small">{html.escape(r["file"] or "")}</td></tr>'
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
