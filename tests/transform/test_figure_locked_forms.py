"""Figures, periods and ratings for forms first met in the locked corpus: spreadsheet (CSV) exports with a
note that values are percentages, reference columns and target columns; '% of total' and time columns; empty
heading cells; numbered headings; Hansard column numbers; a table's last number before a month; spreadsheet
months and quarters; 'since' a day; labelled ratings; judgements in a document about one council; a multiple of
an earlier figure; short sentences in '|' cells; numbered recommendations; changes 'on the' earlier figure.
Conventions: ../shared/gold/SCHEMA.md.

Every text here is invented for the test; none is taken from a corpus document.
"""

from __future__ import annotations

import pytest

from tests.transform.conftest import figure, spans, tables


SCORECARD = (
    "Key: Values are % unless stated.\n\n"
    '"Ref","Measure","Baseline","Q2 24/25","Target Mar-25","RAG"\n'
    '"1.1","Contacts leading to a referral","41.5","36.0","30.0","A"\n'
    '"2.1","CP plans (rate per 10,000)","80.1","72.4","66.0","A"\n'
    '"3.1","Children looked after (number)","690","655","610","A"\n'
    '"4.1","Average caseload per social worker","25","22","18","A"\n'
)


def test_a_csv_export_reads_as_a_table():
    assert "1.1" not in spans(SCORECARD) and "3.1" not in spans(SCORECARD)
    assert (figure(SCORECARD, "36.0")["unit"], figure(SCORECARD, "36.0")["role"]) == ("percent", "level")
    assert figure(SCORECARD, "30.0")["role"] == "target"
    assert figure(SCORECARD, "72.4")["value"] == pytest.approx(0.00724)
    assert figure(SCORECARD, "66.0")["role"] == "target"
    assert (figure(SCORECARD, "655")["unit"], figure(SCORECARD, "610")["role"]) == ("count", "target")
    assert figure(SCORECARD, "22")["unit"] == "ratio"


def test_share_and_time_columns_and_empty_heading_cells():
    shares = "Partner                       £        % of total\nCouncil               186,400            52.9\nPolice                 41,800            11.9\n"
    assert figure(shares, "52.9")["unit"] == "percent"
    assert figure(shares, "186,400")["unit"] == "GBP"
    days = "| Council | 2022/23 | A1, 3-year average (days) |\n|---|---|---|\n| Bedford | 14 | 455 |\n"
    assert (figure(days, "455")["unit"], figure(days, "14")["unit"]) == ("days", "count")
    pairs = "| Highest (per 10,000) |     | Lowest (per 10,000) |     |\n|---|---|---|---|\n| Blackpool | 212 | Rutland | 33 |\n"
    assert figure(pairs, "33")["value"] == pytest.approx(0.0033)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Page 3 of 9\n3. Quality and oversight\nWe saw 14 cases.\n", ["14"]),
        ("                        Column 512\nMr Speaker: Order.\n", []),
        ("Month      A     B    Total\nJune 2024   9     31   40\nJuly 2024   12    28   41\n", ["9", "31", "40", "12", "28", "41"]),
    ],
)
def test_numbered_headings_column_numbers_and_table_ends(text, expected):
    assert spans(text) == expected


def test_spreadsheet_months_quarters_and_since_a_day():
    p = tables("Baseline Mar-23, Q2 24/25. Since 9 September 2021 the board has met.")["periods"].sort("start")
    assert [(r[0], str(r[1]), str(r[2])) for r in p.select("text", "start_date", "end_date").rows()] == [
        ("Mar-23", "2023-03-01", "2023-03-31"),
        ("Q2 24/25", "2024-07-01", "2024-09-30"),
        ("Since 9 September 2021", "2021-09-09", "None"),
    ]


def test_labelled_ratings_and_judgements_in_a_document_about_one_council():
    text = (
        "WIGAN COUNCIL - CHILDREN'S SERVICES\n"
        "Last ILACS judgement: Inadequate (June 2023) | previous: Requires improvement (Jan 2020)\n\n"
        "Some commentary on progress follows here, about the work of teams.\n\n"
        "Ofsted's monitoring visit found progress since services were judged inadequate in June 2023.\n"
    )
    r = tables(text)["ratings"]
    assert sorted(set(r.select("authority", "rating").rows())) == [("Wigan", "inadequate"), ("Wigan", "requires_improvement")]


def test_a_multiple_of_an_earlier_figure_is_a_change():
    text = "In 2023/24 the council spent £5.9m on such placements, more than double the £2.7m spent in 2021/22."
    assert [figure(text, s)["role"] for s in ("£5.9m", "double", "£2.7m")] == ["to", "change", "from"]


def test_short_sentences_in_cells_numbered_recommendations_and_changes_on_earlier_figures():
    cell = "| Allowance | £3,200 (up 60% from £2,000 in April 2024) |\n"
    assert figure(cell, "£2,000")["role"] == "from"
    recs = "That the Committee asks Cabinet to: (i) create 14 additional places by March 2026; (iii) cut spending by a third by 2026/27."
    assert [figure(recs, s)["role"] for s in ("14", "a third")] == ["target", "target"]
    text = "Contributions were £350,100, a 3.9% increase on the £337,000 received in 2022/23."
    assert figure(text, "£337,000")["role"] == "from"
    text = "The scrutineer is paid £900 a day for 40 days, or £36,000 a year."
    assert figure(text, "£36,000")["role"] == "level"


def test_the_parts_of_an_overspend_are_other():
    text = "The overspend breaks down into two items: placements (£420m) and agency staff (£190m). Councils spent £2bn."
    assert [figure(text, s)["role"] for s in ("£420m", "£190m", "£2bn")] == ["other", "other", "level"]
    table = (
        "The forecast is an overspend of £21.0m (8.1%). The variance comprised:\n\n"
        "      Residential placements (external)          £15.2m\n"
        "      Legal costs                                 (£0.3m)\n"
    )
    assert [figure(table, s)["role"] for s in ("£15.2m", "(£0.3m)")] == ["other", "other"]
    titled = "Table 1: Forecast variance by service line (£m)\nService        Budget     Forecast    Variance\nCare leavers   12.4       13.9        +1.5\n"
    assert [figure(titled, s)["role"] for s in ("12.4", "+1.5")] == ["level", "other"]


def test_a_change_from_a_count_arrives_at_the_count_not_the_share_between():
    text = "There were 6,900 children looked after, 8% of all children in care, up from 6,700 a year earlier. Referrals rose to 512, up from 480."
    assert [(figure(text, s)["role"], figure(text, s)["direction"]) for s in ("6,900", "8%", "6,700")] == [
        ("to", "increase"), ("level", None), ("from", "increase")
    ]
    assert (figure(text, "512")["role"], figure(text, "512")["direction"]) == ("to", "increase")
