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


def words_value(col: str) -> pl.Expr:
    """Float value of number words such as 'seven', 'twenty-five', 'two hundred' (null if unknown)."""
    nw = number_words()
    small = {**{k: float(v) for k, v in nw["units"].items()}, **{k: float(v) for k, v in nw["tens"].items()}}
    scales = {k: float(v) for k, v in nw["scales"].items()}
    tokens = pl.col(col).str.to_lowercase().str.replace_all(r"[\s-]+", " ").str.strip_chars().str.split(" ")
    base = tokens.list.eval(pl.element().replace_strict(small, default=None, return_dtype=pl.Float64)).list.sum()
    scale = tokens.list.eval(pl.element().replace_strict(scales, default=1.0, return_dtype=pl.Float64)).list.eval(
        pl.element().product()
    ).list.first()
    known = tokens.list.eval(pl.element().is_in(list(small) + list(scales))).list.all()
    return pl.when(pl.col(col).is_not_null() & known).then(base * scale)


def number_value(digits_col: str, words_col: str) -> pl.Expr:
    """Value from whichever of a digits column or a words column matched."""
    return pl.coalesce(digits_value(digits_col), words_value(words_col))


def lookup(col: str, table: str, default: float | None = None) -> pl.Expr:
    """Map a lower-cased column through one dictionary of number_words.yaml."""
    mapping = {k: float(v) for k, v in number_words()[table].items()}
    return pl.col(col).str.to_lowercase().replace_strict(mapping, default=default, return_dtype=pl.Float64)
