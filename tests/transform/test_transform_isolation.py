"""One document whose transform fails is left out and reported, the others are transformed; a misprinted date
('31 September') is not such a failure any more. The fault injected here stands for errors not known yet (the
real one that led to this code, an impossible date, now gives a period without dates)."""

from __future__ import annotations

import polars as pl

import transform.pipeline as tp
from flows.pipeline import _quarantine_failed
from tests.transform.conftest import docs_of, inject_transform_fault


def _two_docs() -> pl.DataFrame:
    a = docs_of("Wigan looked after 512 children in 2024.")
    b = docs_of("BROKEN Bolton looked after 300 children.").with_columns(doc_id=pl.lit("doc-b"))
    return pl.concat([a, b])


def test_a_failing_document_is_isolated_with_its_reason(monkeypatch):
    inject_transform_fault(monkeypatch, "BROKEN", ValueError("injected fault"))
    out = tp.transform_isolated(_two_docs())
    failed = out[tp.FAILED_KEY]
    assert failed["doc_id"].to_list() == ["doc-b"]
    assert failed["reason"][0] == "transform failed: ValueError: injected fault"
    assert out["figures"]["text"].to_list() == ["512"]


def test_no_failure_gives_an_empty_failed_table():
    out = tp.transform_isolated(docs_of("Wigan looked after 512 children in 2024."))
    assert out[tp.FAILED_KEY].is_empty() and out["figures"].height == 1


def test_failed_documents_and_their_files_are_quarantined_with_the_reason():
    files = pl.DataFrame({"doc_id": ["a", "doc-b"], "status": ["ok", "ok"], "reason": [None, None]}, schema_overrides={"reason": pl.String})
    failed = pl.DataFrame({"doc_id": ["doc-b"], "reason": ["transform failed: ValueError: x"]})
    out = _quarantine_failed(files, failed)
    assert out.rows() == [("a", "ok", None), ("doc-b", "quarantined", "transform failed: ValueError: x")]


def test_an_impossible_date_is_a_period_without_dates():
    p = tp.transform_documents(docs_of("It was signed on 31 September 2024."))["periods"]
    assert p.select("text", "start_date").rows() == [("31 September 2024", None)]


def test_a_range_printed_backwards_is_a_period_without_dates():
    # A real needs assessment prints a study's months in the wrong order; an inverted range used
    # to break the critical dates_ordered expectation and block the whole run from publishing.
    p = tp.transform_documents(docs_of("The study ran from December 2005 – April 2005 in two areas."))["periods"]
    row = p.filter(pl.col("text").str.contains("December")).row(0, named=True)
    assert (row["start_date"], row["end_date"]) == (None, None)
