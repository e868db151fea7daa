"""Which council a rating belongs to: same sentence, group quantifiers, earlier sentences."""

from __future__ import annotations

import pytest

from tests.transform.conftest import docs_of
from transform.pipeline import transform_documents


def ratings(text: str) -> set[tuple[str, str]]:
    out = transform_documents(docs_of(text))["ratings"]
    return {(r["authority"], r["rating"]) for r in out.iter_rows(named=True)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # the council before the rating word wins over one named after it in a comparison
        (
            "Services in Wigan were judged to be good by Ofsted, second only to Bolton in the region.",
            {("Wigan", "good")},
        ),
        # a coordinated list before the rating word: every council of the list
        ("Both Salford and Trafford, and Oldham were rated outstanding by Ofsted.", {("Salford", "outstanding"), ("Trafford", "outstanding"), ("Oldham", "outstanding")}),
        # nothing before: the first run after the rating word
        ("Rated good by Ofsted this spring: Wigan.", {("Wigan", "good")}),
    ],
)
def test_same_sentence(text, expected):
    assert ratings(text) == expected


def test_universal_group_names_the_last_councils_mentioned():
    text = (
        "Funding went to Salford, Trafford and Oldham last year. "
        "At that time all three of the councils were rated good, and two of the councils have since been rated outstanding."
    )
    assert ratings(text) == {("Salford", "good"), ("Trafford", "good"), ("Oldham", "good")}


def test_partial_group_gives_no_row():
    text = "Funding went to Salford, Trafford and Oldham. Two of the councils were rated outstanding by Ofsted."
    assert ratings(text) == set()


def test_group_count_larger_than_councils_named_gives_no_row():
    text = "Funding went to Salford and Trafford. All five of the authorities were rated good by Ofsted."
    assert ratings(text) == set()


def test_earlier_sentence_prefers_the_council_owning_the_services():
    text = (
        "In 2014 Kent County Council was asked to run Medway’s children’s services for three years. "
        "This has seen the service move from being rated inadequate by Ofsted to ‘Good’."
    )
    assert ratings(text) == {("Medway", "inadequate"), ("Medway", "good")}


def test_earlier_sentence_first_council_otherwise():
    text = "Wigan worked with Bolton on a new front door. Later the council was rated good by Ofsted."
    assert ratings(text) == {("Wigan", "good")}


def test_first_person_reaches_further_back():
    filler = "We changed how our teams work with families and schools every week. " * 30
    text = "Wigan adoption service. " + filler + "In 2015 Ofsted inspectors found us to be good."
    assert len(text) > 1200
    assert ratings(text) == {("Wigan", "good")}


def test_third_person_does_not_reach_past_the_window():
    filler = "The teams changed how they work with families and schools every week. " * 30
    text = "Wigan, Bolton and Bury adoption services. " + filler + "In 2015 the council was rated good by Ofsted."
    assert ratings(text) == set()


def test_a_judgement_with_no_council_near_it_in_a_single_council_document_is_that_councils():
    filler = "The teams changed how they work with families and schools every week. " * 30
    text = "Wigan adoption service. " + filler + "In 2015 the council was rated good by Ofsted."
    assert ratings(text) == {("Wigan", "good")}


@pytest.mark.parametrize(
    "text",
    [
        "The plan sets out how Wigan would achieve a ‘Good’ rating from Ofsted.",
        "Wigan aims to get a ‘Good’ rating from Ofsted next year.",
    ],
)
def test_aims_are_not_judgements(text):
    assert ratings(text) == set()


def test_achieved_rating_is_a_judgement():
    assert ratings("In 2016 Wigan became the first council in the region to achieve a ‘Good’ rating from Ofsted.") == {("Wigan", "good")}


def test_heading_line_is_its_own_sentence():
    text = "4 - Bolton Council\n\nServices in Wigan were rated good by Ofsted."
    assert ratings(text) == {("Wigan", "good")}


def test_the_council_means_the_council_named_most_recently_often():
    text = (
        "Harrow Council will open the new unit in May. Harrow Council says demand is high. "
        "Brent Council pulled out in 2022. The council's services were rated good by Ofsted in 2023."
    )
    assert ratings(text) == {("Harrow", "good")}


def test_judgement_line_far_from_any_council_judges_the_inspected_council():
    filler = "Practice is steady and plans are reviewed on time. " * 30
    text = (
        "Ofsted inspection of Bolton children's services. Bolton Council was visited in May. "
        + filler
        + "\n\nThe experiences and progress of care leavers: good\n"
    )
    assert ("Bolton", "good") in ratings(text)


def test_council_rows_of_a_pipe_table():
    text = "Latest Ofsted judgements\n\n| Council | Judgement |\n|---|---|\n| Dudley | Good |\n| Walsall | Inadequate |\n"
    assert ratings(text) == {("Dudley", "good"), ("Walsall", "inadequate")}
