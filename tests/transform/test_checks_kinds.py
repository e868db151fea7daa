"""Golden examples per consistency-check kind (passing and failing), through the whole transform.

Example texts are written for these tests; none comes from a corpus document.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.pipeline import transform_documents


def checks_of(*texts: str) -> pl.DataFrame:
    return transform_documents(docs_of(*texts))["checks"]


def only(checks: pl.DataFrame, kind: str, rule: str | None = None) -> list[dict]:
    rows = checks.filter(pl.col("kind") == kind)
    if rule:
        rows = rows.filter(pl.col("rule_id") == rule)
    return rows.to_dicts()


@pytest.mark.parametrize(
    "text,verdict",
    [
        ("Referrals rose from 200 to 260 in the year, a rise of 30%.", "pass"),
        ("Referrals rose from 200 to 260 in the year, a rise of 45%.", "fail"),
        ("The number of places has halved, from 300 to 150, since the review.", "pass"),
        ("The number of places has halved, from 300 to 210, since the review.", "fail"),
        ("The vacancy rate rose from 20% to 26% last year.", "pass"),
    ],
)
def test_change_consistency(text, verdict):
    rows = only(checks_of(text), "change_consistency")
    assert rows and rows[0]["verdict"] == verdict, rows


def test_change_without_start_value_is_unverifiable():
    rows = only(checks_of("Placements increased by 12% over the year, to 410."), "change_consistency")
    assert rows and rows[0]["verdict"] == "unverifiable"


@pytest.mark.parametrize(
    "text,verdict",
    [
        ("By 2019, 90 homes had been visited, of which 40 were good, 35 were adequate and 15 were poor.", "pass"),
        ("By 2019, 90 homes had been visited, of which 40 were good, 45 were adequate and 15 were poor.", "fail"),
        ("About 35% of tenants said yes, whilst 65% said no.", "pass"),
        ("About 35% of tenants said yes, whilst 25% said no.", "unverifiable"),
    ],
)
def test_partition_sum(text, verdict):
    rows = only(checks_of(text), "partition_sum")
    assert rows and rows[0]["verdict"] == verdict, rows


def test_partition_sum_table_with_total_row():
    table = "Table 3: Beds by ward type\nSurgical   40\nMedical   35\nOther   25\nTotal   100\n"
    rows = only(checks_of(table), "partition_sum", "partition_table_total")
    assert rows and rows[0]["verdict"] == "pass"
    bad = table.replace("Other   25", "Other   45")
    rows = only(checks_of(bad), "partition_sum", "partition_table_total")
    assert rows and rows[0]["verdict"] == "fail"


@pytest.mark.parametrize(
    "text,verdict",
    [
        ("Towns spent £600 per pupil and cities £800, so towns spend 25% less per pupil than cities.", "pass"),
        ("Towns spent £600 per pupil and cities £800, so towns spend 60% less per pupil than cities.", "fail"),
        ("Costs grew by 12.4% in the north, nearly double the regional rate of 6.5%.", "pass"),
        ("Costs grew by 12.4% in the north, nearly double the regional rate of 3.1%.", "fail"),
    ],
)
def test_derived_ratio(text, verdict):
    rows = only(checks_of(text), "derived_ratio")
    assert rows and rows[0]["verdict"] == verdict, rows


def test_comparison_without_values_is_unverifiable():
    rows = only(checks_of("Rural areas spend 30% less per head than the capital."), "derived_ratio")
    assert rows and rows[0]["verdict"] == "unverifiable"


@pytest.mark.parametrize(
    "text,verdict",
    [
        ("Waiting lists fell by a third in the 14 months between March 2017 and May 2018.", "pass"),
        ("Waiting lists fell by a third in the 9 months between March 2017 and May 2018.", "fail"),
    ],
)
def test_duration_consistency(text, verdict):
    rows = only(checks_of(text), "duration_consistency")
    assert rows and rows[0]["verdict"] == verdict, rows
    assert rows[0]["period_ids"]


def test_cross_reference_across_documents_agree():
    a = "The region reported that 4,310 families were supported by the hubs last winter."
    b = "A later review noted that 4,310 families were supported by the hubs last winter, as planned."
    rows = only(checks_of(a, b), "cross_reference", "xref_across_documents")
    assert rows and rows[0]["verdict"] == "pass" and len(rows[0]["doc_ids"]) == 2


def test_cross_reference_restated_in_brackets():
    ok = only(checks_of("Almost two thirds (64%) of carers replied."), "cross_reference", "xref_bracketed_restatement")
    bad = only(checks_of("Almost two thirds (41%) of carers replied."), "cross_reference", "xref_bracketed_restatement")
    assert ok and ok[0]["verdict"] == "pass"
    assert bad and bad[0]["verdict"] == "fail"


@pytest.mark.parametrize(
    "text,verdict",
    [
        ("In the survey, 64% of carers replied.", "pass"),
        ("In the survey, 140% of carers replied.", "fail"),
        ("Spending increased by 140% in ten years.", "pass"),
    ],
)
def test_range(text, verdict):
    rows = only(checks_of(text), "range")
    assert rows and rows[0]["verdict"] == verdict, rows


def test_check_rows_name_figures_and_explain():
    checks = checks_of("Referrals rose from 200 to 260 in the year, a rise of 45%.")
    row = only(checks, "change_consistency")[0]
    assert len(row["figure_ids"]) == 3 and row["explanation"] and row["tolerance"]
    assert row["computed"] == pytest.approx(30.0)


def test_check_ids_are_stable():
    text = "Referrals rose from 200 to 260 in the year, a rise of 45%."
    assert checks_of(text)["check_id"].to_list() == checks_of(text)["check_id"].to_list()
