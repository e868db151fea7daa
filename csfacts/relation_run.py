"""The I/O side of `csfacts eval --checks`: read relation gold, extract its documents, run the
transform on them and on their mutants, print the scores. The scoring is in
:mod:`csfacts.relation_eval`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from csfacts.relation_eval import (MutationScore, VerdictScore, mutant_documents, pack_mutants, plan_mutants, relations_from_schema,
                                  score_mutants, score_verdicts)
from csfacts.relation_gold import RelationGold, load, validate

# Mutant documents transformed per call: a long PDF's text is copied once per mutant.
MUTANT_BATCH = 8
TABLES = ("figures", "checks")


@dataclass
class CorpusResult:
    name: str
    verdicts: VerdictScore
    mutation: MutationScore | None
    n_documents: int
    n_relations: int


def read_documents(docs_dir: Path, names: set[str] | None = None) -> pl.DataFrame:
    """The documents frame of the files under `docs_dir` (only `names` when given), extracted
    as `csfacts run` extracts them."""
    from extract.document import documents_frame, extract_document
    from flows.io import discover

    paths, _ = discover([docs_dir])
    if names is not None:
        paths = [p for p in paths if p.name in names]
    docs = [extract_document(p.name, p.read_bytes()) for p in paths]
    return documents_frame(docs).unique("doc_id", keep="first", maintain_order=True)


def read_gold(gold_dir: Path, docs_dir: Path) -> tuple[RelationGold, list[str], pl.DataFrame]:
    """The gold as relations (relations*.jsonl, or SCHEMA figures.jsonl + checks.jsonl), the ids
    of relations without an arithmetic reading, and the documents it annotates."""
    if any(gold_dir.glob("relations*.jsonl")):
        gold = load(gold_dir)
        documents = read_documents(docs_dir, {d.doc for d in gold.documents})
        problems = validate(gold, dict(documents.select("source_name", "text").iter_rows()))
        if problems:
            raise ValueError(f"{gold_dir}: the gold does not fit the documents:\n  " + "\n  ".join(problems[:20]))
        return gold, [], documents

    def rows(name: str) -> list[dict[str, Any]]:
        path = gold_dir / f"{name}.jsonl"
        if not path.is_file():
            raise FileNotFoundError(f"{gold_dir}: neither relations.jsonl nor {name}.jsonl")
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    figures, checks = rows("figures"), rows("checks")
    documents = read_documents(docs_dir, {f["doc"] for f in figures})
    texts = dict(documents.select("source_name", "text").iter_rows())
    gold, skip = relations_from_schema(figures, checks, texts)
    return gold, skip, documents


def transform_tables(documents: pl.DataFrame, batch: int | None = None) -> dict[str, pl.DataFrame]:
    """figures and checks (with documents) of the documents, transformed `batch` at a time
    (all together when None: checks across documents need them in one batch)."""
    from transform.pipeline import transform_documents

    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in TABLES}
    step = batch or max(documents.height, 1)
    for k in range(0, documents.height, step):
        out = transform_documents(documents.slice(k, step))
        for t in TABLES:
            parts[t].append(out[t])
    tables = {t: pl.concat(v, how="vertical_relaxed") if v else pl.DataFrame() for t, v in parts.items()}
    tables["documents"] = documents
    return tables


def transform_mutants(mutant_docs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The tables of mutant documents, MUTANT_BATCH at a time, with each mutant's own checks only
    (checks across mutants of one document would pair copies of one text)."""
    out = transform_tables(mutant_docs, MUTANT_BATCH)
    out["checks"] = out["checks"].filter(pl.col("doc_ids").list.len() == 1)
    return out


def evaluate_corpus(name: str, gold_dir: Path, docs_dir: Path, mutate: bool, progress=None, pack: int = 0) -> CorpusResult:
    """Verdicts (and with `mutate`, the mutation harness) of one annotated corpus; `pack` > 0 packs
    mutants of one document into shared mutant documents, their relations at least `pack`
    characters apart (faster on long documents, approximate)."""
    gold, skip, documents = read_gold(gold_dir, docs_dir)
    original = transform_tables(documents)
    doc_ids = dict(documents.select("source_name", "doc_id").iter_rows())
    verdicts = score_verdicts(gold, doc_ids, original["figures"], original["checks"])
    mutation = None
    if mutate:
        mutants, unbreakable = plan_mutants(gold, skip)
        rel = {r.id: r for r in gold.relations}
        if pack:
            single_doc = [m for m in mutants if len({rel[m.relation_id].doc_of(o) for o in rel[m.relation_id].operands}) == 1]
            mutants = pack_mutants(single_doc, gold, pack) + [m for m in mutants if m not in single_doc]
        docs_of = {m.relation_id: {rel[m.relation_id].doc_of(o) for o in rel[m.relation_id].operands} for m in mutants}
        single = [m for m in mutants if len(docs_of[m.relation_id]) == 1]
        if progress:
            progress(f"{name}: {len(mutants)} mutants in {len({m.name for m in mutants})} documents")
        mutated = transform_mutants(mutant_documents(single, documents))
        for m in (m for m in mutants if len(docs_of[m.relation_id]) > 1):
            # A relation across documents: its mutant is checked beside the other documents, unchanged.
            mdoc = mutant_documents([m], documents)
            others = documents.filter(pl.col("source_name").is_in(sorted(docs_of[m.relation_id] - {m.doc})))
            world = transform_tables(pl.concat([mdoc, others.select(mdoc.columns)]))
            world["checks"] = world["checks"].filter(pl.col("doc_ids").list.contains(mdoc["doc_id"][0]))
            mutated = {t: pl.concat([mutated[t], world[t]], how="vertical_relaxed") for t in (*TABLES, "documents")}
        mutation = score_mutants(gold, mutants, original, mutated)
        mutation.unbreakable = unbreakable
    return CorpusResult(name, verdicts, mutation, len(gold.documents), len(gold.relations))


# --- printing ------------------------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "0/0"


def report_lines(results: Sequence[CorpusResult], details: bool = False) -> list[str]:
    lines = ["corpus | docs | relations | found | right verdict | fails caught | false alarms | mutants caught | new fails in mutants | loose mutants caught",
             "---|---|---|---|---|---|---|---|---|---"]
    for r in results:
        t = r.verdicts.total()
        m = r.mutation
        caught = _pct(sum(m.caught.values()), sum(m.planted.values())) if m else "-"
        new = str(sum(m.new_fails.values())) if m else "-"
        loose = _pct(sum(m.loose_caught.values()), sum(m.loose_planted.values())) if m else "-"
        lines.append(f"{r.name} | {r.n_documents} | {t.gold} | {_pct(t.found, t.gold)} | {_pct(t.right, t.gold)} | "
                     f"{t.fail_caught}/{t.gold_fail} | {len(r.verdicts.false_alarms)} | {caught} | {new} | {loose}")
    for r in results:
        lines.append(f"\n## {r.name} by kind: gold, found, right, fails caught" + (", mutants planted, caught, new fails" if r.mutation else ""))
        kinds = sorted(set(r.verdicts.kinds) | (set(r.mutation.planted) if r.mutation else set()))
        for k in kinds:
            s = r.verdicts.kinds.get(k)
            row = f"- {k}: {s.gold if s else 0}, {s.found if s else 0}, {s.right if s else 0}, {s.fail_caught if s else 0}/{s.gold_fail if s else 0}"
            if r.mutation:
                row += f"; {r.mutation.planted[k]}, {r.mutation.caught[k]}, {r.mutation.new_fails[k]}"
            lines.append(row)
        if r.mutation and r.mutation.unbreakable:
            lines.append(f"- no same-length change breaks: {', '.join(r.mutation.unbreakable)}")
        if details:
            lines.append("### relations: id, kind, expected, verdict")
            lines += [f"- {i} {k} {e} -> {v}" for i, k, e, v in r.verdicts.results]
            lines.append("### false alarms")
            lines += [f"- {c['kind']} {c['figure_ids']}: {c['explanation']}" for c in r.verdicts.false_alarms]
            if r.mutation:
                lines.append("### mutants missed: " + ", ".join(r.mutation.missed))
                lines.append("### new fails in mutants")
                lines += [f"- {rid}: {c['kind']}: {c['explanation']}" for rid, c in r.mutation.alarms]
    return lines


def as_json(results: Sequence[CorpusResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in results:
        t = r.verdicts.total()
        entry: dict[str, Any] = {"documents": r.n_documents, "relations": t.gold, "found": t.found, "right": t.right,
                                 "gold_fail": t.gold_fail, "fail_caught": t.fail_caught, "false_alarms": len(r.verdicts.false_alarms),
                                 "by_kind": {k: vars(v) for k, v in r.verdicts.kinds.items()}}
        if r.mutation:
            m = r.mutation
            entry["mutation"] = {"planted": sum(m.planted.values()), "caught": sum(m.caught.values()),
                                 "loose_planted": sum(m.loose_planted.values()), "loose_caught": sum(m.loose_caught.values()),
                                 "caught_with_relation": sum(m.caught_with_relation.values()), "new_fails": sum(m.new_fails.values()),
                                 "by_kind": {k: {"planted": m.planted[k], "caught": m.caught[k], "new_fails": m.new_fails[k]} for k in m.planted},
                                 "missed": m.missed, "unbreakable": m.unbreakable}
        out[r.name] = entry
    return out


def main_checks(corpora: Sequence[tuple[str, Path, Path]], mutate: bool, details: bool, json_out: Path | None) -> int:
    """Evaluate each (name, gold dir, docs dir) and print the table (the `csfacts eval --checks` command)."""
    say = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    results = [evaluate_corpus(n, g, d, mutate, say) for n, g, d in corpora]
    print("\n".join(report_lines(results, details)))
    if json_out:
        json_out.write_text(json.dumps(as_json(results), indent=2), encoding="utf-8")
    return 0


__all__ = ["CorpusResult", "evaluate_corpus", "main_checks", "read_gold", "report_lines"]
