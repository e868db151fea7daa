"""Figures, councils and ratings for forms first met in the hidden corpus: tables whose unit is declared in a
caption above a blank line, cells separated by two spaces, variance and rank columns, inline unit labels,
centred page footers, transcript timestamps and clock times in words, codes, chained and reversed rate
comparators, and judgements in table cells with a year. Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, spans, tables


FORECAST = (
    "Table 4: Forecast by service line, 2025/26 (£000s)\n"
    "\n"
    "Service line                          Budget  Forecast  Variance\n"
    "Special school places                 12,400  13,050  650\n"
    "Outreach support                       2,100  2,080   (20)\n"
    "\n"
    "The Forum is asked to note the report.\n"
)

LEAGUE = (
    "| Rank | Council | Rate per 10,000 children | Change in rate (%) | Latest judgement |\n"
    "|---|---|---|---|---|\n"
    "| 1 | Wigan | 140 | +3.5 | Good (2024) |\n"
    "| 2 | Bolton | 120 | -2.0 | Requires improvement (2023) |\n"
)


def test_caption_unit_survives_a_blank_line_and_two_space_cells():
    f = figure(FORECAST, "13,050")
    assert (f["unit"], f["value"]) == ("GBP", 13050000.0)


def test_variance_column_is_other_and_bracketed_cells_negative():
    assert figure(FORECAST, "650")["role"] == "other"
    f = figure(FORECAST, "(20)")
    assert (f["value"], f["role"]) == (-20000.0, "other")


def test_rank_column_cells_are_not_figures_and_change_column_is_change():
    found = spans(LEAGUE)
    assert "1" not in found and "2" not in found
    assert figure(LEAGUE, "140")["value"] == pytest.approx(0.014)
    assert figure(LEAGUE, "+3.5")["role"] == "change"


def test_judgement_cells_with_a_year_rate_the_row_council():
    r = tables(LEAGUE)["ratings"]
    assert sorted(r.select("authority", "rating").rows()) == [("Bolton", "requires_improvement"), ("Wigan", "good")]


def test_inline_unit_label_scales_the_amounts_after_it():
    text = "Partner contributions (£000s): Leeds 1,250; Bradford 730."
    f = figure(text, "730")
    assert (f["unit"], f["value"]) == ("GBP", 730000.0)


def test_centred_page_footer_is_not_a_figure():
    text = "We placed 41 children with adopters this year.\n                              7\n\x0cNext page text.\n"
    assert spans(text) == ["41"]


@pytest.mark.parametrize(
    "text",
    [
        "[00:12:31] Host: Welcome back.",
        "It's eight minutes past ten on a Tuesday.",
        "CPV code 85311300 - Child and youth welfare",
        "Lot 2. Independent fostering agencies",
        "1.1 I was appointed by the Secretary of State.",
    ],
)
def test_furniture_is_not_a_figure(text):
    assert spans(text) == []


def test_a_range_of_durations_is_not_a_clock_time():
    f = figure("The wait was five to eight months.", "five to eight months")
    assert (f["value"], f["value_max"]) == (5.0, 8.0)


def test_comparators_chained_by_and_take_the_rate():
    text = "The rate is 52.0 per 10,000 children, against 47.5 for similar areas and 43.9 in England."
    assert figure(text, "43.9")["value"] == pytest.approx(0.00439)


def test_a_count_before_the_rate_it_is_compared_with_takes_its_denominator():
    text = "The region's rate has risen to 110 from 98 per 10,000 since 2020."
    assert figure(text, "110")["value"] == pytest.approx(0.011)


def test_a_rate_restated_after_a_semicolon():
    text = "Across the six coastal councils the rate was 120 per 10,000; across the four inland councils it was 90."
    assert figure(text, "90")["value"] == pytest.approx(0.009)


def test_a_target_for_a_caseload_is_a_ratio():
    text = "Caseloads average 19, and our target is 16."
    assert figure(text, "16")["unit"] == "ratio"


def test_signed_percentage_points_and_fee_ranges():
    f = figure("Turnover fell to 11% (-2.4pp).", "-2.4pp")
    assert (f["value"], f["direction"]) == (-2.4, "decrease")
    f = figure("Weekly fees range from £3,900 to £7,200 across the region.", "£3,900 to £7,200")
    assert (f["value"], f["value_max"]) == (3900.0, 7200.0)
    f = figure("Most children waited between four and nine months.", "four and nine months")
    assert (f["value"], f["value_max"]) == (4.0, 9.0)


def test_ambiguous_names_confirmed_in_a_table_cell_or_by_abbreviation():
    text = "| 4 | Halton | 124 |\n\nHalton's rate is up. KCC and East Riding agreed. Reading is fun."
    a = tables(text)["authority_mentions"]
    assert a["canonical"].to_list() == ["Halton", "Halton", "Kent", "East Riding of Yorkshire"]


def test_infographic_numbers_before_a_wide_gap_are_figures_but_minute_numbers_are_not():
    text = (
        "Our year in numbers\n"
        "104        children placed for adoption (2023-24: 86)\n"
        "93         adoption orders granted\n"
        "\n"
        "31   Sufficiency Strategy - Progress Report\n"
        "31.1 The Committee noted 512 children in care.\n"
    )
    assert spans(text) == ["104", "86", "93", "512"]


@pytest.mark.parametrize(
    "text, span, field, expected",
    [
        ("Mileage is paid at 40p per mile.", "40p", "value", 0.4),
        ("Maximum term: 60 months", "60 months", "approx", "at_most"),
        ("The DfE thresholds are 426 days and 121 days.", "426 days", "role", "target"),
        ("Spending was £0.3m below budget.", "£0.3m", "role", "other"),
        ("Four to six new resourced units will open in 2026.", "Four to six", "role", "target"),
    ],
)
def test_pence_labelled_bounds_thresholds_budget_gaps_and_plans(text, span, field, expected):
    assert figure(text, span)[field] == expected
