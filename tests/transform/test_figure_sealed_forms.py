"""Figures, periods, councils and ratings for forms first met in the sealed corpus: statutory time limits,
cost thresholds, asks, comparisons 'as much', rates named without their denominator, contents lists with dot
leaders, dotted-leader tables, change columns, rows shorter than their heading, numbered paragraphs after
headings, and judgement columns of flattened tables. Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, spans, tables


def role(text: str, span: str) -> str:
    return figure(text, span)["role"]


# --- roles ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, span",
    [
        ("Appeals should normally be decided within 20 working days.", "20 working days"),
        ("That is well past the 40-day limit for a review.", "40-day"),
        ("She waited 30 weeks, against the 18 week deadline.", "18 week"),
    ],
)
def test_time_limits_are_targets(text, span):
    assert role(text, span) == "target"


def test_a_duration_that_was_taken_stays_a_level():
    assert role("The review took 30 weeks in the end.", "30 weeks") == "level"


def test_a_bound_on_cost_for_counted_children_is_a_threshold():
    text = "Nine children live in homes costing over £12,000 a week."
    assert role(text, "£12,000") == "other"
    assert figure(text, "£12,000")["approx"] == "over"


def test_a_bound_on_one_placement_cost_stays_a_level():
    assert role("One placement is now costing more than £400,000 a year.", "£400,000") == "level"


def test_above_is_more_than():
    assert figure("Some 30 of its 300 children were in placements costing above £6,000 a week.", "£6,000")["approx"] == "more_than"


def test_what_a_union_calls_for_is_a_target():
    text = "The union is calling for a cap of 16 cases per worker and a 5 to 7 per cent pay rise."
    assert role(text, "16") == "target"
    assert role(text, "5 to 7 per cent") == "target"


def test_demand_as_a_noun_is_no_ask():
    assert role("Demand for places has risen by 30% since 2019.", "30%") == "change"


def test_a_change_in_a_clause_setting_a_target_is_a_target():
    text = "The board has set a target to raise attendance at school to 92%."
    assert role(text, "92%") == "target"


@pytest.mark.parametrize(
    "text, span",
    [
        ("Kinship care cost around a quarter as much.", "a quarter"),
        ("The rate is 1.2 percentage points below the regional figure.", "1.2 percentage points"),
    ],
)
def test_comparisons_between_groups_are_other(text, span):
    assert role(text, span) == "other"


# --- units --------------------------------------------------------------------------------------------------------

def test_a_comparator_after_an_age_takes_the_rate_denominator():
    text = "Our rate is 52 per 10,000 children aged under 18, below the national rate of 67 and the regional average of 71."
    assert figure(text, "67")["unit"] == "ratio"
    assert figure(text, "67")["value"] == pytest.approx(0.0067)
    assert figure(text, "71")["value"] == pytest.approx(0.0071)


def test_a_rate_named_in_the_next_sentence_takes_the_last_denominator():
    text = (
        "First-time entrants fell to 120 per 100,000 young people in 2024, a cut of 20%. "
        "The rate for the region was 140 and for similar areas 155."
    )
    assert figure(text, "140")["value"] == pytest.approx(0.0014)
    assert figure(text, "155")["value"] == pytest.approx(0.00155)


def test_a_count_named_as_a_rate_without_any_rate_stays_a_count():
    assert figure("The rate of return was high: 140 forms came back.", "140")["unit"] == "count"


def test_averages_each_and_per_child_are_printed_ratios():
    text = "Those who reoffended committed an average of 2.6 further offences each (1.1 per child overall)."
    assert figure(text, "2.6")["unit"] == "ratio"
    assert figure(text, "1.1 per child")["value"] == pytest.approx(1.1)


def test_a_reported_caseload_is_a_ratio():
    assert figure("The average caseload reported was 21 children.", "21")["unit"] == "ratio"


# --- layout ---------------------------------------------------------------------------------------------------------

CONTENTS = (
    "Contents\n"
    "1. Purpose ........................................ 2\n"
    "2. Our children in care ........................... 3\n"
    "3. Money .......................................... 5\n"
    "\n"
    "1. Purpose\n"
    "We look after 512 children.\n"
)

DOTTED_TABLE = (
    "Table 3: Partner contributions 2025/26 (£000s)\n"
    "Grant from the board ...................... 410\n"
    "Police .................................... 85\n"
    "Total ..................................... 495\n"
    "\n"
    "The council's share rose by 4%.\n"
)

CHANGE_COLUMN = (
    "| Council | Children | Fee (£/wk) | Change in fee (%) |\n"
    "|---|---|---|---|\n"
    "| Northfield | 410 | 5,200 | +7.5 |\n"
    "| Southmoor | 380 | 4,900 | -1.5 |\n"
)

SHORT_ROW = (
    "Area              Children   Placed far away   %    Latest judgement\n"
    "Dudley                 410               120   29   Good (2023)\n"
    "Region               4,100             1,050   26\n"
)


def test_page_numbers_of_a_contents_list_are_not_figures():
    assert spans(CONTENTS) == ["512"]


def test_dotted_leader_rows_take_the_heading_money_scale():
    f = figure(DOTTED_TABLE, "85")
    assert (f["unit"], f["value"]) == ("GBP", 85000.0)
    assert figure(DOTTED_TABLE, "495")["value"] == 495000.0


def test_money_column_in_pounds_and_a_change_column():
    assert figure(CHANGE_COLUMN, "5,200")["unit"] == "GBP"
    assert role(CHANGE_COLUMN, "+7.5") == "change"
    assert role(CHANGE_COLUMN, "410") == "level"


def test_a_row_shorter_than_its_heading_counts_columns_from_the_left():
    assert figure(SHORT_ROW, "1,050")["unit"] == "count"
    assert figure(SHORT_ROW, "26")["unit"] == "percent"
    assert figure(SHORT_ROW, "29")["unit"] == "percent"


def test_numbered_paragraphs_after_headings_are_numbering():
    text = (
        "The complaint\n1. Mr Y says the council was slow.\n\n"
        "What I found\n2. The council took 14 weeks to reply.\n\n"
        "Decision\n3. I have finished my work.\n"
    )
    assert spans(text) == ["14 weeks"]


@pytest.mark.parametrize(
    "text",
    [
        "Benchmarking note 4, 2024-25 covers fees.",
        "Written question UIN 51234 asked about fees.",
        "Ms Y asked for a stage two review.",
        "Wigan Council (23 004 118) was at fault.",
        "Table 2: Spending (£000s)",
    ],
)
def test_labels_and_codes_are_not_figures(text):
    assert spans(text) == []


def test_a_qualified_single_unit_of_time_is_a_duration():
    f = figure("The council took almost a year to reply.", "a year")
    assert (f["value"], f["unit"], f["approx"]) == (1.0, "years", "nearly")


# --- periods, councils and ratings ---------------------------------------------------------------------------------

def test_days_across_two_months_and_a_year_to_december():
    p = tables("The survey ran from 3 March to 9 April 2025, covering the year to December 2024.")["periods"].sort("start")
    rows = p.select("kind", "start_date", "end_date").rows()
    assert [(k, str(a), str(b)) for k, a, b in rows] == [
        ("year_range", "2025-03-03", "2025-04-09"),
        ("year", "2024-01-01", "2024-12-31"),
    ]


def test_bare_newcastle_is_the_upper_tier_council_but_not_a_football_club():
    a = tables("| Newcastle | 612 |\nFans of Newcastle United cheered.")["authority_mentions"]
    assert a["canonical"].to_list() == ["Newcastle upon Tyne"]


def test_judgement_column_of_a_flattened_table_rates_each_row():
    r = tables(SHORT_ROW)["ratings"]
    assert r.select("authority", "rating").rows() == [("Dudley", "good")]


def test_judged_requires_improvement_to_be_good_is_one_judgement():
    r = tables("Wigan Council, whose services were judged requires improvement to be good in 2023, grew.")["ratings"]
    assert r["rating"].to_list() == ["requires_improvement"]


def test_the_service_means_the_council_named_most_recently_most_often():
    text = (
        "Wigan Youth Justice Service is run by Wigan Council. Wigan's board meets monthly. "
        "The service shares a panel with Bolton Council. "
        "Inspectors rated the service good overall in 2023."
    )
    r = tables(text)["ratings"]
    assert r["authority"].to_list() == ["Wigan"]


def test_an_earlier_total_after_up_on_a_year_is_where_the_change_started():
    text = "Some 9,120 children were looked after, up 3% on 2023 (8,850)."
    assert role(text, "8,850") == "from"
    text = "The budget is £2.4 billion, up 6 per cent on the previous year's budget of £2.26 billion."
    assert role(text, "£2.26 billion") == "from"


def test_an_overspend_stated_by_an_average_is_other():
    assert role("Most councils expect to overspend this year, by an average of £4.1 million each.", "£4.1 million") == "other"


def test_a_bracketed_restatement_of_a_change_is_that_change():
    text = "The council's share rose by £40k (6.1%) on the year before."
    f = figure(text, "6.1%")
    assert (f["role"], f["direction"]) == ("change", "increase")


def test_money_for_improvement_work_is_no_change():
    assert role("The Department invested £3.1 million in improvement support.", "£3.1 million") == "level"
    assert role("Councils made £20m in cuts last year.", "£20m") == "change"
