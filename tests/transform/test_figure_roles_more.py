"""Figure roles, qualifiers and table layout for language first met in an unseen corpus: targets stated after the
figure or as the purpose of a fund, durations of an activity, 'from' without a change, changes stated after a
level, comparisons with an earlier time, and tables whose columns are listed with '|'.
Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, figures_of, role_of as role


# --- qualifiers -----------------------------------------------------------------------------------------------

def test_a_level_that_has_passed_a_mark_is_more_than():
    assert figure("In the north the weekly fee has now passed £1,200 for older teens.", "£1,200")["approx"] == "more_than"
    assert figure("Running costs exceeded £3m by the spring.", "£3m")["approx"] == "more_than"


def test_passing_motions_is_not_a_qualifier():
    assert figure("Last week the cabinet passed 14 motions on housing.", "14")["approx"] is None


# --- targets --------------------------------------------------------------------------------------------------

def test_figure_followed_by_target_is_a_target():
    assert role("Only 70% of visits were on time, below the 80% target for the year.", "80%")[0] == "target"


def test_share_of_targets_is_a_level():
    assert role("Some 80% of targets were met by the panel.", "80%")[0] == "level"


def test_purpose_of_a_fund_is_a_target():
    assert role("The board approved a £300k grant to train 25 carers in the county.", "25")[0] == "target"


def test_count_paid_for_by_a_grant_is_a_level():
    assert role("The board trained 25 carers with help from a grant.", "25")[0] == "level"


def test_what_a_proposal_would_deliver_is_a_target():
    assert role("A new capital pot would let the county open around 12 new beds.", "12")[0] == "target"
    assert role("Last year the county opened 12 new beds.", "12")[0] == "level"


# --- durations ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,span",
    [
        ("Approval usually takes three to five months from first call.", "three to five months"),
        ("She has worked with the team for nine years and will retire.", "nine years"),
        ("After six years of running the service, the manager left.", "six years"),
    ],
)
def test_how_long_an_activity_lasts_is_a_level(text, span):
    assert role(text, span)[0] == "level"


@pytest.mark.parametrize(
    "text,span",
    [
        ("Over the last nine years the service grew steadily.", "nine years"),
        ("Cases that took longer than 48 hours were flagged to managers.", "48 hours"),
    ],
)
def test_durations_that_scope_or_bound_stay_other(text, span):
    assert role(text, span)[0] == "other"


# --- from / to / change ---------------------------------------------------------------------------------------

def test_from_without_a_change_is_a_level():
    assert role("Replies came from 88 of the 120 schools we wrote to.", "88")[0] == "level"


def test_from_in_a_change_is_a_from():
    assert role("Home visits fell from 88 to 70 in the autumn.", "88") == ("from", "decrease")


def test_from_after_an_arrival_point_is_a_from():
    assert role("Vacancies have eased to 12%, from 19% a year ago.", "19%")[0] == "from"


def test_change_by_a_range_is_a_change():
    assert role("Fees have risen by between 4% and 6% this year.", "4% and 6%") == ("change", "increase")


def test_change_noun_then_copula_gives_a_change():
    assert role("The net gain over the year had been only six carers.", "six") == ("change", "increase")
    assert role("The gain was welcome, and six carers joined.", "six")[0] == "level"


def test_level_followed_by_a_change_phrase_is_where_it_arrived():
    assert role("The team now supports 240 families, a 12% increase on the spring.", "240") == ("to", "increase")
    assert role("The county has 530 approved carers, 8% more than a year ago.", "530") == ("to", "increase")
    assert role("The county has 530 approved carers, 8% more than a year ago.", "8%") == ("change", "increase")


def test_level_followed_by_a_comparison_between_groups_stays_a_level():
    text = "The county has 530 approved carers, 8% more than the regional average."
    assert role(text, "530")[0] == "level"
    assert role(text, "8%")[0] == "other"


def test_comparative_that_qualifies_the_next_figure_is_not_a_comparison():
    assert role("In 14 districts fewer than a third of pupils attended.", "14")[0] == "level"
    assert role("Some 14 councils spent more than their neighbours.", "14")[0] == "other"


# --- compared with an earlier time ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,later,earlier,direction",
    [
        ("Referrals numbered 640 at the end of May, compared with 590 twelve months earlier.", "640", "590", "increase"),
        ("The margin was 9.1% in 2021, compared with 8.4% the year before.", "9.1%", "8.4%", "increase"),
        ("The unit housed 40 young people in June 2022 against 33 two years earlier.", "40", "33", "increase"),
    ],
)
def test_compared_with_an_earlier_time_gives_from_and_to(text, later, earlier, direction):
    assert role(text, later) == ("to", direction)
    assert role(text, earlier) == ("from", direction)


def test_compared_with_another_place_stays_a_level():
    text = "The unit housed 40 young people, against 33 in a similar unit nearby."
    assert role(text, "40")[0] == "level"
    assert role(text, "33")[0] == "level"


# --- ratios compared ------------------------------------------------------------------------------------------

def test_parallel_rate_takes_the_denominator():
    f = figure("Rates were highest in the east, at 48 per 10,000, and lowest in the west at 21.", "21")
    assert (f["unit"], f["value"]) == ("ratio", pytest.approx(0.0021))


def test_count_compared_with_a_count_after_a_rate_stays_a_count():
    text = "The rate was 55 per 10,000 children, and the city ran 120 groups against 90 in the suburbs."
    assert figure(text, "90")["unit"] == "count"


def test_one_in_ratios_keep_four_decimals():
    assert figure("One in seven pupils had a plan.", "One in seven")["value"] == pytest.approx(0.1429, abs=1e-6)


# --- tables ---------------------------------------------------------------------------------------------------

PERCENT_TABLE = (
    "Table 4. Carers who would recommend fostering, by area (%)\n"
    "Northbank 81 | Southfield 77 | Eastmere 69\n"
    "\n"
    "The survey closed in May.\n"
)


def test_percent_heading_makes_piped_cells_percentages():
    f = figure(PERCENT_TABLE, "81")
    assert (f["unit"], f["value"], f["role"]) == ("percent", 81.0, "level")


def test_piped_cells_without_a_percent_heading_stay_counts():
    assert figure(PERCENT_TABLE.replace(" (%)", ""), "81")["unit"] == "count"


TARGET_TABLE = (
    "Table 2 - Service measures (Spring | Summer | Target)\n"
    "M1 Visits made on time 81% 84% 90%\n"
    "M2 Open cases per social worker 21 19 18\n"
    "M3 Carers approved 12 9 n/a\n"
    "\n"
    "Members noted the report.\n"
)


def test_target_column_of_a_flattened_table():
    assert figure(TARGET_TABLE, "90%")["role"] == "target"
    assert figure(TARGET_TABLE, "84%")["role"] == "level"
    assert figure(TARGET_TABLE, "9")["role"] == "level"  # the target cell of this row is empty ('n/a')


def test_per_worker_row_label_makes_cells_ratios():
    f = figure(TARGET_TABLE, "18")
    assert (f["unit"], f["role"]) == ("ratio", "target")
    assert figure(TARGET_TABLE, "21")["unit"] == "ratio"
    assert figure(TARGET_TABLE, "12")["unit"] == "count"


def test_table_without_a_target_column_has_no_targets():
    text = TARGET_TABLE.replace("Summer | Target", "Summer | Autumn")
    assert figure(text, "90%")["role"] == "level"


def test_extra_money_and_additional_posts_are_increases():
    text = "The trust put in an extra £1.2m this winter, paying for six additional nurse roles."
    assert role(text, "£1.2m") == ("change", "increase")
    assert role(text, "six") == ("change", "increase")


def test_labelled_target_in_brackets_is_a_target():
    assert role("Reviews done on time: 84% (target: 95%).", "95%")[0] == "target"


def test_total_savings_after_a_colon_are_a_decrease():
    assert role("Combined savings put forward for youth services: £1.4 million.", "£1.4 million") == ("change", "decrease")


def test_requires_improvement_grade_is_not_a_change():
    text = "Of the visits, two councils were rated good, three requires improvement and one inadequate."
    assert role(text, "three")[0] == "level"
    assert role(text, "one")[0] == "level"


def test_earlier_dated_comparator_of_a_stated_change_is_its_start():
    text = "The share of late plans dropped to 6.1%, compared with 7.9% in 2021/22."
    assert role(text, "7.9%") == ("from", "decrease")


def test_numbers_of_an_age_range_do_not_make_a_from():
    text = "Letters from 95 councils show that 3,100 young people aged 17 to 22 sought help."
    assert role(text, "95")[0] == "level"


def test_duration_range_stated_as_a_wait_is_a_level():
    assert role("In the north the usual wait was three to five months.", "three to five months")[0] == "level"
    assert role("Much happens in the first two to four months of a plan.", "two to four months")[0] == "other"
