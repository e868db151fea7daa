"""Figures that depend on the line layout of a document (tables, lists, footnote blocks) and on the
language around them (comparators, ranges, targets, thresholds). Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, spans


MONEY_TABLE = (
    "Schedule 4: Outturn by team, 2021-22 (£m)\n"
    "Team                     Plan      Actual    Difference\n"
    "Fostering                17.5      18.1      +0.6\n"
    "Residential              40.2      39.9      -0.3\n"
    "\n"
    "The board met 12 times in the year.\n"
)

RATE_TABLE = (
    "Chart 5: Referrals per 10,000 children by district, spring 2022\n"
    "District\n"
    "Rate\n"
    "Northfield\n"
    "412\n"
    "Southmoor\n"
    "388\n"
    "\n"
    "Some 40 staff attended.\n"
)


def test_money_heading_scales_table_cells():
    f = figure(MONEY_TABLE, "17.5")
    assert (f["value"], f["unit"], f["role"]) == (17_500_000, "GBP", "level")
    assert figure(MONEY_TABLE, "39.9")["value"] == pytest.approx(39_900_000)


def test_signed_table_cells_keep_sign_and_direction():
    up = figure(MONEY_TABLE, "+0.6")
    down = figure(MONEY_TABLE, "-0.3")
    assert (up["value"], up["direction"], up["role"]) == (pytest.approx(600_000), "increase", "level")
    assert (down["value"], down["direction"], down["role"]) == (pytest.approx(-300_000), "decrease", "level")


def test_heading_unit_stops_at_blank_line():
    f = figure(MONEY_TABLE, "12")
    assert (f["value"], f["unit"]) == (12, "count")


def test_rate_heading_makes_vertical_cells_rates():
    f = figure(RATE_TABLE, "412")
    assert (f["value"], f["unit"]) == (pytest.approx(0.0412), "ratio")
    assert figure(RATE_TABLE, "40")["unit"] == "count"


def test_rate_in_prose_does_not_scale_the_next_line():
    text = "Overall the county rate was 58 per 10,000 children\nin 2020. Of those, 214 were boys.\n"
    assert figure(text, "214")["unit"] == "count"


def test_table_row_cells_are_levels_despite_column_words():
    text = "Outcomes by area\nEast        growth 4    decline 2    stable 6\n"
    for span in ("4", "2", "6"):
        f = figure(text, span)
        assert (f["role"], f["direction"]) == ("level", None)


@pytest.mark.parametrize(
    "text",
    [
        "Priorities\n\n1. Faster help for families\n2. Fewer moves for teenagers\n",
        "Contents\n\n3   Staffing\n\nAgency use fell.\n",
        "Report\n\n2 Finance\nSpending fell again.\n",
        "Actions:\n\n1 - Review every plan\n",
    ],
)
def test_numbering_at_line_start_is_not_a_figure(text):
    assert [s for s in spans(text) if s.isdigit()] == []


def test_count_at_start_of_a_wrapped_line_is_kept():
    text = "In the spring the service supported\n37 families with housing and debt advice.\n"
    assert "37" in spans(text)


def test_sentence_end_at_line_start_is_kept():
    text = "By the summer the number had fallen to\n12. The board welcomed this.\n"
    assert "12" in spans(text)


def test_footnote_markers_after_a_rule_are_dropped():
    text = (
        "Demand grew by a tenth.1 Staffing lagged.2\n\n"
        "__________\n"
        "1 Local returns for the autumn. 2 Workforce survey data.\n"
    )
    assert spans(text) == ["a tenth"]


def test_street_number_and_day_of_month_are_not_figures():
    text = "Send comments by 14 July to the Clerk, 22 Mill Lane, Ashford, and to 9 Quarry Hill, Leeds LS2 7EW.\n"
    assert spans(text) == []


def test_age_bound_before_a_stated_age():
    text = "About ninety were under 14; the others were 14 or 15 years old.\n"
    bound = figure(text, "14")
    assert (bound["unit"], bound["approx"], bound["role"]) == ("years", "fewer_than", "other")
    rng = figure(text, "14 or 15 years old")
    assert (rng["value"], rng["value_max"], rng["unit"]) == (14, 15, "years")


def test_average_of_cases_is_a_ratio_and_its_comparator_too():
    text = "Workers in the north carried an average of 21 cases, compared with 17 in the south.\n"
    assert figure(text, "21")["unit"] == "ratio"
    assert figure(text, "17")["unit"] == "ratio"


def test_comparator_of_a_caseload():
    text = "The typical caseload is 26, against a county figure of 19.\n"
    assert (figure(text, "19")["unit"], figure(text, "19")["value"]) == ("ratio", 19)


def test_spread_after_a_ratio_is_a_range_of_levels():
    text = "The mean is 15.2 cases per worker, but teams range from under 9 to well over 30.\n"
    low, high = figure(text, "9"), figure(text, "30")
    assert (low["unit"], low["role"], low["approx"]) == ("ratio", "level", "fewer_than")
    assert (high["unit"], high["role"], high["approx"]) == ("ratio", "level", "more_than")


def test_earlier_figure_of_a_rate_is_the_start_of_a_change():
    text = "At 72 per 10,000 children the rate is high, though well down on its 2015 figure of 81.\n"
    start = figure(text, "81")
    assert (start["unit"], start["value"], start["role"], start["direction"]) == ("ratio", pytest.approx(0.0081), "from", "decrease")
    end = figure(text, "72 per 10,000 children")
    assert (end["role"], end["direction"]) == ("to", "decrease")


def test_since_when_it_stood_at_is_a_start():
    text = "The rate is now 47 per 10,000 children. It has risen each year since 2016, when it stood at 41 per 10,000.\n"
    start = figure(text, "41 per 10,000")
    assert (start["role"], start["direction"]) == ("from", "increase")
    end = figure(text, "47 per 10,000 children")
    assert (end["role"], end["direction"]) == ("to", "increase")


def test_campaign_for_additional_is_a_target():
    text = "Members backed a drive for 45 additional adopters by the spring.\n"
    assert figure(text, "45")["role"] == "target"


def test_all_but_and_group_bounds_are_other():
    assert figure("Its rate is lower than all but three of its neighbours.", "three")["role"] == "other"
    f = figure("Schools with fewer than 50 pupils were left out.", "50")
    assert (f["role"], f["approx"]) == ("other", "fewer_than")


def test_schedule_starting_at_rising_to_is_not_a_change():
    text = "The allowance starts at £140 for an infant, rising to £210 for a teenager.\n"
    f = figure(text, "£210")
    assert (f["role"], f["direction"]) == ("level", None)


def test_gap_between_groups_is_other_but_a_funding_gap_is_a_level():
    assert figure("Northern pupils scored 61% against 48% in the south, a gap of 27%.", "27%")["role"] == "other"
    assert figure("The region faces a funding gap of £40m by 2024.", "£40m")["role"] == "level"


def test_qualifiers_approaching_and_well_over():
    assert figure("Debts are approaching £2.5bn nationally.", "£2.5bn")["approx"] == "nearly"
    assert figure("The list holds well over 900 names.", "900")["approx"] == "more_than"


def test_trailing_change_clause_marks_the_arrival_value():
    f = figure("Some 2,140 pupils were excluded, a drop of 9% from 2,350 the year before.", "2,140")
    assert (f["role"], f["direction"]) == ("to", "decrease")


def test_phrasal_up_is_not_a_change():
    f = figure("Supply teachers make up under 6 per cent of the staff.", "6 per cent")
    assert (f["role"], f["approx"]) == ("level", "fewer_than")


def test_hyphenated_up_in_a_heading_is_not_a_change():
    f = figure("Log in | Sign-up\nThree trusts, three different plans", "Three")
    assert f["role"] == "level"


def test_money_words_and_money_ranges():
    f = figure("The appeal raised six million pounds for the hospice.", "six million pounds")
    assert (f["value"], f["unit"]) == (6_000_000, "GBP")
    r = figure("A new post will cost between £38,000 and £42,000 a year.", "£38,000 and £42,000")
    assert (r["value"], r["value_max"], r["unit"]) == (38_000, 42_000, "GBP")


def test_ratio_with_noun_before_every():
    f = figure("In the valley one post in every three is vacant.", "one post in every three")
    assert (f["value"], f["unit"]) == (pytest.approx(1 / 3, abs=1e-4), "ratio")  # ratios keep four decimals


def test_caseload_brought_down_to():
    f = figure("New hires have brought average caseloads down to 18, and sickness has fallen from 6% to 4%.", "18")
    assert (f["unit"], f["role"], f["direction"]) == ("ratio", "to", "decrease")


def test_numbering_after_a_markdown_heading_mark_is_not_a_figure():
    text = "Intro line.\n\n## 4. Budget\n\nWe hosted 19 events.\n\n### 5. Outlook\n\nMore to come.\n"
    assert spans(text) == ["19"]


def test_two_level_paragraph_number_at_line_start_is_not_a_figure():
    text = "3.    Schooling\n\n3.2   81.5% of pupils had a plan and 70% a tutor.\n"
    assert spans(text) == ["81.5%", "70%"]


def test_numbered_paragraph_with_wide_gap_is_prose_not_a_table_row():
    text = "2.4   The outreach service now supports 230 families, up by 14\n      since spring.\n"
    f = figure(text, "14")
    assert (f["role"], f["direction"]) == ("change", "increase")
    assert figure(text, "230")["role"] == "to"


def test_row_label_naming_days_makes_its_cells_durations():
    text = "| Measure | Value |\n|---|---|\n| Mean days, referral to first visit | 37 (a year before: 44) |\n| Visits made | 120 |\n"
    assert figure(text, "37")["unit"] == "days"
    assert figure(text, "44")["unit"] == "days"
    assert figure(text, "120")["unit"] == "count"
