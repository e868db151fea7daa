"""Extraction rules kept as data: each rule has an id, a description, a pattern and examples.

Rules live in transform/reference/<table>_rules.yaml. A pattern may use fragments
``<<NAME>>`` from reference/fragments.yaml (number words, month names, ...). A named group
``span`` narrows the reported span inside the match (context stays outside the span).
Every rule carries golden examples: ``pass`` (text, and the span text it must yield) and
``fail`` (text where it must not fire); tests/transform/test_rule_examples.py runs them all.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from transform.reference_data import load_yaml

RULE_FILES = {
    "figures": "figure_rules.yaml",
    "periods": "period_rules.yaml",
    "exclusions": "exclusion_rules.yaml",
    "ratings": "rating_rules.yaml",
    "groups": "group_rules.yaml",
}


class PassExample(BaseModel):
    """Text on which the rule must fire, yielding a row whose text is `span` (and attrs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    span: str
    expect: dict[str, Any] = Field(default_factory=dict)


class Examples(BaseModel):
    """Golden examples of one rule: at least one passing and one failing."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    passing: tuple[PassExample, ...] = Field(alias="pass", min_length=1)
    failing: tuple[str, ...] = Field(alias="fail", min_length=1)


class Rule(BaseModel):
    """One extraction rule: a regex over shadow text plus the attributes its matches get."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    description: str
    pattern: str
    ignore_case: bool = False
    priority: int = 0
    attrs: dict[str, Any] = Field(default_factory=dict)
    examples: Examples
    table: str = ""

    def compiled(self) -> re.Pattern[str]:
        """The pattern with fragments expanded, compiled."""
        return _compile(self.pattern, self.ignore_case)


@lru_cache(maxsize=1)
def fragments() -> dict[str, str]:
    """Named regex fragments, with nested fragments expanded."""
    raw: dict[str, str] = dict(load_yaml("fragments.yaml")["fragments"])
    for _ in range(5):
        raw = {k: _expand(v, raw) for k, v in raw.items()}
    return raw


def _expand(pattern: str, frags: dict[str, str]) -> str:
    return re.sub(r"<<(\w+)>>", lambda m: f"(?:{frags[m.group(1)]})", pattern)


@lru_cache(maxsize=None)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(_expand(pattern, fragments()), re.IGNORECASE if ignore_case else 0)


@lru_cache(maxsize=None)
def rules_for(table: str) -> tuple[Rule, ...]:
    """All rules of one rule file (figures, periods, exclusions, ratings)."""
    data = load_yaml(RULE_FILES[table])
    return tuple(Rule.model_validate({**r, "table": table}) for r in data["rules"])


def all_rules() -> tuple[Rule, ...]:
    """Every rule of every rule file."""
    return tuple(r for t in RULE_FILES for r in rules_for(t))
