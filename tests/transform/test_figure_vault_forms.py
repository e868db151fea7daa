"""Figures, periods, councils and ratings for forms first met in the vault corpus: money heading cells such as
'£ per child', running headers with page numbers, chart values glued to their labels, comparisons with a
council's figure, sentences inside '|' cells, rows of savings, restatements after ', or', abbreviations and
constituencies, reference numbers and clock times, partial quantifiers before a rating, and period look-alikes.
Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, spans, tables


SPEND = (
    "| Rank | Council | £ per child | Change on 2022-23 |\n"
    "|---:|---|---:|---:|\n"
    "| 1 | Wigan | 1,840 | +6.5% |\n"
    "| 2 | Bolton | 1,720 | -1.0% |\n"
    "| 3 | Bury | Spending rose from £30.1m to £33.4m, an increase of 11%. | n/a |\n"
)

PLAN = (
    "Table 2: Business case (£000s)\n"
    "      Item                                 2025/26   2026/27    Total\n"
    "      Running costs                        1,100     2,300      3,400\n"
    "      Avoided external placement costs   (1,400)   (3,100)    (4,500)\n"
)


def test_money_heading_cell_and_rank_column():
    f = figure(SPEND, "1,840")
    assert (f["unit"], f["value"]) == ("GBP", 1840.0)
    assert "1" not in spans(SPEND)


def test_a_sentence_inside_a_cell_keeps_its_prose_roles():
    assert figure(SPEND, "£30.1m")["role"] == "from"
    assert figure(SPEND, "£33.4m")["role"] == "to"
    assert figure(SPEND, "11%")["role"] == "change"


def test_a_row_of_savings_holds_decreases():
    f = figure(PLAN, "(1,400)")
    assert (f["value"], f["role"], f["direction"]) == (-1400000.0, "change", "decrease")
    assert figure(PLAN, "1,100")["role"] == "level"


def test_running_header_page_numbers_are_not_figures():
    text = (
        "Annual Review 2025                              6\n\nWe placed 44 children.\n\n"
        "Annual Review 2025                              7\n\nTotal                          52\n"
    )
    assert spans(text) == ["44", "52"]


def test_chart_values_glued_to_labels_take_the_caption_unit():
    text = (
        "Figure 4. Children in care per 10,000 children, by region\n"
        "North East112North West96Yorkshire83London57England71\n"
        "Source: DfE.\n"
    )
    f = figure(text, "96")
    assert (f["unit"], f["value"]) == ("ratio", pytest.approx(0.0096))
    assert spans("The Covid19Response team met twice.") == []


def test_more_than_double_a_councils_figure_is_a_comparison():
    f = figure("The Wigan rate is more than double Bolton's.", "double")
    assert (f["value"], f["approx"], f["role"]) == (2.0, "more_than", "other")


def test_a_change_restated_after_or_is_that_change():
    f = figure("Spending reached £13.1bn, an increase of more than £2 billion, or 18%.", "18%")
    assert (f["role"], f["direction"]) == ("change", "increase")


@pytest.mark.parametrize(
    "text",
    [
        "Unique reference number: 80213",
        "Protesters gathered at 12 noon.",
    ],
)
def test_reference_numbers_and_clock_times_are_not_figures(text):
    assert spans(text) == []


def test_abbreviations_and_a_constituency():
    a = tables("RBG looked after 500 children. Stockton agreed. Ann Lee (Stockton North) (Lab) spoke.")["authority_mentions"]
    assert a["canonical"].to_list() == ["Greenwich", "Stockton-on-Tees"]


def test_a_partial_quantifier_names_no_council():
    text = "Wigan spends the most per child. Only one of the five highest spenders is rated good."
    assert tables(text)["ratings"].is_empty()


def test_period_look_alikes():
    p = tables("We pay £9,000 a week for a 14-year-old. Waits are 61 days shorter, an improvement of 61 days on 2022.")["periods"]
    assert p["text"].to_list() == ["2022"]
