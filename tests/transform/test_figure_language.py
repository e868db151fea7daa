"""Figure language coverage: number words, fractions, ranges, signs, money, rates, points,
durations, roles and directions, and the numbers that are NOT figures (../shared/gold/SCHEMA.md).

Every text here is written for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import figures_of

FIELDS = ("value", "value_max", "unit", "approx", "role", "direction")


def figure(text: str, span: str) -> dict:
    rows = figures_of(text)
    hit = rows.filter(pl.col("text") == span)
    assert hit.height == 1, f"no single figure {span!r} in {text!r}: {rows['text'].to_list()}"
    return hit.row(0, named=True)


# (text, span, value, value_max, unit, approx, role, direction)
CASES = [
    # number words up to millions
    ("Two million households claim the benefit.", "Two million", 2e6, None, "count", None, "level", None),
    ("The trust employs three hundred and forty nurses.", "three hundred and forty", 340, None, "count", None, "level", None),
    ("Around 1.5 million adults provide unpaid care.", "1.5 million", 1.5e6, None, "count", "around", "level", None),
    ("Forty-two per cent of homes are rented.", "Forty-two per cent", 42, None, "percent", None, "level", None),
    # fractions, ratios and multipliers
    ("Roughly two thirds of parents agreed.", "two thirds", 0.6667, None, "fraction", "around", "level", None),
    ("Only one in ten pupils walked to school.", "one in ten", 0.1, None, "ratio", None, "level", None),
    ("Nearly half of the teams reported delays.", "half", 0.5, None, "fraction", "nearly", "level", None),
    ("A quarter of homes lacked heating.", "A quarter", 0.25, None, "fraction", None, "level", None),
    ("Delays have halved since the pilot.", "halved", 0.5, None, "multiplier", None, "change", "decrease"),
    ("Requests for help doubled last winter.", "doubled", 2, None, "multiplier", None, "change", "increase"),
    ("Applications trebled after the launch.", "trebled", 3, None, "multiplier", None, "change", "increase"),
    ("Enquiries tripled within months.", "tripled", 3, None, "multiplier", None, "change", "increase"),
    ("Almost nine in ten carers would stay on.", "nine in ten", 0.9, None, "ratio", "nearly", "level", None),
    ("A secure bed costs four times as much as a foster place.", "four times", 4, None, "multiplier", None, "other", None),
    # ranges
    ("Each hub supports six to eight households.", "six to eight", 6, 8, "count", None, "level", None),
    ("The clinic sees 11-17 year olds only.", "11-17 year olds", 11, 17, "years", None, "other", None),
    ("Between 40 and 45 per cent of carers are unpaid.", "40 and 45 per cent", 40, 45, "percent", None, "level", None),
    # printed signs
    ("Inner areas (-28.5%) saw the steepest fall.", "-28.5%", -28.5, None, "percent", None, "change", "decrease"),
    ("Rural areas (+3.2%) grew slightly.", "+3.2%", 3.2, None, "percent", None, "change", "increase"),
    # money
    ("The bill reached £2.96bn in total.", "£2.96bn", 2.96e9, None, "GBP", None, "level", None),
    ("Each visit cost £115.79 on average.", "£115.79", 115.79, None, "GBP", None, "level", None),
    ("A further £3million went into early help.", "£3million", 3e6, None, "GBP", None, "level", None),
    ("Families pay £5,000 per year for nursery places.", "£5,000", 5000, None, "GBP", None, "level", None),
    ("A grant of £1.2 million was awarded.", "£1.2 million", 1.2e6, None, "GBP", None, "level", None),
    ("The pilot costs £450k to run.", "£450k", 450000, None, "GBP", None, "level", None),
    ("The merger is saving the county £2m.", "£2m", 2e6, None, "GBP", None, "change", "decrease"),
    # rates
    ("The rate stood at 71 per 10,000 children last March.", "71 per 10,000 children", 0.0071, None, "ratio", None, "level", None),
    ("There were 16 cases per social worker.", "16", 16, None, "ratio", None, "level", None),
    ("Calls ran at 617 a day over the winter.", "617", 617, None, "count", None, "level", None),
    # percentage points
    ("The pass rate fell by 4 percentage points.", "4 percentage points", 4, None, "percentage_point", None, "change", "decrease"),
    ("The difference between the two rates was 7%.", "7%", 7, None, "percentage_point", None, "other", None),
    ("Placements rose by 5%, from 20% to 25%, in a year.", "5%", 5, None, "percentage_point", None, "change", "increase"),
    # durations
    ("Matching a child took 639 days on average.", "639 days", 639, None, "days", None, "level", None),
    ("The placement lasted 18 months.", "18 months", 18, None, "months", None, "level", None),
    ("The induction course runs six weeks.", "six weeks", 6, None, "weeks", None, "level", None),
    ("Reviews must finish within 20 working days.", "20 working days", 20, None, "days", None, "target", None),
    ("Some decisions took longer than 48 hours.", "48 hours", 48, None, "hours", "more_than", "other", None),
    ("Visits have risen over the last three years.", "three years", 3, None, "years", None, "other", None),
    ("Targets were met in four of the past six years.", "four", 4, None, "years", None, "level", None),
    ("The board opened two years ahead of plan.", "two years", 2, None, "years", None, "other", None),
    # roles: endpoints of a change
    ("Numbers in care dropped from 780 to 640 this year.", "780", 780, None, "count", None, "from", "decrease"),
    ("Numbers in care dropped from 780 to 640 this year.", "640", 640, None, "count", None, "to", "decrease"),
    ("Caseloads were about 28 children per social worker; a year on they had fallen to roughly 19.", "19", 19, None, "ratio", "around", "to", "decrease"),
    ("Caseloads were about 28 children per social worker; a year on they had fallen to roughly 19.", "28", 28, None, "ratio", "around", "from", "decrease"),
    ("Open cases rose from 300 to 420 in a year.", "420", 420, None, "count", None, "to", "increase"),
    ("Caseloads now average 15 per social worker, down from 22.", "15", 15, None, "ratio", None, "to", "decrease"),
    ("Caseloads now average 15 per social worker, down from 22.", "22", 22, None, "ratio", None, "from", "decrease"),
    ("There were 5,120 carers in March, up 3% from 4,970 a year before.", "5,120", 5120, None, "count", None, "to", "increase"),
    ("Locum use is under 9% today, compared with a fifth in 2016.", "9%", 9, None, "percent", "fewer_than", "to", "decrease"),
    ("Turnover is now 15%, up from 12%.", "12%", 12, None, "percent", None, "from", "increase"),
    ("Audits found 64% compliance in 2017 compared with 48% in 2014.", "64%", 64, None, "percent", None, "to", "increase"),
    ("Audits found 64% compliance in 2017 compared with 48% in 2014.", "48%", 48, None, "percent", None, "from", "increase"),
    ("Waiting lists shrank, and open cases fell (now under 300).", "300", 300, None, "count", "fewer_than", "to", "decrease"),
    # roles: amounts of change
    ("Exclusions fell by 12% over the year.", "12%", 12, None, "percent", None, "change", "decrease"),
    ("Councils reported a 21% increase in enquiries.", "21%", 21, None, "percent", None, "change", "increase"),
    ("Schools faced funding cuts of 30% in five years.", "30%", 30, None, "percent", None, "change", "decrease"),
    ("There was an increase of over 18% in requests.", "18%", 18, None, "percent", "over", "change", "increase"),
    ("The wait is now 40 days shorter than it used to be.", "40 days", 40, None, "days", None, "change", "decrease"),
    ("Spending grew by 9 per cent, twice the regional average of 4.5 per cent.", "4.5 per cent", 4.5, None, "percent", None, "change", "increase"),
    # roles: comparisons, thresholds, targets
    ("Rural councils spend 60% less per pupil than cities.", "60%", 60, None, "percent", None, "other", None),
    ("The unit spent £3m more than planned.", "£3m", 3e6, None, "GBP", None, "other", None),
    ("Pupils gaining five or more passes did well.", "five", 5, None, "count", "at_least", "other", None),
    ("Children who wait more than nine months do worse.", "nine months", 9, None, "months", "more_than", "other", None),
    ("The team will support 900 families over the next three years.", "900", 900, None, "count", None, "target", None),
    # qualifiers
    ("It will take around a further two years.", "two years", 2, None, "years", "around", "level", None),
    ("The trust turned around 90 percent of its failing homes.", "90 percent", 90, None, "percent", None, "level", None),
]


@pytest.mark.parametrize("text,span,value,value_max,unit,approx,role,direction", CASES, ids=[c[1] + "|" + c[0][:30] for c in CASES])
def test_figure_language(text, span, value, value_max, unit, approx, role, direction):
    row = figure(text, span)
    want = dict(zip(FIELDS, (value, value_max, unit, approx, role, direction)))
    for key, expected in want.items():
        got = row[key]
        if isinstance(expected, (int, float)) and expected is not None and key.startswith("value"):
            assert got == pytest.approx(expected, rel=1e-4), f"{span}: {key} {got!r} != {expected!r}"
        else:
            assert got == expected, f"{span}: {key} {got!r} != {expected!r}"


NOT_FIGURES = [
    "In 2014 the service was inspected again.",
    "The report was published on 12 March 2016.",
    "Introduction.\n\n1 - Leeds City Council\n\nThe borough spoke first.",
    "See Table 1 for the regional breakdown.",
    "As Report 2 explains, the review continues.",
    "Part 3 sets out the aims of the review.",
    "Summary of findings - Page 3 of 12",
    "Most were cared for by relatives.3 Others moved away.",
    "Better outcomes in care1 were hard to find.",
    "It is the second largest council in the region.",
    "The scheme appears in our top 10 list.",
    "Call 0113 496 0000 for advice.",
    "Write to LS1 4AP for details.",
    "Leaders then added a third set of checks.",
    "The review ended.\n\n2 Pat Smith and Lee Jones, 2011, Notes on care.\n\nNext section.",
    "Placements are scarce.[3] More below.",
    "Posted at 9:15 am by the editor.",
    "Background\n\n2.1 Demand for help kept rising.",
    "See Agenda item 6 and Briefing Paper 4.",
    "Table of results: 1 - Halton 2 - Bury",
]


@pytest.mark.parametrize("text", NOT_FIGURES, ids=[t[:40] for t in NOT_FIGURES])
def test_not_a_figure(text):
    rows = figures_of(text)
    assert rows.height == 0, f"unexpected figures in {text!r}: {rows.select('text', 'rule_id').rows()}"


def test_number_words_combine_scales():
    rows = figures_of("Some two million five hundred thousand forms and one thousand and six letters arrived.")
    got = dict(zip(rows["text"].to_list(), rows["value"].to_list()))
    assert got["two million five hundred thousand"] == pytest.approx(2.5e6)
    assert got["one thousand and six"] == pytest.approx(1006)


def test_separate_number_words_stay_separate():
    rows = figures_of("Teams of five, six or seven staff were formed.")
    assert rows["text"].to_list() == ["five", "six", "seven"]
