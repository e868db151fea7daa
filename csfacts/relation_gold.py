"""Relation gold: arithmetic relations between printed figures, annotated by hand on real documents.

A relation gold folder holds two JSON Lines files (format in ``gold/README.md``):

- ``documents.jsonl``: one line per annotated document: its file name, the corpus folder it
  is read from, the extractor, the length and sha256 of the extracted text (so a change of
  extractor is detected, never silently mis-anchored) and the annotated regions;
- ``relations.jsonl``: one line per relation: its kind (the check kinds of
  ``../shared/gold/SCHEMA.md``), its arithmetic ``form``, its operands (character spans into
  the extracted text, with value, unit and role), the verdict an honest checker must reach,
  and how strongly the text binds the operands (``strong``: a Total row, "of which",
  "n of the m", "from a to b, a rise of c"; ``loose``: a reader's inference).

The arithmetic of a form (:func:`evaluate`) reads every printed number as an interval (half a
unit of its last printed digit, or the relation's own ``tolerance``), the same principle as the
checker's tolerance policy, and is used both to validate the gold (an expected ``pass`` must
hold, an expected ``fail`` must not) and by the mutation harness to prove a planted change
breaks its relation. Pure: no file I/O here except :func:`load`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["partition_sum", "change_consistency", "derived_ratio", "cross_reference", "range", "duration_consistency"]
Form = Literal["sum", "difference", "relative_change", "ratio_change", "share", "equal", "mean", "bound", "direction"]
Unit = Literal["percent", "percentage_point", "GBP", "count", "months", "years", "weeks", "days", "hours", "ratio",
               "fraction", "multiplier"]
Interval = tuple[float, float]

# Roles each form needs (min count) and allows.
FORM_ROLES: dict[str, dict[str, tuple[int, int]]] = {
    "sum": {"part": (2, 10_000), "total": (0, 1)},
    "difference": {"from": (1, 1), "to": (1, 1), "change": (1, 1)},
    "relative_change": {"from": (1, 1), "to": (1, 1), "change": (1, 1)},
    "ratio_change": {"from": (1, 1), "to": (1, 1), "change": (1, 1)},
    "share": {"part": (1, 1), "whole": (1, 1), "share": (1, 1)},
    "equal": {"a": (1, 1), "b": (1, 1)},
    "mean": {"part": (2, 10_000), "mean": (1, 1)},
    "bound": {"value": (1, 1)},
    "direction": {"from": (1, 1), "to": (1, 1)},
}
# Days per unit, as an interval (a month is 28-31 days, a year 365-366).
DAYS = {"days": (1.0, 1.0), "weeks": (7.0, 7.0), "months": (28.0, 31.0), "years": (365.0, 366.0)}


class Operand(BaseModel):
    """One printed figure of a relation: its span in the extracted text and what it says."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: str
    start: int = Field(ge=0)
    end: int
    text: str = Field(min_length=1)
    value: float
    unit: Unit
    direction: Literal["increase", "decrease"] | None = None
    # The operand's document when it is not the relation's (a figure restated in another document).
    doc: str | None = None


class Relation(BaseModel):
    """One relation a checker should evaluate, with the verdict it must reach."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    doc: str
    kind: Kind
    form: Form
    operands: tuple[Operand, ...]
    expected: Literal["pass", "fail", "unverifiable"]
    binding: Literal["strong", "loose"]
    optional: bool = False
    # sum: the total when no operand states it (100 for shares of a whole); bound: the limits.
    total_value: float | None = None
    low: float | None = None
    high: float | None = None
    # An absolute half-width replacing printed precision (a table rounded to the nearest 5).
    tolerance: float | None = None
    note: str = ""

    @model_validator(mode="after")
    def _roles(self) -> Relation:
        need = FORM_ROLES[self.form]
        counts: dict[str, int] = {}
        for o in self.operands:
            if o.role not in need:
                raise ValueError(f"{self.id}: role {o.role!r} is not one of {sorted(need)} for form {self.form}")
            counts[o.role] = counts.get(o.role, 0) + 1
        for role, (lo, hi) in need.items():
            if not lo <= counts.get(role, 0) <= hi:
                raise ValueError(f"{self.id}: form {self.form} needs {lo}..{hi} operand(s) of role {role!r}")
        if self.form == "sum" and "total" not in counts and self.total_value is None:
            raise ValueError(f"{self.id}: a sum needs a 'total' operand or total_value")
        if self.form == "bound" and self.low is None and self.high is None:
            raise ValueError(f"{self.id}: a bound needs low and/or high")
        return self

    def role(self, name: str) -> list[Operand]:
        return [o for o in self.operands if o.role == name]

    def doc_of(self, o: Operand) -> str:
        return o.doc or self.doc


class GoldDocument(BaseModel):
    """An annotated document: where it is read from and which parts of it were annotated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    doc: str
    corpus: str
    extractor: str
    n_chars: int
    text_sha256: str
    # [start, end) character ranges annotated exhaustively; null = the whole text.
    regions: tuple[tuple[int, int], ...] | None = None
    note: str = ""

    def in_regions(self, start: int, end: int) -> bool:
        return self.regions is None or any(a <= start and end <= b for a, b in self.regions)


class RelationGold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    documents: tuple[GoldDocument, ...]
    relations: tuple[Relation, ...]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(folder: Path) -> RelationGold:
    """documents*.jsonl and relations*.jsonl of a relation gold folder (several annotators may
    each write their own `documents-X.jsonl`/`relations-X.jsonl`); line numbers in errors."""

    def rows(name: str) -> Iterable[tuple[str, dict]]:
        stem = name.removesuffix(".jsonl")
        paths = sorted(folder.glob(f"{stem}*.jsonl"))
        if not paths:
            raise FileNotFoundError(f"{folder / name} is missing")
        for path in paths:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        yield f"{path.name}:{n}", json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc

    def parse(model: type[BaseModel], name: str) -> list:
        out = []
        for where, row in rows(name):
            try:
                out.append(model.model_validate(row))
            except ValueError as exc:
                raise ValueError(f"{folder / where}: {exc}") from exc
        return out

    return RelationGold(documents=tuple(parse(GoldDocument, "documents.jsonl")),
                        relations=tuple(parse(Relation, "relations.jsonl")))


# --- arithmetic -------------------------------------------------------------------------------

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def printed_interval(o: Operand, tolerance: float | None = None) -> Interval:
    """The interval a printed figure stands for: half a unit of its last printed digit, scaled
    like its value ("£2.3 million" -> 2.25m to 2.35m); word numbers within 5%."""
    v = o.value
    if tolerance is not None:
        return (v - tolerance, v + tolerance)
    m = NUMBER.search(o.text)
    if not m:
        h = abs(v) * 0.05
        return (v - h, v + h)
    digits = m.group().replace(",", "")
    number = float(digits)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = abs(v) / number if number else 1.0
    h = 0.5 * 10.0 ** -decimals * scale
    return (v - h, v + h)


def _signed(o: Operand, iv: Interval) -> Interval:
    """A change printed without a sign but stated as a decrease counts as negative."""
    if o.direction == "decrease" and o.value > 0:
        return (-iv[1], -iv[0])
    return iv


def _add(a: Interval, b: Interval) -> Interval:
    return (a[0] + b[0], a[1] + b[1])


def _sub(a: Interval, b: Interval) -> Interval:
    return (a[0] - b[1], a[1] - b[0])


def _div(a: Interval, b: Interval) -> Interval | None:
    if b[0] <= 0 <= b[1]:
        return None
    c = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    return (min(c), max(c))


def _as_proportion(o: Operand, iv: Interval) -> Interval:
    k = 0.01 if o.unit == "percent" else 1.0
    return (iv[0] * k, iv[1] * k)


def _in_days(o: Operand, iv: Interval) -> Interval | None:
    d = DAYS.get(o.unit)
    if d is None:
        return None
    return (iv[0] * d[0], iv[1] * d[1])


def evaluate(r: Relation, values: Mapping[int, float] | None = None) -> tuple[Interval, Interval] | None:
    """(computed, stated) intervals of a relation; `values` overrides operand values by index
    (for a mutant). None when the arithmetic is undefined (a division by an interval holding 0)."""
    ops = list(r.operands)
    if values:
        ops = [o.model_copy(update={"value": values[i]}) if i in values else o for i, o in enumerate(ops)]
    iv = {id(o): printed_interval(o, r.tolerance) for o in ops}
    get = lambda role: [o for o in ops if o.role == role]  # noqa: E731
    one = lambda role: get(role)[0]  # noqa: E731
    if r.form in ("sum", "mean"):
        total: Interval = (0.0, 0.0)
        parts = get("part")
        for p in parts:
            total = _add(total, iv[id(p)])
        if r.form == "mean":
            m = one("mean")
            return (total[0] / len(parts), total[1] / len(parts)), iv[id(m)]
        t = get("total")
        return total, (iv[id(t[0])] if t else (r.total_value, r.total_value))  # type: ignore[return-value]
    if r.form == "equal":
        a, b = one("a"), one("b")
        ia, ib = iv[id(a)], iv[id(b)]
        if a.unit != b.unit:
            da, db = _in_days(a, ia), _in_days(b, ib)
            if da and db:
                return da, db
            return _as_proportion(a, ia), _as_proportion(b, ib)
        return ia, ib
    if r.form == "bound":
        v = one("value")
        return iv[id(v)], (r.low if r.low is not None else -math.inf, r.high if r.high is not None else math.inf)
    if r.form == "share":
        part, whole, share = one("part"), one("whole"), one("share")
        q = _div(iv[id(part)], iv[id(whole)])
        return (q, _as_proportion(share, iv[id(share)])) if q else None
    f, t = one("from"), one("to")
    fi, ti = iv[id(f)], iv[id(t)]
    if r.form == "direction":
        d = _sub(ti, fi)
        said = t.direction or f.direction
        return d, ((0.0, math.inf) if said == "increase" else (-math.inf, 0.0))
    c = one("change")
    ci = _signed(c, iv[id(c)])
    if r.form == "difference":
        return _sub(ti, fi), ci
    q = _div(ti, fi)
    if q is None:
        return None
    if r.form == "ratio_change":
        return q, ci
    if c.unit in ("fraction", "ratio"):  # "fell by a third": a relative change as a fraction
        ci = (ci[0] * 100, ci[1] * 100)
    return ((q[0] - 1) * 100, (q[1] - 1) * 100), ci


def holds(r: Relation, values: Mapping[int, float] | None = None) -> bool | None:
    """Whether the relation holds within printed precision (None when undefined)."""
    res = evaluate(r, values)
    if res is None:
        return None
    (a, b), (c, d) = res
    eps = 1e-9 * max(1.0, *(abs(x) for x in (a, b, c, d) if math.isfinite(x)))
    return a <= d + eps and c <= b + eps


# --- validation against the documents' text ----------------------------------------------------


def validate(gold: RelationGold, texts: Mapping[str, str]) -> list[str]:
    """Every problem of a relation gold against the extracted texts (empty when it is sound):
    unknown or drifted documents, spans that do not hold their text, values that do not read
    from their text, operands outside the annotated regions, arithmetic that contradicts the
    expected verdict, duplicate ids."""
    problems: list[str] = []
    docs = {d.doc: d for d in gold.documents}
    for d in gold.documents:
        text = texts.get(d.doc)
        if text is None:
            problems.append(f"{d.doc}: document not found")
        elif len(text) != d.n_chars or text_sha256(text) != d.text_sha256:
            problems.append(f"{d.doc}: extracted text differs from the annotated one (extractor changed?)")
    seen: set[str] = set()
    for r in gold.relations:
        if r.id in seen:
            problems.append(f"{r.id}: duplicate id")
        seen.add(r.id)
        if any(r.doc_of(o) not in docs for o in r.operands):
            problems.append(f"{r.id}: a document of it is not in documents.jsonl")
            continue
        for o in r.operands:
            d, text = docs[r.doc_of(o)], texts.get(r.doc_of(o), "")
            if text[o.start : o.end] != o.text:
                problems.append(f"{r.id}: span {o.start}-{o.end} holds {text[o.start:o.end]!r}, not {o.text!r}")
            if not d.in_regions(o.start, o.end):
                problems.append(f"{r.id}: operand {o.text!r} at {o.start} is outside the annotated regions")
            m = NUMBER.search(o.text)
            if m and not _value_reads(o, float(m.group().replace(",", ""))):
                problems.append(f"{r.id}: value {o.value} of {o.text!r} does not read from its text")
        ok = holds(r)
        if r.expected == "pass" and ok is False:
            problems.append(f"{r.id}: expected pass but the arithmetic gives {_show(r)}")
        if r.expected == "fail" and ok is True:
            problems.append(f"{r.id}: expected fail but the arithmetic holds ({_show(r)})")
    return problems


def _value_reads(o: Operand, number: float) -> bool:
    """The value is the printed number times a power of ten (scale words, per 10,000), signed."""
    if number == 0:
        return o.value == 0
    k = abs(o.value) / number
    return k > 0 and abs(math.log10(k) - round(math.log10(k))) < 1e-6


def _show(r: Relation) -> str:
    res = evaluate(r)
    if res is None:
        return "undefined"
    (a, b), (c, d) = res
    return f"computed {a:.6g}..{b:.6g} vs stated {c:.6g}..{d:.6g}"
