"""Shared pieces of the check modules: the check row, interval arithmetic, figure lookups."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from transform.checks.policy import check_id, fmt, interval_text, overlaps

CHECK_EXTRA_COLUMNS = {
    "rule_id": pl.String,
    "stated": pl.Float64,
    "computed_low": pl.Float64,
    "computed_high": pl.Float64,
    "sentence_ids": pl.List(pl.String),
    "period_ids": pl.List(pl.String),
    "claim_ids": pl.List(pl.String),
    "figure_texts": pl.List(pl.String),
}
CHECK_COLUMNS = {
    "check_id": pl.String,
    "kind": pl.String,
    "doc_ids": pl.List(pl.String),
    "figure_ids": pl.List(pl.String),
    "verdict": pl.String,
    "computed": pl.Float64,
    "tolerance": pl.String,
    "explanation": pl.String,
    **CHECK_EXTRA_COLUMNS,
}

Interval = tuple[float, float]


def empty_checks() -> pl.DataFrame:
    return pl.DataFrame(schema=CHECK_COLUMNS)


@dataclass
class Check:
    """One evaluated relation; `row()` gives its checks-table row."""

    kind: str
    rule_id: str
    figures: list[dict]
    verdict: str
    computed: float | None
    tolerance: str | None
    explanation: str
    stated: float | None = None
    computed_iv: Interval | None = None
    period_ids: list[str] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)
    discriminator: str = ""

    def row(self) -> dict:
        ids = [f["figure_id"] for f in self.figures]
        docs = list(dict.fromkeys(f["doc_id"] for f in self.figures))
        lo, hi = self.computed_iv if self.computed_iv else (None, None)
        return {
            "check_id": check_id(self.kind, ids, self.rule_id + self.discriminator),
            "kind": self.kind,
            "doc_ids": docs,
            "figure_ids": ids,
            "verdict": self.verdict,
            "computed": _finite(self.computed),
            "tolerance": self.tolerance,
            "explanation": self.explanation,
            "rule_id": self.rule_id,
            "stated": _finite(self.stated),
            "computed_low": _finite(lo),
            "computed_high": _finite(hi),
            "sentence_ids": list(dict.fromkeys(f["sentence_id"] for f in self.figures if f.get("sentence_id"))),
            "period_ids": self.period_ids,
            "claim_ids": self.claim_ids,
            "figure_texts": [f["text"] for f in self.figures],
        }


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def checks_frame(checks: list[Check]) -> pl.DataFrame:
    if not checks:
        return empty_checks()
    rows = {}
    for c in checks:
        r = c.row()
        rows.setdefault(r["check_id"], r)
    return pl.DataFrame(list(rows.values()), schema=CHECK_COLUMNS)


def iv(f: dict) -> Interval:
    return (f["lo"], f["hi"])


def iv_sub(a: Interval, b: Interval) -> Interval:
    return (a[0] - b[1], a[1] - b[0])


def iv_div(a: Interval, b: Interval) -> Interval | None:
    """a / b for a positive divisor interval; None when b may be zero or negative."""
    if b[0] <= 0:
        return None
    cands = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    cands = [c for c in cands if not math.isnan(c)]
    return (min(cands), max(cands))


def iv_scale(a: Interval, k: float) -> Interval:
    x, y = a[0] * k, a[1] * k
    return (min(x, y), max(x, y))


def iv_add(a: Interval, b: Interval) -> Interval:
    return (a[0] + b[0], a[1] + b[1])


def mid(a: Interval) -> float:
    if math.isinf(a[0]) or math.isinf(a[1]):
        return a[0] if math.isfinite(a[0]) else a[1]
    return (a[0] + a[1]) / 2


def within(stated: Interval, computed: Interval) -> bool:
    return overlaps(stated, computed)


def tol_text(stated_fig: dict | None, computed: Interval, unit: str = "") -> str:
    """What was allowed, in words: the stated value's interval and the computed interval."""
    parts = []
    if stated_fig is not None:
        q = f", '{stated_fig['approx'].replace('_', ' ')}'" if stated_fig.get("approx") else ""
        parts.append(f"stated {stated_fig['text']} read as {interval_text((stated_fig['lo'], stated_fig['hi']), unit)} (printed precision{q})")
    parts.append(f"computed range {interval_text(computed, unit)} from the printed precision of the inputs")
    return "; ".join(parts)


def q(f: dict) -> str:
    """A figure as printed, with its qualifier: 'more than 170,000'."""
    a = f.get("approx")
    words = {"more_than": "more than", "fewer_than": "fewer than", "at_least": "at least", "at_most": "at most", "up_to": "up to",
             "approximately": "approximately", "nearly": "nearly", "around": "around", "over": "over", "some": "some"}
    return f"{words.get(a, '')} {f['text']}".strip() if a else f["text"]


__all__ = ["Check", "checks_frame", "empty_checks", "fmt", "iv", "iv_add", "iv_div", "iv_scale", "iv_sub", "mid", "q", "tol_text", "within"]
