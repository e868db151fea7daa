"""Relations stated in prose, found by cue rules over a sentence skeleton (reference/relation_rules.yaml).

The skeleton of a window — the two sentences before (the last WINDOW_BEFORE_CHARS characters
of each), then the sentence, joined by the token ⟦S⟧ — is its text with every figure replaced
by a token ⟦<unit code><n>⟧ and runs of white space collapsed. A rule is a regex over that skeleton whose
named groups are the operands' roles, so one rule reads "41 of the 198 (20.7%)" however the
numbers are printed, and a relation may reach back one sentence ("... 1,299 children. This is
an increase from 1,232 ..."). Every match becomes a :class:`~transform.checks.relation.Relation`
with the rule's form and binding, evaluated by the one evaluator of relation.py.

Only windows whose sentence holds a figure are read, and a relation must involve a figure of
the sentence itself, so each relation is found once and the cost is linear in the sentences.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transform.checks.common import Check
from transform.checks.relation import Operand, Relation, to_check
from transform.reference_data import load_yaml

WINDOW_BEFORE_CHARS = 400
WINDOW_SENTENCES = 3
OPEN_QUALIFIERS = ("over", "more_than", "at_least", "fewer_than", "at_most", "up_to")
UNIT_CODES = {"count": "c", "percent": "p", "percentage_point": "q", "GBP": "g", "ratio": "r", "fraction": "f",
              "multiplier": "m", "days": "d", "weeks": "d", "months": "d", "years": "d", "hours": "d"}
MACROS = {"COUNT": "c", "PCT": "p", "MONEY": "g", "RATE": "r", "SHARE": "pfr", "NUM": "cpqgrfmd", "DUR": "d"}
LISTS = {"COUNTS": "c", "PCTS": "p", "MONEYS": "g"}
BULLET_GLYPHS = re.compile(r"[•▪◦●○■□➢✓\uf000-\uf8ff]")
DECREASE = re.compile(r"reduc|decreas|fall|fell|drop|declin|down|lower|less|fewer|cheaper|smaller|shr[aiu]nk|halv|cut", re.IGNORECASE)


class RuleExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    passing: tuple[str, ...] = Field(alias="pass", min_length=1)
    failing: tuple[str, ...] = Field(alias="fail", min_length=1)
    none: tuple[str, ...] = Field(min_length=1)


class ProseRule(BaseModel):
    """One prose relation rule (reference/relation_rules.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    description: str
    kind: Literal["partition_sum", "change_consistency", "derived_ratio", "cross_reference", "range"]
    form: Literal["sum", "mean", "difference", "relative_change", "ratio_change", "share", "equal", "direction"]
    binding: Literal["strong", "loose"]
    pattern: str | None = None
    anchor: str | None = None
    item: str | None = None
    exhaustive: bool = True
    same_unit: tuple[str, ...] = ()
    # roles whose figure must be the first of its unit in its sentence ('this figure' names the subject)
    first: tuple[str, ...] = ()
    direction_group: str | None = None
    total_value: float | None = None
    examples: RuleExamples

    def compiled(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]:
        return _compile(self.pattern), _compile(self.anchor), _compile(self.item)


@lru_cache(maxsize=None)
def _compile(pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    out = re.sub(r"\{(\w+):(\w+)\}", _macro, pattern)
    return re.compile(out, re.IGNORECASE)


def _macro(m: re.Match[str]) -> str:
    kind, role = m.group(1), m.group(2)
    if kind == "LAST":
        # the last figure of its unit before the next sentence break
        return (rf"⟦(?P<u_{role}>[{MACROS['NUM']}])(?P<{role}>\d+)⟧"
                rf"(?=(?:(?!⟦S⟧)(?:[^⟦]|⟦(?!(?P=u_{role}))[a-z]\d+⟧))*⟦S⟧)")
    if kind == "LASTCOUNT":
        return rf"⟦c(?P<{role}>\d+)⟧(?=(?:(?!⟦S⟧)(?:[^⟦]|⟦[^c]\d+⟧))*⟦S⟧)"
    if kind.startswith("SAME_"):
        # a figure of the unit of the figure `role` named after the underscore
        return rf"⟦(?P=u_{kind[5:]})(?P<{role}>\d+)⟧"
    if kind in LISTS:
        # two or more figures of the unit; words and figures of other units between them
        tok = rf"⟦[{LISTS[kind]}]\d+⟧"
        other = rf"(?:[^⟦.;•]|⟦[^{LISTS[kind]}]\d+⟧)"  # a bullet starts another item
        return rf"(?P<L_{LISTS[kind]}_{role}>{tok}(?:{other}{{0,80}}?{tok})+)"
    return rf"⟦[{MACROS[kind]}](?P<{role}>\d+)⟧"


@lru_cache(maxsize=1)
def prose_rules() -> tuple[ProseRule, ...]:
    """The prose relation rules, validated."""
    return tuple(ProseRule.model_validate(r) for r in load_yaml("relation_rules.yaml")["rules"])


def skeleton(text: str, figs: list[dict], start: int, end: int) -> tuple[str, dict[int, dict]]:
    """The skeleton of text[start:end] (module doc) and the figure of each token number."""
    parts: list[str] = []
    tokens: dict[int, dict] = {}
    pos = start
    for f in figs:
        if f["start"] < pos or f["end"] > end:
            continue
        parts.append(text[pos : f["start"]])
        n = len(tokens)
        tokens[n] = f
        parts.append(f"⟦{UNIT_CODES.get(f['unit'], 'x')}{n}⟧")
        pos = f["end"]
    parts.append(text[pos:end])
    flat = BULLET_GLYPHS.sub("•", " ".join("".join(parts).split()))
    return flat, tokens


def _operands(rule: ProseRule, m: re.Match[str], tokens: dict[int, dict]) -> list[Operand]:
    ops: list[Operand] = []
    for name, value in m.groupdict().items():
        if value is None or name == rule.direction_group:
            continue
        if name.startswith("L_"):
            _, units, role = name.split("_", 2)
            for k in re.findall(rf"⟦[{units}](\d+)⟧", value):
                ops.append(Operand(role, tokens[int(k)]))
        elif name != "x" and not name.startswith("u_"):
            ops.append(Operand(name.rstrip("0123456789"), tokens[int(value)]))  # 'part2' is another part
    return ops


ROLE_ORDER = {"part": 0, "whole": 1, "from": 0, "to": 1, "a": 0, "b": 1, "total": 2, "share": 2, "change": 2, "mean": 2}


def _relation(rule: ProseRule, ops: list[Operand], m: re.Match[str], window: dict[int, dict]) -> Relation | None:
    for o in ops:
        if o.role in rule.first and any(f["sentence_id"] == o.fig["sentence_id"] and f["unit"] == o.fig["unit"] and f["start"] < o.fig["start"]
                                        for f in window.values()):
            return None
    if rule.same_unit:
        units = {o.fig["unit"] for o in ops if o.role in rule.same_unit}
        if len(units) > 1:
            return None
    if rule.form == "sum" and len([o for o in ops if o.role == "part"]) < 2:
        return None
    direction = None
    if rule.direction_group:
        word = m.group(rule.direction_group) or ""
        direction = "decrease" if DECREASE.search(word) else "increase"
    ops = sorted(ops, key=lambda o: ROLE_ORDER.get(o.role, 1))
    # A part read as open-ended ('more than 20') is as often a number of something else
    # ('more than 20 miles') as a part: the breakdown is then only a reading.
    open_part = rule.form == "sum" and any(o.fig.get("approx") in OPEN_QUALIFIERS for o in ops)
    return Relation(rule.kind, rule.id, rule.form, ops, rule.binding == "strong" and not open_part, f"rule {rule.id}: {rule.description.split(' (')[0]}",
                    total_value=rule.total_value, direction=direction, complete=rule.exhaustive)


def window_relations(rule: ProseRule, flat: str, tokens: dict[int, dict], current: set[str]) -> list[Relation]:
    """The relations one rule finds in one window skeleton (each involving a figure of `current`)."""
    pattern, anchor, item = rule.compiled()
    found: list[Relation] = []
    matches: list[tuple[re.Match[str], list[Operand]]] = []
    if pattern is not None:
        for m in pattern.finditer(flat):
            matches.append((m, _operands(rule, m, tokens)))
    elif anchor is not None and item is not None:
        anchors = list(anchor.finditer(flat))
        for k, a in enumerate(anchors):
            head = _operands(rule, a, tokens)
            stop = anchors[k + 1].start() if k + 1 < len(anchors) else len(flat)
            brk = flat.find("⟦S⟧", a.end())
            stop = min(stop, brk) if brk >= 0 else stop  # items are in the anchor's own sentence
            for it in item.finditer(flat, a.end(), stop):
                matches.append((it, head + _operands(rule, it, tokens)))
    for m, ops in matches:
        if not ops or not any(o.fig["figure_id"] in current for o in ops):
            continue
        r = _relation(rule, ops, m, tokens)
        if r is not None:
            found.append(r)
    return found


def prose_relations(texts: dict[str, str], doc_figs: dict[str, list[dict]], sentences: dict[str, list[tuple[str, int, int]]]) -> list[Relation]:
    """Every relation the rules find in the documents' prose (table cells and lone numbers take no part)."""
    rules = prose_rules()
    out: list[Relation] = []
    for doc_id, sents in sentences.items():
        text = texts.get(doc_id, "")
        figs = sorted((f for f in doc_figs.get(doc_id, []) if f.get("layout", "prose") == "prose"), key=lambda f: f["start"])
        by_sentence: dict[str, list[dict]] = defaultdict(list)
        for f in figs:
            by_sentence[f["sentence_id"]].append(f)
        before: list[tuple[str, int, int]] = []  # the sentences before, nearest last (at most WINDOW_SENTENCES - 1)
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for sid, a, b in sents:
            mine = by_sentence.get(sid, [])
            if mine:
                parts = [(max(pa, pb - WINDOW_BEFORE_CHARS), pb, by_sentence.get(pid, [])) for pid, pa, pb in before] + [(a, b, mine)]
                flat, tokens = _joined(text, parts)
                current = {f["figure_id"] for f in mine}
                for rule in rules:
                    for r in window_relations(rule, flat, tokens, current):
                        key = (r.rule_id, tuple(o.fig["figure_id"] for o in r.operands))
                        if key not in seen:
                            seen.add(key)
                            out.append(r)
            before = (before + [(sid, a, b)])[-(WINDOW_SENTENCES - 1):]
    return out


def _joined(text: str, parts: list[tuple[int, int, list[dict]]]) -> tuple[str, dict[int, dict]]:
    """The skeleton of consecutive sentences (start, end, figures), joined by ⟦S⟧, tokens numbered across them."""
    flats, tokens = [], {}
    for start, end, figs in parts:
        flat, t = skeleton(text, figs, start, end)
        shift = len(tokens)
        flats.append(re.sub(r"⟦([a-z])(\d+)⟧", lambda m: f"⟦{m.group(1)}{int(m.group(2)) + shift}⟧", flat))
        tokens.update({k + shift: v for k, v in t.items()})
    return " ⟦S⟧ ".join(flats), tokens


def prose_checks(texts: dict[str, str], doc_figs: dict[str, list[dict]], sentences: dict[str, list[tuple[str, int, int]]]) -> list[Check]:
    """The checks of the prose relations (module doc)."""
    return [c for c in (to_check(r) for r in prose_relations(texts, doc_figs, sentences)) if c is not None]


