"""Small hand-made warehouse tables (exact schemas) for the expectations tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pyarrow as pa

from warehouse.schema import SCHEMAS

DOC_TEXT = (
    "In 2015/16 Calderdale’s spend rose 35% to £9.6 million; it was rated good. "
    "Referrals reached 140% of the 2015/17 plan."
)
DOC_ID = "doc-1"


def empty_table(name: str) -> pl.DataFrame:
    """An empty frame with exactly the Arrow schema of table ``name`` (via pyarrow)."""
    return pl.from_arrow(SCHEMAS[name].empty_table())  # type: ignore[return-value]


def table(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame of table ``name`` from rows (missing nullable fields become null)."""
    schema = SCHEMAS[name]
    full = [{field: row.get(field) for field in schema.names} for row in rows]
    return pl.from_arrow(pa.Table.from_pylist(full, schema=schema))  # type: ignore[return-value]


def span(text: str, doc_text: str = DOC_TEXT) -> dict[str, Any]:
    """start/end/text of the first occurrence of ``text`` in ``doc_text``."""
    start = doc_text.index(text)
    return {"doc_id": DOC_ID, "start": start, "end": start + len(text), "text": text}


def figure(figure_id: str, text: str, value: float, **extra: Any) -> dict[str, Any]:
    return {"figure_id": figure_id, **span(text), "value": value, "unit": "percent",
            "role": "level", "rule_id": "r-test", **extra}


def period(period_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"period_id": period_id, **span(text), "kind": "fiscal_year", "rule_id": "r-test",
            **extra}


def valid_tables() -> dict[str, pl.DataFrame]:
    """One small, fully valid set of all validated tables."""
    return {
        "documents": table("documents", [
            {"doc_id": DOC_ID, "source_name": "doc1.txt", "text": DOC_TEXT,
             "n_chars": len(DOC_TEXT), "media_type": "text/plain", "status": "ok",
             "encoding": "utf-8"},
            {"doc_id": "doc-2", "source_name": "bad.pdf", "text": "", "n_chars": 0,
             "media_type": "application/pdf", "status": "quarantined", "reason": "no text layer",
             "n_pages": 2, "page_starts": [0, 0]},
        ]),
        "source_files": table("source_files", [
            {"source_path": "inbox/doc1.txt", "source_name": "doc1.txt", "doc_id": DOC_ID,
             "size_bytes": 80, "status": "ok"},
        ]),
        "sentences": table("sentences", [{"sentence_id": "s-1", **span(DOC_TEXT[:57])}]),
        "figures": table("figures", [
            figure("f-pct", "35%", 35.0, role="change", direction="increase", sentence_id="s-1"),
            figure("f-gbp", "£9.6 million", 9_600_000.0, unit="GBP", role="to", approx="around"),
        ]),
        "periods": table("periods", [
            period("p-1", "2015/16", start_date=dt.date(2015, 4, 1), end_date=dt.date(2016, 3, 31)),
        ]),
        "authority_mentions": table("authority_mentions", [
            {"mention_id": "m-1", **span("Calderdale"), "canonical": "Calderdale",
             "gss_code": "E08000033", "la_type": "metropolitan_borough", "rule_id": "r-test"},
        ]),
        "group_mentions": table("group_mentions", [
            {"mention_id": "g-1", **span("Calderdale"), "canonical": "Calderdale",
             "la_type": "other", "rule_id": "r-test"},
        ]),
        "ratings": table("ratings", [
            {"rating_id": "r-1", **span("it was rated good."), "authority": "Calderdale",
             "rating": "good", "rule_id": "r-test"},
            judgement("r-j1", "overall_effectiveness", "good", "table"),
            judgement("r-j2", "overall_effectiveness", "good", "restated"),
        ]),
        "inspections": table("inspections", [inspection("ins-1")]),
        "claims": table("claims", [
            {"claim_id": "k-1", **span("35%"), "kind": "change", "figure_ids": ["f-pct"],
             "main_figure_id": "f-pct", "change_figure_id": "f-pct", "unit": "percent", "direction": "increase"},
        ]),
        "checks": table("checks", [
            {"check_id": "c-1", "kind": "range", "doc_ids": [DOC_ID], "figure_ids": ["f-pct"],
             "verdict": "pass", "computed": 35.0, "explanation": "a share within 0..100"},
        ]),
    }


def judgement(rating_id: str, area: str, rating: str, source: str, inspection_id: str = "ins-1") -> dict[str, Any]:
    """A ratings row that is a judgement of inspection ``inspection_id``."""
    return {"rating_id": rating_id, **span("rated good"), "authority": "Calderdale", "gss_code": "E08000033",
            "rating": rating, "rule_id": "r-test", "judgement_area": area, "inspection_id": inspection_id,
            "judgement_source": source}


def inspection(inspection_id: str, **extra: Any) -> dict[str, Any]:
    """An inspections row (an ILACS report of Calderdale, January 2021)."""
    return {"inspection_id": inspection_id, **span("Calderdale"), "authority": "Calderdale", "gss_code": "E08000033",
            "framework": "ilacs_standard", "inspection_start": dt.date(2021, 1, 4), "inspection_end": dt.date(2021, 1, 15),
            "publication_date": dt.date(2021, 3, 1), "report_type": "inspection", "inspection_type": "standard",
            "publication_source": "text", "rule_id": "r-test", "n_judgements": 1, **extra}


def with_rows(tables: dict[str, pl.DataFrame], name: str, rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` to ``tables[name]`` in place."""
    tables[name] = pl.concat([tables[name], table(name, rows)])


def warning_tables() -> dict[str, pl.DataFrame]:
    """Valid tables plus document-content anomalies only (warnings, no critical failure)."""
    tables = valid_tables()
    with_rows(tables, "figures", [figure("f-140", "140%", 140.0)])
    with_rows(tables, "periods", [period("p-2015-17", "2015/17")])
    with_rows(tables, "checks", [
        {"check_id": "c-fail", "kind": "change_consistency", "doc_ids": [DOC_ID], "figure_ids": ["f-pct", "f-gbp"],
         "verdict": "fail", "computed": 20.0, "tolerance": "0.5 points", "explanation": "a claim that does not add up"},
        {"check_id": "c-unv", "kind": "derived_ratio", "doc_ids": [DOC_ID], "figure_ids": ["f-pct"],
         "verdict": "unverifiable", "explanation": "a number is missing"},
    ])
    with_rows(tables, "ratings", [
        judgement("r-j3", "overall_effectiveness", "inadequate", "restated"),  # the body contradicts the table
        judgement("r-j4", "help_and_protection", "adequate", "table"),  # not an ILACS grade
    ])
    with_rows(tables, "inspections", [
        inspection("ins-2", publication_date=dt.date(2021, 1, 10), gss_code=None),  # published mid-inspection; no GSS code
    ])
    return tables


def critical_tables() -> dict[str, pl.DataFrame]:
    """Pipeline bugs (critical), with several tables left empty (they must still pass)."""
    tables = valid_tables()
    for name in ("source_files", "sentences", "authority_mentions", "ratings", "claims", "checks"):
        tables[name] = empty_table(name)
    with_rows(tables, "documents", [
        {"doc_id": "doc-q", "source_name": "q.txt", "text": "", "n_chars": 0,
         "media_type": "text/plain", "status": "quarantined"},  # no reason
    ])
    with_rows(tables, "figures", [
        figure("f-bad-span", "35%", 36.0) | {"text": "36%"},  # not documents.text[start:end]
        figure("f-dup", "£9.6 million", 9_600_000.0, unit="GBP"),
        figure("f-dup", "£9.6 million", 9_600_000.0, unit="GBP"),
        figure("f-unit", "35%", 35.0, unit="furlongs"),
    ])
    with_rows(tables, "periods", [
        period("p-reversed", "2015/16",
               start_date=dt.date(2016, 4, 1), end_date=dt.date(2015, 3, 31)),
    ])
    with_rows(tables, "ratings", [
        judgement("r-jdup", "overall_effectiveness", "good", "table"),
        judgement("r-jdup2", "overall_effectiveness", "good", "table"),  # two table grades for one area
    ])
    with_rows(tables, "inspections", [
        inspection("ins-rev", inspection_start=dt.date(2021, 2, 1)),  # starts after it ends
    ])
    return tables
