"""Scoring the consistency checks against relation gold, and the mutation harness (pure).

Verdicts: a gold relation is *found* when one check's figures cover a figure overlapping each
of its operands (the rule of ``../shared/eval/score.py``), preferring a check whose verdict is
the expected one. A *false alarm* is a ``fail`` check of an annotated document (inside its
annotated regions) that does not cover a gold relation expected to fail (or an optional one).

Mutation: for every required relation that holds, :func:`plan_mutants` plants a same-length
change of one operand's digits that breaks it beyond printed precision (proved with the gold's
own arithmetic, :func:`csfacts.relation_gold.holds`), one mutant document per relation. A
mutant is *caught* when a ``fail`` check of the mutant involves the changed figure; any other
``fail`` of the mutant that the original document did not have is a false alarm. The catch
rate counts relations the document states (gold binding ``strong``); relations it only implies
(``loose``) are counted apart: a checker that failed them would raise false alarms elsewhere.

Gold in the format of ``../shared/gold/SCHEMA.md`` (figures.jsonl + checks.jsonl) is turned
into relations by :func:`relations_from_schema`, which finds the arithmetic form under which
each relation holds, so every annotated corpus runs through the same harness.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from csfacts.relation_gold import NUMBER, GoldDocument, Operand, Relation, RelationGold, holds, text_sha256

# Roles tried first when choosing the operand to change: the stated result before its inputs.
MUTATE_ORDER = ("total", "change", "share", "mean", "b", "to", "part", "whole", "from", "a", "value")


# --- matching checks to relations ----------------------------------------------------------------


def _figure_index(figures: pl.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for d, s, e, i in figures.select("doc_id", "start", "end", "figure_id").iter_rows():
        out[d].append((s, e, i))
    return out


def figure_at(index: Mapping[str, list[tuple[int, int, str]]], doc_id: str, start: int, end: int) -> str | None:
    """The predicted figure whose span overlaps [start, end) most (None when none does)."""
    best, best_overlap = None, 0
    for s, e, i in index.get(doc_id, ()):
        overlap = min(e, end) - max(s, start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


@dataclass
class KindScore:
    gold: int = 0
    found: int = 0
    right: int = 0
    gold_fail: int = 0
    fail_caught: int = 0


@dataclass
class VerdictScore:
    """Per kind: gold relations, found, right verdict, expected fails, fails caught; and the
    false alarms (each a checks row)."""

    kinds: dict[str, KindScore] = field(default_factory=lambda: defaultdict(KindScore))
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    results: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # id, kind, expected, verdict

    def total(self) -> KindScore:
        t = KindScore()
        for k in self.kinds.values():
            for f in ("gold", "found", "right", "gold_fail", "fail_caught"):
                setattr(t, f, getattr(t, f) + getattr(k, f))
        return t


def score_verdicts(gold: RelationGold, doc_ids: Mapping[str, str], figures: pl.DataFrame, checks: pl.DataFrame) -> VerdictScore:
    """Found / right verdicts of the gold relations and the false alarms (module doc).
    `doc_ids` maps the gold's document names to the warehouse doc_ids."""
    index = _figure_index(figures)
    by_id = {v: k for k, v in doc_ids.items()}
    rows = checks.select("check_id", "kind", "doc_ids", "figure_ids", "verdict", "explanation").to_dicts()
    by_figure: dict[str, list[int]] = defaultdict(list)
    for n, c in enumerate(rows):
        for f in c["figure_ids"]:
            by_figure[f].append(n)
    score = VerdictScore()
    matched_fail: set[int] = set()
    for r in gold.relations:
        need = [figure_at(index, doc_ids.get(r.doc_of(o), ""), o.start, o.end) for o in r.operands]
        hit: int | None = None
        cands: set[int] = set()
        if all(need):
            cands = set.intersection(*(set(by_figure[i]) for i in need))  # type: ignore[index]
            for n in sorted(cands):
                hit = n
                if rows[n]["verdict"] == r.expected:
                    break
        verdict = rows[hit]["verdict"] if hit is not None else None
        score.results.append((r.id, r.kind, r.expected + (" (optional)" if r.optional else ""), verdict))
        if r.expected == "fail" or r.optional:
            # Every check of a real inconsistency's figures (or of an optional one) is no false alarm.
            matched_fail |= {n for n in cands if rows[n]["verdict"] == "fail"}
        if r.optional:
            continue
        k = score.kinds[r.kind]
        k.gold += 1
        k.gold_fail += r.expected == "fail"
        if hit is not None:
            k.found += 1
            k.right += verdict == r.expected
            k.fail_caught += r.expected == "fail" and verdict == "fail"
    docs = {d.doc: d for d in gold.documents}
    spans = {i: (d, s, e) for d, lst in index.items() for s, e, i in lst}
    for n, c in enumerate(rows):
        if c["verdict"] != "fail" or n in matched_fail:
            continue
        places = [spans[f] for f in c["figure_ids"] if f in spans]
        names = [by_id.get(d) for d, _, _ in places]
        if not places or any(nm is None for nm in names):
            continue
        if all(docs[nm].in_regions(s, e) for nm, (_, s, e) in zip(names, places)):  # type: ignore[index]
            score.false_alarms.append(c)
    return score


# --- mutants -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One planted break: relation, operand, and the new text of its span (same length)."""

    relation_id: str
    doc: str
    operand: int
    start: int
    end: int
    old_text: str
    new_text: str
    new_value: float
    # Mutants of one pack share one mutant document (see `pack_mutants`); "" = a document of its own.
    pack: str = ""

    @property
    def name(self) -> str:
        """The mutant document's source name."""
        return f"{self.doc}~{self.pack or self.relation_id}"


def _digit_edits(text: str) -> Iterable[tuple[str, float]]:
    """Same-length edits of the number in `text`, most significant digit first: (new text,
    factor new/old number). Each digit goes one step up (9 goes down), then to every other digit;
    a leading digit never becomes 0."""
    m = NUMBER.search(text)
    if not m:
        return
    digits = m.group()
    old = float(digits.replace(",", ""))
    if old == 0:
        return
    positions = [i for i, ch in enumerate(digits) if ch.isdigit()]
    for k, i in enumerate(positions):
        d = int(digits[i])
        first = k == 0 and (len(positions) > 1 and "." not in digits[:i + 1] or d != 0)
        options = [d + 1 if d < 9 else d - 1] + [x for x in range(10) if x not in (d, d + 1 if d < 9 else d - 1)]
        for x in options:
            if first and x == 0:
                continue
            new = digits[:i] + str(x) + digits[i + 1 :]
            yield text[: m.start()] + new + text[m.end() :], float(new.replace(",", "")) / old


def plan_mutant(r: Relation) -> Mutant | None:
    """The first same-length digit change (operands in MUTATE_ORDER, most significant digit
    first) under which the relation no longer holds; None when no such change exists."""
    order = sorted(range(len(r.operands)), key=lambda i: (MUTATE_ORDER.index(r.operands[i].role)
                                                        if r.operands[i].role in MUTATE_ORDER else 99, i))
    for i in order:
        o = r.operands[i]
        for new_text, factor in _digit_edits(o.text):
            value = o.value * factor
            if holds(r, {i: value}) is False:
                return Mutant(r.id, r.doc_of(o), i, o.start, o.end, o.text, new_text, value)
    return None


def plan_mutants(gold: RelationGold, skip: Iterable[str] = ()) -> tuple[list[Mutant], list[str]]:
    """A mutant for every required relation expected to pass (but those in `skip`: relations
    without an arithmetic reading); and the ids that no same-length change could break."""
    planted, unbreakable = [], []
    skipped = set(skip)
    for r in gold.relations:
        if r.optional or r.expected != "pass" or r.id in skipped or holds(r) is not True:
            continue
        m = plan_mutant(r)
        if m is None:
            unbreakable.append(r.id)
        else:
            planted.append(m)
    return planted, unbreakable


def pack_mutants(mutants: Sequence[Mutant], gold: RelationGold, min_gap: int) -> list[Mutant]:
    """The mutants packed several to a document (a faster, approximate harness for long documents):
    each joins the first pack of its document whose relations all lie at least `min_gap`
    characters away from its own, so no check spans two planted changes in practice."""
    rel = {r.id: r for r in gold.relations}
    members: dict[str, list[list[tuple[int, int]]]] = defaultdict(list)
    out = []
    for m in sorted(mutants, key=lambda m: (m.doc, m.start)):
        r = rel[m.relation_id]
        mine = [o for o in r.operands if r.doc_of(o) == m.doc]
        span = (min(o.start for o in mine), max(o.end for o in mine))
        chosen = None
        for k, spans in enumerate(members[m.doc]):
            if all(span[0] - b >= min_gap or a - span[1] >= min_gap for a, b in spans):
                chosen = k
                break
        if chosen is None:
            members[m.doc].append([])
            chosen = len(members[m.doc]) - 1
        members[m.doc][chosen].append(span)
        out.append(Mutant(m.relation_id, m.doc, m.operand, m.start, m.end, m.old_text, m.new_text, m.new_value, f"pack{chosen}"))
    return out


def mutant_documents(mutants: Sequence[Mutant], documents: pl.DataFrame) -> pl.DataFrame:
    """One documents row per mutant document: its document's text with the operand(s) changed."""
    texts = dict(documents.select("source_name", "text").iter_rows())
    by_name: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_name[m.name].append(m)
    rows = []
    for name, group in by_name.items():
        new = texts[group[0].doc]
        for m in group:
            if new[m.start : m.end] != m.old_text or len(m.new_text) != len(m.old_text):
                raise ValueError(f"{m.relation_id}: mutant does not fit its span")
            new = new[: m.start] + m.new_text + new[m.end :]
        # Two relations may plant the same change: the id names the mutant, not only its text.
        rows.append({"doc_id": hashlib.sha256((name + "\n" + new).encode()).hexdigest(), "source_name": name, "text": new, "status": "ok"})
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "source_name": pl.String, "text": pl.String, "status": pl.String})


@dataclass
class MutationScore:
    """Per kind: mutants planted, caught (a fail check involves the changed figure), caught by a
    check of the whole relation, and new fails elsewhere; `loose_*` count the relations whose
    gold binding is loose (the document only implies them, so the checker should not fail them)."""

    planted: Counter = field(default_factory=Counter)
    caught: Counter = field(default_factory=Counter)
    loose_planted: Counter = field(default_factory=Counter)
    loose_caught: Counter = field(default_factory=Counter)
    caught_with_relation: Counter = field(default_factory=Counter)
    new_fails: Counter = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    alarms: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    unbreakable: list[str] = field(default_factory=list)


def _fail_signatures(checks: pl.DataFrame, figures: pl.DataFrame, name_of: Mapping[str, str]) -> dict[str, list[tuple[frozenset, dict]]]:
    """Per document name: (the figure spans of each fail check, the check row)."""
    spans = {i: (name_of.get(d, d).split("~")[0], s, e) for i, d, s, e in figures.select("figure_id", "doc_id", "start", "end").iter_rows()}
    out: dict[str, list[tuple[frozenset, dict]]] = defaultdict(list)
    for c in checks.filter(pl.col("verdict") == "fail").to_dicts():
        sig = frozenset(spans[f] for f in c["figure_ids"] if f in spans)
        for d in c["doc_ids"]:
            out[name_of.get(d, d)].append((sig, c))
    return out


def score_mutants(gold: RelationGold, mutants: Sequence[Mutant], original: Mapping[str, pl.DataFrame],
                  mutated: Mapping[str, pl.DataFrame]) -> MutationScore:
    """Caught / missed / new fails of each mutant (module doc). `original` and `mutated` hold the
    documents, figures and checks tables of the unmutated and the mutant documents."""
    rel = {r.id: r for r in gold.relations}
    name_of = {d: n for d, n in itertools.chain(original["documents"].select("doc_id", "source_name").iter_rows(),
                                                mutated["documents"].select("doc_id", "source_name").iter_rows())}
    base = _fail_signatures(original["checks"], original["figures"], name_of)
    after = _fail_signatures(mutated["checks"], mutated["figures"], name_of)
    score = MutationScore()
    by_name: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_name[m.name].append(m)
    for name, group in by_name.items():
        known = {sig for sig, _ in base.get(group[0].doc, [])}
        hits: dict[str, bool] = {m.relation_id: False for m in group}
        exact: dict[str, bool] = {m.relation_id: False for m in group}
        for sig, c in after.get(name, []):
            involved = [m for m in group if any(d == m.doc and s < m.end and m.start < e for d, s, e in sig)]
            for m in involved:
                r = rel[m.relation_id]
                hits[m.relation_id] = True
                needed = {(r.doc_of(o), o.start, o.end) for o in r.operands}
                exact[m.relation_id] |= all(any(d == nd and s < ne and ns < e for d, s, e in sig) for nd, ns, ne in needed)
            if not involved and sig not in known:
                score.new_fails[rel[group[0].relation_id].kind] += 1
                score.alarms.append((name, c))
        for m in group:
            r = rel[m.relation_id]
            if r.binding == "loose":
                score.loose_planted[r.kind] += 1
                score.loose_caught[r.kind] += hits[m.relation_id]
                continue
            score.planted[r.kind] += 1
            score.caught[r.kind] += hits[m.relation_id]
            score.caught_with_relation[r.kind] += exact[m.relation_id]
            if not hits[m.relation_id]:
                score.missed.append(m.relation_id)
    return score


# --- SCHEMA gold as relations ------------------------------------------------------------------


def _operand(f: Mapping[str, Any], role: str) -> Operand:
    direction = f.get("direction") if f.get("direction") in ("increase", "decrease") else None
    return Operand(role=role, start=f["start"], end=f["end"], text=f["text"], value=float(f["value"]), unit=f["unit"],
                   direction=direction, doc=f["doc"])


def _candidates(kind: str, figs: list[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Readings of a SCHEMA check as forms with roles, most likely first."""
    n = len(figs)
    if kind == "cross_reference" and n == 2:
        yield {"form": "equal", "roles": ["a", "b"]}
    if kind == "range" and n == 1:
        high = 100.0 if figs[0]["unit"] == "percent" else None
        yield {"form": "bound", "roles": ["value"], "low": 0.0 if figs[0].get("role") != "change" else None, "high": high}
    if kind == "partition_sum" and n >= 2:
        if all(f["unit"] == "percent" for f in figs):
            yield {"form": "sum", "roles": ["part"] * n, "total_value": 100.0}
        for t in sorted(range(n), key=lambda i: -abs(figs[i]["value"])):
            if n >= 3:
                yield {"form": "sum", "roles": ["total" if i == t else "part" for i in range(n)]}
    if kind in ("change_consistency", "derived_ratio") and n in (2, 3):
        roles = [f.get("role") for f in figs]
        if n == 3 and sorted(roles) == ["change", "from", "to"]:
            for form in ("relative_change", "difference", "ratio_change"):
                yield {"form": form, "roles": roles}
        if n == 2 and sorted(roles) == ["from", "to"]:
            yield {"form": "direction", "roles": roles}
        if n == 3:
            for perm in itertools.permutations(range(3)):
                for form, names in (("share", ("part", "whole", "share")), ("relative_change", ("from", "to", "change")),
                                    ("difference", ("from", "to", "change")), ("ratio_change", ("from", "to", "change"))):
                    rl = [""] * 3
                    for slot, i in enumerate(perm):
                        rl[i] = names[slot]
                    yield {"form": form, "roles": rl}


def relations_from_schema(figures: Sequence[Mapping[str, Any]], checks: Sequence[Mapping[str, Any]],
                          texts: Mapping[str, str], extractor: str = "plain") -> tuple[RelationGold, list[str]]:
    """SCHEMA checks as relations: each takes the first reading under which its arithmetic
    agrees with its expected verdict (a pass that holds, a fail that does not); a check with no
    such reading (a duration against dates, an unverifiable claim) keeps its figures under an
    `equal`/`sum` shape only for verdict scoring and is never mutated. Returns the relations
    and the ids given no arithmetic reading."""
    fig = {f["id"]: f for f in figures}
    relations, loose = [], []
    used_docs: set[str] = set()
    for c in checks:
        figs = [fig[i] for i in c.get("figures", []) if i in fig]
        if len(figs) != len(c.get("figures", [])) or not figs:
            continue
        chosen = None
        base = dict(id=c["id"], doc=figs[0]["doc"], kind=c["kind"], expected=c["expected"], binding="strong",
                    optional=bool(c.get("optional")), note=str(c.get("explanation", ""))[:200])
        for cand in _candidates(c["kind"], figs):
            try:
                r = Relation(**base, form=cand["form"], operands=tuple(_operand(f, role) for f, role in zip(figs, cand["roles"])),
                             total_value=cand.get("total_value"), low=cand.get("low"), high=cand.get("high"))
            except ValueError:
                continue
            ok = holds(r)
            if (c["expected"] == "pass" and ok is True) or (c["expected"] == "fail" and ok is False):
                chosen = r
                break
        if chosen is None:
            loose.append(c["id"])
            chosen = _scored_only(base, figs)
        relations.append(chosen)
        used_docs.update(f["doc"] for f in figs)
    docs = tuple(GoldDocument(doc=d, corpus="", extractor=extractor, n_chars=len(texts[d]), text_sha256=text_sha256(texts[d]))
                 for d in sorted(used_docs) if d in texts)
    return RelationGold(documents=docs, relations=tuple(relations)), loose


def _scored_only(base: dict[str, Any], figs: list[Mapping[str, Any]]) -> Relation:
    """A relation with no arithmetic reading, kept for verdict scoring only (its figures as the
    parts of an empty sum, or a lone figure's vacuous bound); never mutated (`plan_mutants`
    is given its id to skip)."""
    ops = tuple(_operand(f, "part") for f in figs)
    if len(ops) == 1:
        return Relation(**base, form="bound", operands=(ops[0].model_copy(update={"role": "value"}),), low=-1e308)
    return Relation(**base, form="sum", operands=ops, total_value=0.0)
