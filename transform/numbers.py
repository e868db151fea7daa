"""Value parsing as Polars expressions: digit strings, number words, scales, fractions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl

from transform.reference_data import load_yaml


@lru_cache(maxsize=1)
def number_words() -> dict[str, Any]:
    """The number-word reference table (units, tens, scales, fractions, multipliers)."""
    return load_yaml("number_words.yaml")


def digits_value(col: str) -> pl.Expr:
    """Float value of a digit string such as '153,532' or '2.96' (null if the column is null)."""
    return pl.col(col).str.replace_all(",", "").cast(pl.Float64, strict=False)


def _small_sum(part: pl.Expr, small: dict[str, float]) -> pl.Expr:
    """Sum of the small number words (units, teens, tens) of a space-separated string; '' -> 0."""
    return part.str.split(" ").list.eval(pl.element().replace_strict(small, default=0.0, return_dtype=pl.Float64)).list.sum()


def _hundreds(part: pl.Expr, small: dict[str, float]) -> pl.Expr:
    """Value of a words group below a thousand: 'three hundred forty' -> 340, 'twenty five' -> 25."""
    g = part.fill_null("").str.extract_groups(r"^(?:(?P<h>[a-z]+)\s?hundred)?\s?(?P<r>.*)$")
    hundreds = _small_sum(g.struct.field("h").fill_null(""), small) * 100.0
    return hundreds + _small_sum(g.struct.field("r").fill_null(""), small)


def words_value(col: str) -> pl.Expr:
    """Float value of number words: 'seven', 'twenty-five', 'three hundred and forty', 'two million'.

    Grammar: [group billion] [group million] [group thousand] [group], where a group is
    '[unit hundred] [tens] [unit]'; big scales come from `scales` in number_words.yaml.
    Null when a word is unknown.
    """
    nw = number_words()
    small = {**{k: float(v) for k, v in nw["units"].items()}, **{k: float(v) for k, v in nw["tens"].items()}}
    small["a"] = 1.0  # 'a hundred', 'a million'
    big = {k: float(v) for k, v in nw["scales"].items() if float(v) >= 1000}
    words = (
        pl.col(col).str.to_lowercase().str.replace_all(r"[\s,-]+", " ").str.replace_all(r"\band\b", " ")
        .str.replace_all(r"\s+", " ").str.strip_chars()
    )
    known = words.str.split(" ").list.eval(pl.element().is_in([*small, *nw["scales"]])).list.all()
    levels = sorted(big.items(), key=lambda kv: -kv[1])  # billion, million, thousand
    groups = "".join(rf"(?:(?P<g{i}>[a-z ]*?)\s?\b{name}\b)?\s?" for i, (name, _) in enumerate(levels))
    g = words.str.extract_groups(rf"^{groups}(?P<lo>.*)$")
    value = _hundreds(g.struct.field("lo"), small)
    for i, (_, scale) in enumerate(levels):
        part = g.struct.field(f"g{i}")
        head = _hundreds(part, small)
        head = pl.when(head == 0).then(1.0).otherwise(head)  # 'a million' -> 1e6
        value = value + pl.when(part.is_not_null()).then(head * scale).otherwise(0.0)
    return pl.when(pl.col(col).is_not_null() & known).then(value)


def number_value(digits_col: str, words_col: str) -> pl.Expr:
    """Value from whichever of a digits column or a words column matched."""
    return pl.coalesce(digits_value(digits_col), words_value(words_col))


def lookup(col: str, table: str, default: float | None = None) -> pl.Expr:
    """Map a lower-cased column through one dictionary of number_words.yaml."""
    mapping = {k: float(v) for k, v in number_words()[table].items()}
    return pl.col(col).str.to_lowercase().replace_strict(mapping, default=default, return_dtype=pl.Float64)
