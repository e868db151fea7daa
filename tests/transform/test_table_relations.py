"""Relations a table states by its own structure (transform/checks/tables.py), one golden case per kind."""

from __future__ import annotations

import polars as pl

from tests.transform.conftest import tables
from transform.checks.tables import blocks, table_rows


def _checks(text: str, rule: str) -> list[tuple[list[str], str]]:
    out = tables(text)
    figs = dict(out["figures"].select("figure_id", "text").iter_rows())
    rows = out["checks"].filter(pl.col("rule_id") == rule)
    return [([figs[i] for i in ids], v) for ids, v in rows.select("figure_ids", "verdict").iter_rows()]


CALLS = """Calls received (thousands)
Service area      Q1   Q2   Q3   Q4   Year
Adult care        26   24   25   24   99
Children          18   18   19   19   74
Highways          16   13   13   11   53
Blue badges       10   12   13    9   44
Total             70   67   70   63   270
"""


def test_total_row_and_year_column_are_found_and_hold():
    totals = _checks(CALLS, "table_column_total")
    assert len(totals) == 5 and all(v == "pass" for _, v in totals)
    years = _checks(CALLS, "table_row_sum")
    assert {tuple(c) for c, v in years if v == "pass"} >= {("26", "24", "25", "24", "99")}


def test_one_broken_cell_breaks_its_row_and_its_column():
    broken = CALLS.replace("Children          18   18   19   19   74", "Children          18   48   19   19   74")
    column = [v for cells, v in _checks(broken, "table_column_total") if "48" in cells]
    row = [v for cells, v in _checks(broken, "table_row_sum") if "48" in cells]
    assert column == ["fail"] and row == ["fail"]


def test_change_column_is_the_difference_of_two_years():
    text = ("Rate per 10,000\nCouncil        2015   2016   Change\nAdur           30.0   29.0   -1.0\nArun           42.0   33.0   -9.0\n"
            "Chichester     25.0   35.0   10.0\nCrawley        45.0   37.0   -8.0\n")
    found = _checks(text, "table_row_difference")
    assert len(found) == 4 and all(v == "pass" for _, v in found)
    bad = _checks(text.replace("-8.0", "-6.0"), "table_row_difference")
    assert sorted(v for _, v in bad) == ["fail", "pass", "pass", "pass"]


def test_mean_row_leaves_out_its_own_authority():
    text = ("Council      2014   2015   2016\nOwn county   50.0   52.0   54.0\nAlpha        30.0   31.0   32.0\n"
            "Beta         40.0   41.0   42.0\nGamma        50.0   51.0   52.0\nStatistical neighbours   40.0   41.0   42.0\n")
    found = _checks(text, "table_mean_row")
    assert len(found) == 3 and all(v == "pass" for _, v in found)
    assert all("50.0" not in cells[:1] for cells, _ in found)


def test_counts_with_bracketed_shares_of_the_total_row():
    text = ("Placement    2007 number (%)\nFoster care  414 (59)\nResidential  66 (9)\nWith parents 150 (21)\n"
            "Other        67 (10)\nTOTAL        697 (100)\n")
    shares = _checks(text, "table_share_of_total")
    assert len(shares) == 4 and all(v == "pass" for _, v in shares)


def test_a_total_row_sums_only_the_rows_that_count_children():
    text = ("| Measure | 2023 |\n|---|---|\n| Approved households | 158 |\n| Children with in-house carers | 142 |\n"
            "| Children placed through agencies | 96 |\n| Children with kinship carers | 58 |\n| All children in a foster home | 296 |\n")
    found = _checks(text, "table_column_total")
    assert found == [(["142", "96", "58", "296"], "pass")]


def test_one_column_of_shares_completed_by_other_must_make_100():
    text = "Where children live\nFoster care       74%\nResidential       13%\nWith parents      11%\nOther             10%\n"
    assert _checks(text, "table_share_column") == [(["74%", "13%", "11%", "10%"], "fail")]


def test_ragged_rows_never_give_a_fail_from_a_label_alone():
    # empty cells dropped by the PDF text layer: the total row has more cells than the others
    text = "Summary\nAlpha 2 1 2 1\nBeta 4 2 1 4 1\nGamma 2 2 1 3 2\nDelta 2 3 1 2 4\nTOTAL 17 12 9 10 22 6\n"
    assert all(v != "fail" for _, v in _checks(text, "table_column_total"))


def test_contents_list_and_year_headings_are_not_rows():
    text = "Contents\nSummary of findings 3\nInformation about the area 9\nJudgements 12\nAppendix 20\n"
    assert blocks(text, table_rows(text)) == []
    assert table_rows("2007 2008 2009 2010 2011")[0] is None


def test_a_page_break_inside_a_table_does_not_split_it():
    text = ("Users          Number\nTriage 12 \x0c Report title line\n+44 20 7770 6836\nsomeplace.org.uk\n\n81\n\n"
            "Early Intervention 9\nSocial Care 8\nInsights team 1\nGrand Total 30\n"
            "\x0c Report title line\n+44 20 7770 6836\nsomeplace.org.uk\n\x0c Report title line\n+44 20 7770 6836\nsomeplace.org.uk\n")
    assert _checks(text, "table_column_total") == [(["12", "9", "8", "1", "30"], "pass")]


def test_signed_variances_in_a_budget_table_are_not_negative_counts():
    # a budget monitoring table prints underspends as negative numbers in a £000 column
    text = ("Budget monitoring, £000\nService            Budget   Forecast   Variance\nFostering           12,400   12,150     -250\n"
            "Residential          8,100    8,900      800\nLeaving care         3,300    3,180     -120\nTotal               23,800   24,230     430\n")
    out = tables(text)["checks"]
    assert out.filter((pl.col("rule_id") == "range_count_negative") & (pl.col("verdict") == "fail")).is_empty()
    assert sorted(out.filter(pl.col("rule_id") == "table_row_difference")["verdict"].to_list()) == ["pass"] * 4
