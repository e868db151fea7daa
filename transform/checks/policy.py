"""The tolerance policy and relation cues of the consistency checks (reference/check_rules.yaml).

Every printed number is read as an interval (:func:`with_intervals`): half a unit of its last
printed digit, widened by its qualifier ("nearly", "more than", ...). Checks compare intervals
(:func:`overlaps`), so a tolerance is never a per-document setting: it follows from how the
numbers were printed. `tolerance_text` says in words what was allowed, for the checks table.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from transform.reference_data import load_yaml

WORD_UNITS = ("fraction", "multiplier", "ratio")
DURATION_UNITS = ("months", "years", "weeks", "days")


class CueExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    passing: tuple[str, ...] = Field(alias="pass", min_length=1)
    failing: tuple[str, ...] = Field(alias="fail", min_length=1)


class Cue(BaseModel):
    """One relation cue: a regex and where it is matched, with golden examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    description: str
    where: str
    pattern: str
    examples: CueExamples

    def compiled(self) -> re.Pattern[str]:
        return _compile(self.pattern)


@lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The parsed check_rules.yaml."""
    return load_yaml("check_rules.yaml")


@lru_cache(maxsize=1)
def cues() -> dict[str, Cue]:
    """Relation cues by id."""
    return {c["id"]: Cue.model_validate(c) for c in reference()["cues"]}


def cue(cue_id: str) -> re.Pattern[str]:
    """The compiled pattern of one cue."""
    return cues()[cue_id].compiled()


def tolerances() -> dict[str, Any]:
    """The tolerance section of check_rules.yaml."""
    return reference()["tolerances"]


@lru_cache(maxsize=1)
def subject_key_map() -> dict[str, str]:
    """Lower-cased subject -> the first name of its equivalence class."""
    out: dict[str, str] = {}
    for names in reference().get("subject_equivalents", []):
        for name in names:
            out[str(name).lower()] = str(names[0]).lower()
    return out


def subject_key(subject: str | None) -> str | None:
    """A subject normalised so equivalent group names compare equal."""
    if subject is None:
        return None
    s = subject.strip().lower()
    return subject_key_map().get(s, s)


@lru_cache(maxsize=1)
def measure_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _compile(p)) for name, p in reference()["measures"].items())


def measure_of(text: str | None) -> str | None:
    """The canonical measure named in `text` (the last one named, nearest the figure), or None."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for name, pattern in measure_patterns():
        for m in pattern.finditer(text):
            if best is None or m.start() >= best[0]:
                best = (m.start(), name)
    return best[1] if best else None


# --- intervals ---------------------------------------------------------------------------

NUMBER_RE = r"(\d[\d,]*(?:\.\d+)?)"


def with_intervals(figures: pl.DataFrame) -> pl.DataFrame:
    """Add `lo`, `hi` (the interval a printed figure stands for) and `half` (its rounding half-width).

    Printed precision: half a unit of the last printed digit, scaled like the value
    (£2.96bn -> 0.005bn); a count printed as a whole number (in digits or words) is exact. Word numbers: counts are exact to a unit; fractions, multipliers and
    ratios written as words are read within `word_relative`. Qualifiers widen the interval
    by their `below`/`above` fractions of |value|. `value_max` (a range) widens it upwards.
    """
    tol = tolerances()
    num = pl.col("text").str.extract(NUMBER_RE, 1)
    decimals = num.str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0)
    number = num.str.replace_all(",", "").cast(pl.Float64, strict=False)
    scale = pl.when(number > 0).then(pl.col("value").abs() / number).otherwise(1.0)
    half_printed = 0.5 * pl.lit(10.0).pow(-decimals.cast(pl.Float64)) * scale
    # A count of people or things printed as a whole number is that number ('9 children' is not
    # 8.5-9.5): exact, unless a scale word made it an amount ('2.3 million' has decimals anyway).
    exact_count = (pl.col("unit") == "count") & (decimals == 0) & (scale == 1.0)
    half = (
        pl.when(num.is_null() & pl.col("unit").is_in(list(WORD_UNITS)))
        .then(pl.col("value").abs() * tol["word_relative"])
        .when(num.is_null() & (pl.col("unit") == "count"))
        .then(0.0)
        .when(num.is_null())
        .then(0.5)
        .when(exact_count)
        .then(0.0)
        .otherwise(half_printed)
    )
    below = pl.lit(0.0)
    above = pl.lit(0.0)
    for name, q in tol["qualifiers"].items():
        below = pl.when(pl.col("approx") == name).then(pl.lit(float(q["below"]))).otherwise(below)
        above = pl.when(pl.col("approx") == name).then(pl.lit(float(q["above"]))).otherwise(above)
    v = pl.col("value")
    top = pl.max_horizontal(v, pl.col("value_max").fill_null(v))
    # A word fraction bounded on one side ('over a third', 'under half') states that bound
    # exactly: 'over a third' is more than 33.3%, not more than 31.7%.
    words = num.is_null() & pl.col("unit").is_in(list(WORD_UNITS))
    open_above = pl.col("approx").is_in(["over", "more_than", "at_least"]).fill_null(False)
    open_below = pl.col("approx").is_in(["fewer_than", "at_most", "up_to"]).fill_null(False)
    lo = pl.when(words & open_above).then(v).otherwise(v - half - v.abs() * below)
    hi = pl.when(words & open_below).then(top).otherwise(top + half + top.abs() * above)
    # inf * 0 is nan: an infinite qualifier on a zero value means unbounded.
    lo = pl.when(lo.is_nan()).then(-math.inf).otherwise(lo)
    hi = pl.when(hi.is_nan()).then(math.inf).otherwise(hi)
    return figures.with_columns(half.alias("half"), lo.alias("lo"), hi.alias("hi"))


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two closed intervals meet (with a tiny epsilon for float noise)."""
    eps = 1e-9 * max(1.0, *(abs(x) for x in (*a, *b) if math.isfinite(x)))
    return a[0] <= b[1] + eps and b[0] <= a[1] + eps


def gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two intervals (0 when they meet)."""
    if overlaps(a, b):
        return 0.0
    return b[0] - a[1] if a[1] < b[0] else a[0] - b[1]


def interval_text(iv: tuple[float, float], unit: str = "") -> str:
    lo, hi = iv
    u = _unit_suffix(unit)
    if math.isinf(hi) and math.isinf(lo):
        return "any value"
    if math.isinf(hi):
        return f"at least {fmt(lo)}{u}"
    if math.isinf(lo):
        return f"at most {fmt(hi)}{u}"
    return f"{fmt(lo)}{u} to {fmt(hi)}{u}"


def _unit_suffix(unit: str) -> str:
    return {"percent": "%", "percentage_point": " points", "multiplier": "x"}.get(unit, f" {unit}" if unit in DURATION_UNITS else "")


def fmt(x: float) -> str:
    """A number for an explanation: up to 3 significant decimals, no trailing zeros."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return str(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}" if abs(x - round(x)) < 1e-6 else f"{x:,.2f}"
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def check_id(kind: str, figure_ids: list[str], extra: str = "") -> str:
    """Stable id: a hash of the kind, the sorted figure ids and any discriminator."""
    key = "|".join([kind, *sorted(figure_ids), extra])
    return "C" + hashlib.sha256(key.encode()).hexdigest()[:20]
