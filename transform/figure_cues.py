"""Shared pieces of the figure steps: the context cues of reference/cues.yaml (placeholders expanded),
the attributes figure rules set, and the units that are durations."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl

from transform.reference_data import load_yaml
from transform.rules import rules_for

TIME_UNITS = ("years", "months", "weeks", "days", "hours")


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """Context cue patterns (qualifiers, change words, from/to, targets), placeholders expanded."""
    raw = load_yaml("cues.yaml")
    subs = {
        "<<QUAL>>": raw["qualifier_words"],
        "<<INC>>": raw["increase_words"],
        "<<DEC>>": raw["decrease_words"],
        "<<CMP>>": raw["comparative_words"],
        "<<GLUED>>": raw["glued_values"],
    }

    def expand(v: Any) -> Any:
        if isinstance(v, str):
            for k, sub in subs.items():
                v = v.replace(k, sub)
            return v
        if isinstance(v, list):
            return [expand(x) for x in v]
        if isinstance(v, dict):
            return {k: expand(x) for k, x in v.items()}
        return v

    return {k: expand(v) for k, v in raw.items()}


def rule_attr(name: str) -> pl.Expr:
    """The string attribute `name` (unit, role) that each figure's rule sets, else null."""
    mapping = {r.id: str(r.attrs[name]) for r in rules_for("figures") if r.attrs.get(name) is not None}
    return pl.col("rule_id").replace_strict(mapping, default=None, return_dtype=pl.String)
