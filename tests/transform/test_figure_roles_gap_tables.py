"""Figure roles and qualifiers for language first met in a later corpus: tables whose columns are separated by
wide gaps with a 'Target' column, thresholds and scoping durations in row labels, a qualifier shared by joined
figures, savings phrased as efficiencies, forecasts ('will reach'), gaps 'between' two amounts, and two dated
levels joined by 'and ... by <year>'. Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

from tests.transform.conftest import figure, figures_of, role_of

GAP_TABLE = (
    "Code  Indicator                               Q1 2025    Q2 2025    Target    Status\n"
    "K1    Assessments done within 45 days            71%        78%        85%      Amber\n"
    "K2    Open cases per social worker                19         17         15      Green\n"
    "K3    Young people waiting 12+ weeks              40         22          0      Green\n"
    "\n"
    "Members noted the report.\n"
)


def test_target_column_of_a_wide_gap_table():
    assert figure(GAP_TABLE, "85%")["role"] == "target"
    assert figure(GAP_TABLE, "78%")["role"] == "level"
    assert figure(GAP_TABLE, "15")["role"] == "target"
    assert figure(GAP_TABLE, "0")["role"] == "target"
    assert figure(GAP_TABLE, "40")["role"] == "level"


def test_wide_gap_table_without_target_column_has_no_targets():
    text = GAP_TABLE.replace("Target  ", "Q3 2025 ")
    assert figure(text, "85%")["role"] == "level"


def test_durations_in_row_labels_keep_their_own_role():
    days = figure(GAP_TABLE, "45 days")
    assert (days["unit"], days["role"]) == ("days", "other")
    weeks = figure(GAP_TABLE, "12+ weeks")
    assert (weeks["value"], weeks["unit"], weeks["approx"], weeks["role"]) == (12.0, "weeks", "at_least", "other")


def test_qualifier_is_shared_by_joined_figures():
    text = "Its two neighbours finish roughly 55% and 61% of plans on time."
    assert figure(text, "55%")["approx"] == "around"
    assert figure(text, "61%")["approx"] == "around"


def test_qualifier_is_not_shared_across_a_noun():
    text = "About 40 carers and 12 social workers attended."
    assert figure(text, "12")["approx"] is None


def test_efficiencies_are_a_decrease_even_with_a_deadline():
    f = figure("The board asked the trust to find efficiencies of £1.8m by 2026/27.", "£1.8m")
    assert (f["role"], f["direction"]) == ("change", "decrease")


def test_will_reach_is_a_target():
    assert figure("Staffing will reach 36 once both wings are open.", "36")["role"] == "target"


def test_gap_between_two_amounts_is_other():
    f = figure("Councils say the gap between grant and cost exceeds £12 million a year.", "£12 million")
    assert (f["role"], f["approx"]) == ("other", "more_than")


def test_dated_levels_joined_by_and_by_are_a_change():
    text = "The average weekly fee was £3,900 in 2018 and £4,700 by 2024."
    assert (figure(text, "£3,900")["role"], figure(text, "£4,700")["role"]) == ("from", "to")
    assert figure(text, "£4,700")["direction"] == "increase"


def test_dated_levels_joined_by_and_in_stay_levels():
    text = "The fee was £3,900 in 2018 and £4,700 in 2024 for two different homes."
    assert {figure(text, "£3,900")["role"], figure(text, "£4,700")["role"]} == {"level"}


def test_glued_chart_percentages_are_figures_not_footnotes():
    spans = figures_of("Spend by area\n\nFostering31%Residential12%Early help9%\n")["text"].to_list()
    assert spans == ["31%", "12%", "9%"]


def test_spending_beyond_budget_is_other():
    text = "The outturn is £98.2m, an overspend of £6.4m (7.0%). Essex expects to overspend by £3.1m this year."
    assert figure(text, "£98.2m")["role"] == "level"
    assert figure(text, "£6.4m")["role"] == "other"
    assert figure(text, "7.0%")["role"] == "other"
    assert figure(text, "£3.1m")["role"] == "other"


def test_a_rising_overspend_is_still_a_change():
    assert role_of("The overspend rose by £2m in the quarter.", "£2m") == ("change", "increase")


def test_earlier_figure_stated_after_the_later_one():
    text = "The trust looked after 512 children in May; a year earlier the total was 470."
    assert role_of(text, "512") == ("to", "increase")
    assert role_of(text, "470") == ("from", "increase")


def test_imperative_bullets_are_targets_but_not_their_durations():
    text = "Our plan for next year\n\n• Recruit 25 more adopters over three years\n• Cut agency use to 10%\n"
    assert figure(text, "25")["role"] == "target"
    assert figure(text, "10%")["role"] == "target"
    assert figure(text, "three years")["role"] != "target"


def test_by_a_half_and_by_an_average_of_are_changes():
    assert role_of("Waiting lists have fallen by a half since 2020.", "half") == ("change", "decrease")
    assert role_of("Fees rose by an average of 6% last year.", "6%") == ("change", "increase")


def test_money_under_an_overspend_heading_is_other_but_counts_stay_levels():
    text = (
        "Table 3: Forecast overspend by service\n"
        "Service Teams Overspend\n"
        "(£m) share (%)\n"
        "Placements 12 4.5 60\n"
        "Transport 3 3.0 40\n"
        "Source: returns\n"
    )
    assert figure(text, "4.5")["role"] == "other"
    assert figure(text, "12")["role"] == "level"


def test_mitigations_are_savings():
    assert role_of("Mitigations worth £1.5m are expected by March.", "£1.5m") == ("change", "decrease")
