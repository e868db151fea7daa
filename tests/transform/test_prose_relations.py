"""Every prose relation rule (reference/relation_rules.yaml) on its own golden examples."""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import docs_of, tables
from transform.checks import prepare_figures
from transform.checks.prose import prose_checks, prose_rules, skeleton

RULES = prose_rules()


def _verdicts(rule_id: str, text: str) -> list[str]:
    """The verdicts of one rule's relations in `text` (before other rules' checks of the same figures are merged)."""
    out = tables(text)
    figures = prepare_figures(out["figures"], out["sentences"], docs_of(text))
    figs = {r["figure_id"]: {**r, "layout": "prose"} for r in figures.iter_rows(named=True)}
    doc_figs: dict[str, list[dict]] = {}
    for f in figs.values():
        doc_figs.setdefault(f["doc_id"], []).append(f)
    spans = {d: [(sid, a, b) for sid, a, b in out["sentences"].filter(pl.col("doc_id") == d).sort("start").select("sentence_id", "start", "end").iter_rows()]
             for d in doc_figs}
    return [c.verdict for c in prose_checks({d: text for d in doc_figs}, doc_figs, spans) if c.rule_id == rule_id]


def test_every_rule_has_an_id_once():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and all(i.startswith("REL-") for i in ids)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_finds_its_relation_and_it_holds(rule):
    for text in rule.examples.passing:
        assert _verdicts(rule.id, text)[:1] == ["pass"], text


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_finds_its_relation_broken(rule):
    want = "fail" if rule.binding == "strong" else "unverifiable"
    for text in rule.examples.failing:
        assert want in _verdicts(rule.id, text), text


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_stays_silent_without_its_cue(rule):
    for text in rule.examples.none:
        assert _verdicts(rule.id, text) == [], text


def test_skeleton_replaces_figures_by_unit_tokens():
    text = "Of the 2,016 care leavers, 1,036 (51.4%) were in work."
    figs = [{"start": 7, "end": 12, "unit": "count"}, {"start": 27, "end": 32, "unit": "count"}, {"start": 34, "end": 39, "unit": "percent"}]
    flat, tokens = skeleton(text, figs, 0, len(text))
    assert flat == "Of the ⟦c0⟧ care leavers, ⟦c1⟧ (⟦p2⟧) were in work."
    assert [tokens[k]["start"] for k in range(3)] == [7, 27, 34]


def test_a_change_stated_from_the_previous_sentence_uses_the_words_not_the_values():
    # "a reduction" with the values rising is a contradiction of the document's own words.
    text = "At 31 March, 249 children had a plan. This is a reduction from 204 at 31 March last year."
    assert _verdicts("REL-CHANGE-FROM-PREVIOUS", text) == ["fail"]


def test_a_breakdown_with_an_open_ended_part_is_only_a_reading():
    # 'more than 20' (miles) read as a part: a mismatch is unverifiable, never a fail
    text = "Of the 118 children in homes, 71 live far away, more than 20 are in other regions and 33 are placed out of area."
    assert "fail" not in _verdicts("REL-PARTS-OF-NAMED-WHOLE", text)
