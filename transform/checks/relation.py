"""One relation, one evaluator: the arithmetic every discovered relation is checked with.

A detector (a table's structure in tables.py, a cue rule in prose.py) proposes a
:class:`Relation`: its form, its operands (figures with roles and the interval each stands
for) and whether the document binds them strongly. :func:`to_check` evaluates it with interval
arithmetic and gives the checks row:

- `pass` when the computed and stated intervals meet;
- `fail` when they cannot, and the binding is strong (a Total row, "of which", "n of the m",
  a formula that holds in the table's other rows);
- `unverifiable` when they cannot but the binding is loose (the relation is a reading, not
  a statement of the document).

Forms (the same as the relation gold, gold/README.md):

| form | roles | holds when |
|---|---|---|
| sum | part x n, total (or `total_value`) | sum of parts = total |
| mean | part x n, mean | mean of parts = mean |
| difference | from, to, change | to - from = change (a `decrease` change counts negative) |
| relative_change | from, to, change | (to - from) / from x 100 = change |
| ratio_change | from, to, change | to / from = change (a multiplier) |
| share | part, whole, share | part / whole = share (percent / 100; a ratio, average or rate as printed) |
| equal | a, b | the intervals meet (durations converted) |
| direction | from, to (+ stated direction) | the sign of to - from is the stated direction |
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from transform.checks.common import Check, fmt, q
from transform.checks.policy import interval_text

Interval = tuple[float, float]

DAYS = {"hours": (1 / 24, 1 / 24), "days": (1.0, 1.0), "weeks": (7.0, 7.0), "months": (28.0, 31.0), "years": (365.0, 366.0)}
SHARE_UNITS = ("percent", "fraction", "ratio")
FORM_WORDS = {
    "sum": "sum", "mean": "mean", "difference": "difference", "relative_change": "relative change",
    "ratio_change": "ratio", "share": "share", "equal": "restatement", "direction": "direction",
}


@dataclass
class Operand:
    role: str
    fig: dict
    iv: Interval | None = None  # defaults to the figure's own interval (lo, hi)
    percent: bool | None = None  # a share read in percent (defaults to the figure's unit)

    @property
    def interval(self) -> Interval:
        return self.iv if self.iv is not None else (self.fig["lo"], self.fig["hi"])


@dataclass
class Relation:
    kind: str
    rule_id: str
    form: str
    operands: list[Operand]
    strong: bool
    why: str = ""
    total_value: float | None = None
    direction: str | None = None  # the stated direction of a `direction` relation
    # False when the parts listed need not be every category: a sum below its total is then unverifiable.
    complete: bool = True
    claim_ids: list[str] = field(default_factory=list)

    def role(self, name: str) -> list[Operand]:
        return [o for o in self.operands if o.role == name]


def _add(a: Interval, b: Interval) -> Interval:
    return (a[0] + b[0], a[1] + b[1])


def _sub(a: Interval, b: Interval) -> Interval:
    return (a[0] - b[1], a[1] - b[0])


def _div(a: Interval, b: Interval) -> Interval | None:
    if b[0] <= 0 <= b[1]:
        return None
    c = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    c = [x for x in c if not math.isnan(x)]
    return (min(c), max(c)) if c else None


def _signed(o: Operand, stated: str | None = None) -> Interval:
    """A change as a signed interval: negative when it is stated as a decrease (by the relation's
    words, else by the figure's own direction) and printed without a sign."""
    lo, hi = o.interval
    if (stated or o.fig.get("direction")) == "decrease" and o.fig["value"] > 0:
        return (-hi, -lo)
    return (lo, hi)


def _is_percent(o: Operand) -> bool:
    return o.percent if o.percent is not None else o.fig["unit"] in ("percent", "percentage_point")


def _proportion(o: Operand) -> Interval:
    lo, hi = o.interval
    k = 0.01 if _is_percent(o) else 1.0
    return (lo * k, hi * k)


def _comparable(a: Operand, b: Operand) -> tuple[Interval, Interval] | None:
    """Two figures on one scale: durations in days, shares as proportions; None when they have none."""
    if a.fig["unit"] == b.fig["unit"]:
        return a.interval, b.interval
    da, db = DAYS.get(a.fig["unit"]), DAYS.get(b.fig["unit"])
    if da and db:
        if "working" in a.fig["text"].lower() or "working" in b.fig["text"].lower():
            return None  # a working day or week is not a calendar one
        return (a.interval[0] * da[0], a.interval[1] * da[1]), (b.interval[0] * db[0], b.interval[1] * db[1])
    if {a.fig["unit"], b.fig["unit"]} <= set(SHARE_UNITS):
        return _proportion(a), _proportion(b)
    return None


def evaluate(r: Relation) -> tuple[Interval, Interval] | None:
    """(computed, stated) of a relation; None when undefined (a division by an interval holding 0)."""
    one = lambda role: r.role(role)[0]  # noqa: E731
    if r.form in ("sum", "mean"):
        total: Interval = (0.0, 0.0)
        parts = r.role("part")
        for p in parts:
            total = _add(total, p.interval)
        if r.form == "mean":
            return (total[0] / len(parts), total[1] / len(parts)), one("mean").interval
        t = r.role("total")
        return total, (t[0].interval if t else (r.total_value, r.total_value))  # type: ignore[return-value]
    if r.form == "equal":
        return _comparable(one("a"), one("b"))
    if r.form == "share":
        ratio = _div(one("part").interval, one("whole").interval)
        return (ratio, truncated(_proportion(one("share")))) if ratio else None
    f, t = one("from"), one("to")
    if r.form == "direction":
        return _sub(t.interval, f.interval), ((0.0, math.inf) if r.direction == "increase" else (-math.inf, 0.0))
    c = one("change")
    if r.form == "difference":
        return _sub(t.interval, f.interval), _signed(c, r.direction)
    ratio = _div(t.interval, f.interval)
    if ratio is None:
        return None
    if r.form == "ratio_change":
        return ratio, c.interval
    stated = truncated(_signed(c, r.direction))
    if c.fig["unit"] in ("fraction", "ratio"):
        stated = (stated[0] * 100, stated[1] * 100)
    return ((ratio[0] - 1) * 100, (ratio[1] - 1) * 100), stated


def truncated(iv: Interval) -> Interval:
    """A computed share or change is printed rounded or cut off ('52.6%' printed as '52%'): the
    stated interval reaches one more half-unit away from zero."""
    lo, hi = iv
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return iv
    half = (hi - lo) / 2
    return (lo, hi + half) if lo >= 0 else ((lo - half, hi) if hi <= 0 else iv)


def meets(a: Interval, b: Interval) -> bool:
    eps = 1e-9 * max(1.0, *(abs(x) for x in (*a, *b) if math.isfinite(x)))
    return a[0] <= b[1] + eps and b[0] <= a[1] + eps


def _mid(iv: Interval) -> float | None:
    lo, hi = iv
    if math.isinf(lo) and math.isinf(hi):
        return None
    if math.isinf(lo) or math.isinf(hi):
        return hi if math.isinf(lo) else lo
    return (lo + hi) / 2


def to_check(r: Relation) -> Check | None:
    """The checks row of a relation (module doc); None when its arithmetic is undefined."""
    res = evaluate(r)
    if res is None:
        return None
    computed, stated = res
    holds = meets(computed, stated)
    short = r.form == "sum" and not r.complete and computed[1] < stated[0]
    verdict = "pass" if holds else ("fail" if r.strong and not short else "unverifiable")
    figs = [o.fig for o in r.operands]
    listed = ", ".join(f"{o.role} {q(o.fig)}" for o in r.operands)
    scale = 100.0 if r.form == "share" and _is_percent(r.role("share")[0]) else 1.0
    shown_c = (computed[0] * scale, computed[1] * scale)
    shown_s = (stated[0] * scale, stated[1] * scale)
    word = FORM_WORDS[r.form]
    if holds:
        tail = "consistent"
    elif short:
        tail = "short of the total, but the parts listed need not be every category"
    elif r.strong:
        tail = "inconsistent"
    else:
        tail = "not consistent, but the figures are tied only loosely, so this is no contradiction"
    text = (f"{word.capitalize()} of {listed}: computed {interval_text(shown_c)}, stated {interval_text(shown_s)} "
            f"({tail}; {r.why}).")
    stated_fig = None if r.form in ("sum",) and not r.role("total") else figs[-1]
    return Check(r.kind, r.rule_id, figs, verdict, _mid(shown_c),
                 f"printed precision of every figure: computed {interval_text(shown_c)}, stated {interval_text(shown_s)}",
                 text, stated=stated_fig["value"] if stated_fig else r.total_value, computed_iv=shown_c, claim_ids=r.claim_ids,
                 discriminator=fmt(stated[0]) if math.isfinite(stated[0]) else "")
