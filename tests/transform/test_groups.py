"""Group mentions: groups of councils are extracted, normalised and kept apart from councils.

Every rule of reference/group_rules.yaml also has golden examples, run by test_rule_examples.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.groups import COLUMNS
from transform.pipeline import transform_documents
from transform.rules import rules_for
from warehouse.schema import SCHEMAS


def groups(text: str) -> list[tuple[str, str, str]]:
    out = transform_documents(docs_of(text))["group_mentions"]
    return [(r["text"], r["canonical"], r["rule_id"]) for r in out.iter_rows(named=True)]


@pytest.mark.parametrize(
    "text,span,canonical",
    [
        ("Most CCN Member \nCouncils expect a deficit.", "CCN Member \nCouncils", "CCN member councils"),
        ("Shire counties and metropolitan boroughs differ.", "Shire counties", "counties"),
        ("Shire counties and metropolitan boroughs differ.", "metropolitan boroughs", "metropolitan boroughs"),
        ("Spending in Inner \nLondon is high.", "Inner \nLondon", "Inner London councils"),
        ("The tri-borough shares one director.", "tri-borough", "tri-borough"),
        ("It was run jointly by the three councils for years.", "three councils", "three councils"),
        ("Core cities have grown faster.", "Core cities", "Core Cities"),
        ("Unitary authorities and London boroughs report separately.", "Unitary authorities", "unitary authorities"),
        ("Unitary authorities and London boroughs report separately.", "London boroughs", "London boroughs"),
        ("The duty falls on all English local authorities.", "English local authorities", "English local authorities"),
    ],
)
def test_group_spans_and_canonical_names(text, span, canonical):
    found = groups(text)
    assert (span, canonical) in [(t, c) for t, c, _ in found], found


def test_a_council_name_wins_over_a_group():
    text = "Both Kent and Surrey County Councils agreed, as did many county councils."
    out = transform_documents(docs_of(text))
    councils = out["authority_mentions"].select("start", "end").rows()
    grp = out["group_mentions"]
    assert grp["text"].to_list() == ["county councils"]
    for start, end in grp.select("start", "end").rows():
        assert all(end <= a or start >= b for a, b in councils)


def test_singular_council_words_are_not_groups():
    assert groups("The county council and the London Borough of Camden met.") == []


def test_bare_councils_are_not_groups_outside_a_share():
    assert groups("Councils agreed the plan.") == []
    assert [t for t, _, _ in groups("Some 40% of councils agreed the plan.")] == ["councils"]


def test_group_mentions_have_offsets_sentence_and_schema_columns():
    text = "First sentence here. Then 12 CCN member councils replied."
    out = transform_documents(docs_of(text))["group_mentions"]
    row = out.row(0, named=True)
    assert text[row["start"] : row["end"]] == row["text"] == "CCN member councils"
    assert row["la_type"] == "other" and row["sentence_id"] and row["mention_id"].endswith("-G" + str(row["start"]).zfill(7))
    assert out.columns == COLUMNS == SCHEMAS["group_mentions"].names


def test_group_rules_have_unique_ids_and_examples():
    rules = rules_for("groups")
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.examples.passing and r.examples.failing for r in rules)


def test_no_text_no_groups():
    out = transform_documents(docs_of("Nothing to see."))["group_mentions"]
    assert out.is_empty() and out.schema["canonical"] == pl.String
