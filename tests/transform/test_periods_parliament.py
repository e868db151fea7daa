"""Parliament-relative periods and the document reference year they are resolved against."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.transform.conftest import docs_of
from transform.periods import reference_years
from transform.pipeline import transform_documents


def periods(text: str) -> pl.DataFrame:
    return transform_documents(docs_of(text))["periods"]


def test_reference_year_is_the_most_cited_end_year_later_on_ties():
    p = pl.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "b"],
            "end_date": [dt.date(2014, 3, 31), dt.date(2014, 12, 31), dt.date(2016, 3, 31), dt.date(2012, 1, 1), dt.date(2013, 1, 1)],
        }
    )
    got = dict(reference_years(p).iter_rows())
    assert got == {"a": 2014, "b": 2013}


def test_last_parliament_is_the_one_before_the_sitting_one():
    text = "In 2016 and again in 2015/16 costs rose. Funding fell by a third over the last Parliament."
    row = periods(text).filter(pl.col("rule_id") == "PER-PARLIAMENT").row(0, named=True)
    assert (row["start_date"], row["end_date"]) == (dt.date(2010, 5, 6), dt.date(2015, 3, 30))


def test_reference_year_moves_the_answer():
    text = "In 2012 and in 2013 costs rose. Funding fell over the previous Parliament."
    row = periods(text).filter(pl.col("rule_id") == "PER-PARLIAMENT").row(0, named=True)
    assert (row["start_date"], row["end_date"]) == (dt.date(2005, 5, 5), dt.date(2010, 4, 12))


def test_no_dated_period_leaves_dates_unknown():
    row = periods("Funding fell over the last Parliament.").filter(pl.col("rule_id") == "PER-PARLIAMENT").row(0, named=True)
    assert row["kind"] == "relative_duration"
    assert row["start_date"] is None and row["end_date"] is None
