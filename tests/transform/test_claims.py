"""Claims: figures grouped into the statements they make."""

from __future__ import annotations

import polars as pl

from tests.transform.conftest import docs_of
from transform.pipeline import transform_documents


def claims_of(text: str) -> pl.DataFrame:
    return transform_documents(docs_of(text))["claims"]


def test_change_claim_groups_change_and_endpoints():
    claims = claims_of("Referrals rose from 200 to 260 in the year, a rise of 30%.")
    change = claims.filter(pl.col("kind") == "change").to_dicts()
    assert len(change) == 1
    row = change[0]
    assert row["from_figure_id"] and row["to_figure_id"] and row["change_figure_id"]
    assert len(row["figure_ids"]) == 3 and row["measure"] == "referrals"


def test_two_changes_in_one_sentence_are_two_claims():
    claims = claims_of("Plans doubled to almost 900 and the number in care increased by nearly 300 to over 1,500.")
    change = claims.filter(pl.col("kind") == "change").sort("start")
    assert change.height == 2
    assert all(len(ids) == 2 for ids in change["figure_ids"].to_list())


def test_comparison_claim_has_cue_and_target():
    claims = claims_of("Rural areas spend 30% less per head than the capital.")
    comp = claims.filter(pl.col("kind") == "comparison").to_dicts()
    assert comp and comp[0]["comparison_cue"] == "comparison_less"
    assert "capital" in comp[0]["comparison_target"]


def test_duration_and_share_claims():
    text = "Waits fell in the 14 months between March 2017 and May 2018. Some 480, or 12%, were placed away."
    kinds = set(claims_of(text)["kind"].to_list())
    assert {"duration", "share"} <= kinds


def test_claim_spans_are_text_of_the_document():
    text = "Referrals rose from 200 to 260 in the year, a rise of 30%. About 35% said yes, whilst 65% said no."
    for row in claims_of(text).iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["text"]


def test_second_direction_word_starts_another_change_claim():
    # "up 4% on a year before" and "up from 3,100 in 2012-13" are two statements: the 4% is
    # never paired with the earlier start value.
    claims = claims_of("By March 2020 the county had 4,120 approved foster carers, up 4% on a year before"
                       " and up from 3,100 in 2012-13.")
    change = claims.filter(pl.col("kind") == "change").to_dicts()
    with_pct = [c for c in change if c["change_figure_id"]]
    assert with_pct and all(c["from_figure_id"] is None for c in with_pct)


def test_comparison_target_found_across_a_line_break():
    claims = claims_of("Town A pays £610 per week on average - 30% less than\nTown B, says a report.")
    comp = claims.filter(pl.col("kind") == "comparison").to_dicts()
    assert comp and comp[0]["comparison_target"] == "Town B"
