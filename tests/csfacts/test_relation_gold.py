"""Relation gold (csfacts/relation_gold.py) and the mutation harness (csfacts/relation_eval.py), on small texts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from csfacts.relation_eval import pack_mutants, plan_mutant, plan_mutants, relations_from_schema, score_mutants, score_verdicts
from csfacts.relation_gold import GoldDocument, Operand, Relation, RelationGold, holds, load, text_sha256, validate
from tests.transform.conftest import docs_of

TEXT = "Of the 120 homes, 48 (40%) were visited. Referrals rose from 200 to 220, a rise of 10%."


def _op(role: str, span: str, value: float, unit: str, text: str = TEXT, nth: int = 0, **kw) -> Operand:
    start = -1
    for _ in range(nth + 1):
        start = text.index(span, start + 1)
    return Operand(role=role, start=start, end=start + len(span), text=span, value=value, unit=unit, **kw)


SHARE = Relation(id="R1", doc="d.txt", kind="derived_ratio", form="share", expected="pass", binding="strong",
                 operands=(_op("part", "48", 48, "count"), _op("whole", "120", 120, "count"), _op("share", "40%", 40, "percent")))
CHANGE = Relation(id="R2", doc="d.txt", kind="change_consistency", form="relative_change", expected="pass", binding="strong",
                  operands=(_op("from", "200", 200, "count"), _op("to", "220", 220, "count"),
                            _op("change", "10%", 10, "percent", direction="increase")))
GOLD = RelationGold(documents=(GoldDocument(doc="d.txt", corpus="x", extractor="plain", n_chars=len(TEXT), text_sha256=text_sha256(TEXT)),),
                    relations=(SHARE, CHANGE))


def test_forms_hold_within_printed_precision():
    assert holds(SHARE) and holds(CHANGE)
    assert holds(SHARE, {2: 45.0}) is False
    sum_ = Relation(id="S", doc="d", kind="partition_sum", form="sum", expected="pass", binding="strong", total_value=100,
                    operands=(Operand(role="part", start=0, end=3, text="33%", value=33, unit="percent"),
                              Operand(role="part", start=4, end=7, text="67%", value=67, unit="percent")))
    assert holds(sum_)
    days = Relation(id="E", doc="d", kind="cross_reference", form="equal", expected="pass", binding="strong",
                    operands=(Operand(role="a", start=0, end=8, text="639 days", value=639, unit="days"),
                              Operand(role="b", start=9, end=18, text="21 months", value=21, unit="months")))
    assert holds(days)


def test_roles_are_checked_against_the_form():
    with pytest.raises(ValueError, match="needs"):
        Relation(id="X", doc="d", kind="derived_ratio", form="share", expected="pass", binding="strong", operands=(SHARE.operands[0],))


def test_validate_finds_drifted_text_bad_spans_and_wrong_verdicts():
    assert validate(GOLD, {"d.txt": TEXT}) == []
    assert "differs" in validate(GOLD, {"d.txt": TEXT + " "})[0]
    wrong = GOLD.model_copy(update={"relations": (SHARE.model_copy(update={"expected": "fail"}),)})
    assert "expected fail but the arithmetic holds" in validate(wrong, {"d.txt": TEXT})[0]
    moved = SHARE.model_copy(update={"operands": (SHARE.operands[0].model_copy(update={"start": 1}), *SHARE.operands[1:])})
    assert any("holds" in p for p in validate(GOLD.model_copy(update={"relations": (moved,)}), {"d.txt": TEXT}))


def test_load_reads_every_annotators_file(tmp_path: Path):
    (tmp_path / "documents-A.jsonl").write_text(GOLD.documents[0].model_dump_json() + "\n")
    (tmp_path / "relations-A.jsonl").write_text(SHARE.model_dump_json() + "\n")
    (tmp_path / "relations-B.jsonl").write_text(CHANGE.model_dump_json() + "\n")
    assert [r.id for r in load(tmp_path).relations] == ["R1", "R2"]


def test_a_mutant_changes_one_operand_in_place_and_breaks_the_relation():
    m = plan_mutant(SHARE)
    assert m is not None and len(m.new_text) == len(m.old_text) and m.new_text != m.old_text
    assert holds(SHARE, {m.operand: m.new_value}) is False
    planted, unbreakable = plan_mutants(GOLD)
    assert [p.relation_id for p in planted] == ["R1", "R2"] and unbreakable == []


def test_packs_keep_relations_apart():
    planted, _ = plan_mutants(GOLD)
    assert len({m.pack for m in pack_mutants(planted, GOLD, 100)}) == 2  # the two relations are 34 characters apart
    assert len({m.pack for m in pack_mutants(planted, GOLD, 30)}) == 1


def test_scores_of_verdicts_and_mutants_on_the_pipeline():
    from csfacts.relation_eval import mutant_documents
    from csfacts.relation_run import transform_mutants, transform_tables

    documents = docs_of(TEXT).with_columns(pl.lit("d.txt").alias("source_name"))
    original = transform_tables(documents)
    doc_ids = dict(documents.select("source_name", "doc_id").iter_rows())
    verdicts = score_verdicts(GOLD, doc_ids, original["figures"], original["checks"])
    assert verdicts.total().right == 2 and verdicts.false_alarms == []
    planted, _ = plan_mutants(GOLD)
    mutated = transform_mutants(mutant_documents(planted, documents))
    score = score_mutants(GOLD, planted, original, mutated)
    assert sum(score.planted.values()) == 2 and sum(score.caught.values()) == 2 and not score.alarms


def test_schema_checks_become_relations_by_the_reading_that_holds():
    figures = [{"doc": "d.txt", "id": f"F{i}", "text": t, "start": TEXT.index(t), "end": TEXT.index(t) + len(t), "value": v, "unit": u,
                "role": r, "direction": None} for i, (t, v, u, r) in enumerate([("120", 120, "count", "level"), ("48", 48, "count", "level"),
                                                                                   ("40%", 40, "percent", "level")])]
    checks = [{"id": "C1", "kind": "derived_ratio", "figures": ["F1", "F0", "F2"], "expected": "pass"}]
    gold, unread = relations_from_schema(figures, checks, {"d.txt": TEXT})
    assert unread == [] and gold.relations[0].form == "share" and holds(gold.relations[0])


def test_real_gold_files_are_valid_json_lines():
    root = Path(__file__).resolve().parents[2] / "gold"
    for path in root.glob("*/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                json.loads(line)
