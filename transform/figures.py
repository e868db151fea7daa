"""Figures: numbers that measure something, with value, unit, qualifier, role and direction.

Pipeline (all table-shaped): scan figure rules -> drop candidates inside exclusions or
dated periods -> parse values -> resolve overlaps (leftmost-longest) -> qualifiers and
roles from context cues (reference/cues.yaml) -> original offsets and ids.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl

from transform.numbers import digits_value, lookup, number_value, number_words
from transform.reference_data import load_yaml
from transform.rules import rules_for
from transform.scan import drop_overlaps, overlaps_any, scan, with_windows
from transform.sentences import attach_sentence, with_span_text
from transform.shadow import to_original

TIME_UNITS = ("years", "months", "weeks", "days", "hours")
COLUMNS = [
    "figure_id", "doc_id", "start", "end", "text", "value", "value_max", "unit",
    "approx", "role", "direction", "rule_id", "sentence_id",
]


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """Context cue patterns (qualifiers, change words, from/to, targets)."""
    return load_yaml("cues.yaml")


def _rule_attr(name: str) -> pl.Expr:
    """The string attribute `name` (unit, role) that each figure's rule sets, else null."""
    mapping = {r.id: str(r.attrs[name]) for r in rules_for("figures") if r.attrs.get(name) is not None}
    return pl.col("rule_id").replace_strict(mapping, default=None, return_dtype=pl.String)


def _first_match(col: str, table: list[list[str]]) -> pl.Expr:
    expr: Any = pl.lit(None, dtype=pl.String)
    for pattern, value in reversed(table):
        expr = pl.when(pl.col(col).str.contains(pattern)).then(pl.lit(value)).otherwise(expr)
    return expr


def _ensure(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    missing = [c for c in cols if c not in df.columns]
    return df.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])


def parse_values(c: pl.DataFrame) -> pl.DataFrame:
    """Add value, value_max and unit from the captured groups of each candidate."""
    c = _ensure(c, ["num", "numw", "num2", "numw2", "den", "denw", "scale", "sign", "dunit", "frac", "fracnum", "half", "mult"])
    nw_rules = ["FIG-DURATION", "FIG-DURATION-RANGE"]
    base = number_value("num", "numw")
    further = pl.col("numw").str.to_lowercase().str.starts_with("a further")
    money_scale = lookup("scale", "money_scales", default=1.0)
    den = number_value("den", "denw")
    frac = pl.when(pl.col("half").is_not_null()).then(0.5).otherwise(
        lookup("fracnum", "fraction_numerators") / lookup("frac", "fraction_denominators")
    )
    dunit = pl.col("dunit").str.to_lowercase()
    value = (
        pl.when(pl.col("unit") == "GBP").then(digits_value("num") * money_scale)
        .when(pl.col("rule_id") == "FIG-ONE-IN").then(1.0 / den)
        .when(pl.col("rule_id") == "FIG-RATE-PER-POPULATION").then(digits_value("num") / digits_value("den"))
        .when(pl.col("unit") == "fraction").then(frac.round(4))
        .when(pl.col("unit") == "multiplier").then(lookup("mult", "multipliers"))
        .when(pl.col("rule_id") == "FIG-TWICE").then(2.0)
        .when(further).then(1.0)
        .otherwise(base)
    )
    value = pl.when(pl.col("half").is_not_null() & pl.col("rule_id").is_in(nw_rules)).then(value + 0.5).otherwise(value)
    value = value * pl.when(pl.col("dunit").is_not_null()).then(lookup("dunit", "duration_factor", default=1.0)).otherwise(1.0)
    value = pl.when(pl.col("sign").is_in(["-", "−"])).then(-value).otherwise(value)
    unit = pl.coalesce(
        pl.col("unit"),
        dunit.replace_strict(dict(number_words()["duration_units"]), default=None, return_dtype=pl.String),
    )
    return c.with_columns(
        value=value,
        value_max=number_value("num2", "numw2"),
        unit=unit,
    ).filter(pl.col("value").is_not_null())


def candidates(shadow: pl.DataFrame, periods_shadow: pl.DataFrame) -> pl.DataFrame:
    """Figure candidates after exclusions, value parsing and overlap resolution (shadow offsets)."""
    c = scan(shadow, rules_for("figures"))
    c = c.with_columns(unit=_rule_attr("unit"))
    blockers = scan(shadow, rules_for("exclusions")).select("doc_id", "s", "e")
    dated = periods_shadow.filter(pl.col("kind") != "relative_duration").select("doc_id", "s", "e")
    block = pl.concat([blockers, dated])
    c = c.filter(~overlaps_any(c, block))
    c = parse_values(c)
    is_year = (
        (pl.col("rule_id") == "FIG-COUNT")
        & pl.col("num").str.contains(r"^(?:19|20)\d{2}$")
    )
    bad_range = (pl.col("rule_id") == "FIG-COUNT-RANGE") & ~(pl.col("value_max") > pl.col("value"))
    c = c.filter(~is_year & ~bad_range)
    return drop_overlaps(c)


def attributes(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Add approx, role and direction from the text around each figure."""
    q = cues()
    c = with_windows(c, shadow, width=120)
    is_time = pl.col("unit").is_in(TIME_UNITS)
    approx = pl.coalesce(_first_match("before", q["approx_before"]), _first_match("after", q["approx_after"]))
    # 'over three years' scopes a duration; it is not a qualifier of it.
    approx = pl.when(is_time & pl.col("before").str.contains(r"\bover\s?$")).then(None).otherwise(approx)
    inc, dec = q["increase_words"], q["decrease_words"]
    last_word = pl.col("before").str.extract_all(f"{inc}|{dec}").list.last()
    verb_dir = pl.when(last_word.str.contains(dec)).then(pl.lit("decrease")).when(last_word.str.contains(inc)).then(pl.lit("increase"))
    after_word = pl.col("after").str.extract(q["change_noun_after"], 1)
    after_dir = pl.when(after_word.str.contains(dec)).then(pl.lit("decrease")).when(after_word.str.contains(inc)).then(pl.lit("increase"))
    rule_role = _rule_attr("role")
    signed = pl.col("sign").is_not_null()
    role = (
        pl.when(signed).then(pl.lit("change"))
        .when(rule_role.is_not_null()).then(rule_role)
        .when(pl.col("rule_id") == "FIG-AGE-RANGE").then(pl.lit("other"))
        .when(pl.col("before").str.contains(q["target_before"])).then(pl.lit("target"))
        .when(pl.col("before").str.contains(q["from_before"])).then(pl.lit("from"))
        .when(pl.col("before").str.contains(q["to_before"]) & pl.col("after").str.contains(q["target_after"])).then(pl.lit("target"))
        .when(pl.col("before").str.contains(q["to_before"])).then(pl.lit("to"))
        .when(pl.col("before").str.contains(q["change_by_before"]) & verb_dir.is_not_null()).then(pl.lit("change"))
        .when(pl.col("before").str.contains(q["change_verb_before"])).then(pl.lit("change"))
        .when(pl.col("after").str.contains(q["change_noun_after"])).then(pl.lit("change"))
        .when(pl.col("before").str.contains(q["change_noun_before"])).then(pl.lit("change"))
        .when(pl.col("before").str.contains(q["saving_before"])).then(pl.lit("change"))
        .when(pl.col("unit").is_in(["percent", "multiplier"]) & pl.col("after").str.contains(q["comparison_after"])).then(pl.lit("other"))
        .when(pl.col("before").str.contains(q["threshold_before"])).then(pl.lit("other"))
        .when(is_time & (pl.col("before").str.contains(q["scoping_before"]) | pl.col("value_max").is_not_null())).then(pl.lit("other"))
        .otherwise(pl.lit("level"))
    )
    mult_dir = pl.when(pl.col("value") > 1).then(pl.lit("increase")).otherwise(pl.lit("decrease"))
    direction = (
        pl.when(signed).then(pl.when(pl.col("value") < 0).then(pl.lit("decrease")).otherwise(pl.lit("increase")))
        .when((pl.col("role") == "change") & (pl.col("unit") == "multiplier")).then(mult_dir)
        .when((pl.col("role") == "change") & pl.col("before").str.contains(q["saving_before"])).then(pl.lit("decrease"))
        .when(pl.col("role") == "change").then(pl.coalesce(after_dir, verb_dir))
        .when(pl.col("role").is_in(["from", "to"])).then(verb_dir)
    )
    c = c.with_columns(approx=approx, role=role).with_columns(direction=direction)
    return _pair_from_to(_coordinate(c, shadow))


def _coordinate(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'fallen by 76 per cent and 19 per cent': a level figure joined by 'and'/',' to a change inherits it."""
    q = cues()
    c = c.sort("doc_id", "s").with_columns(
        _pe=pl.col("e").shift(1).over("doc_id"),
        _pr=pl.col("role").shift(1).over("doc_id"),
        _pd=pl.col("direction").shift(1).over("doc_id"),
        _pu=pl.col("unit").shift(1).over("doc_id"),
    )
    c = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left").with_columns(
        _gap=pl.col("shadow").str.slice(pl.col("_pe").fill_null(0), (pl.col("s") - pl.col("_pe").fill_null(0)).clip(0, 12))
    )
    inherit = (
        (pl.col("role") == "level")
        & (pl.col("_pr") == "change")
        & (pl.col("_pu") == pl.col("unit"))
        & pl.col("_gap").str.contains(q["coordination_before"])
    )
    return c.with_columns(
        role=pl.when(inherit).then(pl.lit("change")).otherwise(pl.col("role")),
        direction=pl.when(inherit).then(pl.col("_pd")).otherwise(pl.col("direction")),
    ).drop("_pe", "_pr", "_pd", "_pu", "_gap", "shadow")


def _pair_from_to(c: pl.DataFrame) -> pl.DataFrame:
    """A 'from' figure followed within 100 characters by a 'to' figure: direction by their values."""
    c = c.sort("doc_id", "s").with_columns(
        _nr=pl.col("role").shift(-1).over("doc_id"),
        _nv=pl.col("value").shift(-1).over("doc_id"),
        _ns=pl.col("s").shift(-1).over("doc_id"),
        _pr=pl.col("role").shift(1).over("doc_id"),
        _pv=pl.col("value").shift(1).over("doc_id"),
        _pe=pl.col("e").shift(1).over("doc_id"),
    )
    as_from = (pl.col("role") == "from") & (pl.col("_nr") == "to") & ((pl.col("_ns") - pl.col("e")) < 100)
    as_to = (pl.col("role") == "to") & (pl.col("_pr") == "from") & ((pl.col("s") - pl.col("_pe")) < 100)
    by_values = lambda lo, hi: pl.when(hi > lo).then(pl.lit("increase")).when(hi < lo).then(pl.lit("decrease"))  # noqa: E731
    return c.with_columns(
        direction=pl.when(as_from).then(pl.coalesce(by_values(pl.col("value"), pl.col("_nv")), pl.col("direction")))
        .when(as_to).then(pl.coalesce(by_values(pl.col("_pv"), pl.col("value")), pl.col("direction")))
        .otherwise(pl.col("direction")),
    ).drop("_nr", "_nv", "_ns", "_pr", "_pv", "_pe")


def extract_figures(
    shadow: pl.DataFrame,
    breaks: pl.DataFrame,
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    periods_shadow: pl.DataFrame,
) -> pl.DataFrame:
    """The figures table (contract columns plus rule_id, sentence_id, s, e) for the given documents."""
    c = candidates(shadow, periods_shadow)
    c = attributes(c, shadow)
    c = attach_sentence(to_original(c, breaks), sentences)
    c = with_span_text(c, documents)
    c = c.with_columns(
        figure_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-F") + pl.col("start").cast(pl.String).str.zfill(7),
    )
    return c.select(*COLUMNS, "s", "e").sort("doc_id", "start")
