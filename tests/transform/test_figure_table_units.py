"""Units of table cells from their column headings and row labels: pipe tables with a '%' column, wide-gap
tables, PDF tables whose heading declares units in order ('(£m) ... (%)') for the last numbers of each row, and
row labels that declare a unit ('(%)', 'per 10,000'). Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

from tests.transform.conftest import figure, figures_of

ORDERED = (
    "Table 4: Spend by region\n"
    "Region Homes Spend Share of\n"
    "(£m) spend (%)\n"
    "North 14 52.5 31\n"
    "South 22 116.0 69\n"
    "Source: returns\n"
)


def test_ordered_units_belong_to_the_last_numbers_of_each_row():
    assert figure(ORDERED, "14")["unit"] == "count"
    spend = figure(ORDERED, "52.5")
    assert (spend["unit"], spend["value"]) == ("GBP", 52_500_000.0)
    assert figure(ORDERED, "31")["unit"] == "percent"
    assert figure(ORDERED, "69")["unit"] == "percent"


def test_one_unit_in_a_heading_still_holds_for_every_number():
    text = "Budget lines (£m)\nPlacements   41.2   44.0\nStaffing   12.1   12.6\n\nEnd of table."
    assert figure(text, "44.0")["unit"] == "GBP" and figure(text, "12.1")["unit"] == "GBP"


PIPES = (
    "| Reason for entry | Children | % |\n"
    "|---|---|---|\n"
    "| Neglect | 8,120 | 61 |\n"
    "| Other | 5,190 | 39 |\n"
    "\n"
    "Numbers are rounded.\n"
)


def test_pipe_table_column_of_percentages():
    assert figure(PIPES, "8,120")["unit"] == "count"
    assert figure(PIPES, "61")["unit"] == "percent"
    assert figure(PIPES, "39")["unit"] == "percent"


def test_pipe_table_money_column_only():
    text = "| Area | Spend (£m) | Homes |\n|---|---|---|\n| East | 7.5 | 12 |\n\nEnd."
    assert figure(text, "7.5")["unit"] == "GBP" and figure(text, "12")["unit"] == "count"


GAP = (
    "Code   Measure                                   Target   Q1     Q2\n"
    "M1     Plans reviewed on time (%)                  95.0     88.1   90.4\n"
    "M2     Children in need per 10,000                 310      322    318\n"
    "M3     Visits completed                            400      380    415\n"
    "\n"
    "The panel noted the figures.\n"
)


def test_row_label_declares_percent_or_rate():
    assert figure(GAP, "88.1")["unit"] == "percent"
    rate = figure(GAP, "322")
    assert (rate["unit"], rate["value"]) == ("ratio", 0.0322)
    assert figure(GAP, "380")["unit"] == "count"


def test_denominator_in_a_row_label_is_not_a_figure():
    assert "10,000" not in figures_of(GAP)["text"].to_list()


def test_bracketed_cell_is_an_accounting_negative():
    text = "Variance by line:\n\n    Placements                  £2.1m\n    Legal costs                (£0.3m)\n\nIn prose a sum (£5m) is no negative."
    cell = figure(text, "(£0.3m)")
    assert (cell["value"], cell["unit"], cell["direction"]) == (-300_000.0, "GBP", "decrease")
    assert figure(text, "£5m")["value"] == 5_000_000.0


def test_numbering_of_items_run_together_on_one_line():
    spans = figures_of("Most read: 1. Bus fares  2. School places  3. Libraries\n\nThe board met 12 times.")["text"].to_list()
    assert spans == ["12"]
