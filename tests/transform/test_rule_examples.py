"""Every rule's golden examples: each passing example yields its span, each failing one does not fire."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.pipeline import transform_documents
from transform.rules import all_rules, rules_for
from transform.scan import scan
from transform.shadow import shadow_frame

TABLE_OF = {"figures": "figures", "periods": "periods", "ratings": "ratings", "groups": "group_mentions"}
RULES = all_rules()


def _rows(rule, text: str) -> pl.DataFrame:
    docs = docs_of(text)
    if rule.table == "exclusions":
        shadow, _ = shadow_frame(docs)
        found = scan(shadow, [rule])
        return found.rename({"match": "text"})
    out = transform_documents(docs)[TABLE_OF[rule.table]]
    return out.filter(pl.col("rule_id") == rule.id)


def _norm(v):
    if isinstance(v, (dt.date,)):
        return v.isoformat()
    return v


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_passing_and_failing_examples(rule):
    assert rule.examples.passing and rule.examples.failing
    assert rule.description.strip()


@pytest.mark.parametrize(
    "rule,example",
    [(r, ex) for r in RULES for ex in r.examples.passing],
    ids=[f"{r.id}-pass{i}" for r in RULES for i, _ in enumerate(r.examples.passing)],
)
def test_passing_example(rule, example):
    rows = _rows(rule, example.text)
    assert rows.height, f"{rule.id} did not fire on {example.text!r}"
    if rule.table == "ratings":
        hit = rows.filter(pl.col("text").str.contains(example.span, literal=True))
    else:
        hit = rows.filter(pl.col("text") == example.span)
    assert hit.height, f"{rule.id}: no row with span {example.span!r} in {rows['text'].to_list()}"
    row = hit.row(0, named=True)
    for key, want in example.expect.items():
        got = _norm(row[key])
        if isinstance(want, float) and got is not None:
            assert got == pytest.approx(want, rel=1e-4), f"{rule.id}.{key}"
        else:
            assert got == want, f"{rule.id}.{key}: {got!r} != {want!r}"


@pytest.mark.parametrize(
    "rule,text",
    [(r, t) for r in RULES for t in r.examples.failing],
    ids=[f"{r.id}-fail{i}" for r in RULES for i, _ in enumerate(r.examples.failing)],
)
def test_failing_example(rule, text):
    rows = _rows(rule, text)
    assert rows.height == 0, f"{rule.id} fired on {text!r}: {rows['text'].to_list()}"


def test_rule_ids_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_every_rule_file_loads():
    for table in ("figures", "periods", "exclusions", "ratings"):
        assert rules_for(table)
