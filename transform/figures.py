"""Figures: numbers that measure something, with value, unit, qualifier, role and direction.

Pipeline (all table-shaped): scan figure rules -> drop candidates inside exclusions or
dated periods -> parse values -> resolve overlaps (leftmost-longest) -> qualifiers and
roles from context cues (reference/cues.yaml) -> original offsets and ids.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from transform.figure_cues import TIME_UNITS, cues, rule_attr
from transform.figure_layout import layout, table_roles
from transform.numbers import digits_value, lookup, number_value, number_words
from transform.rules import rules_for
from transform.scan import drop_overlaps, overlaps_any, scan, with_windows
from transform.sentences import attach_sentence, with_span_text
from transform.shadow import to_original
COLUMNS = [
    "figure_id", "doc_id", "start", "end", "text", "value", "value_max", "unit",
    "approx", "role", "direction", "rule_id", "sentence_id",
]


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
    c = _ensure(c, ["num", "numw", "num2", "numw2", "den", "denw", "scale", "scale2", "sign", "dunit", "frac", "fracnum", "half", "mult"])
    # a range's scale word may follow only its upper end ('£2-3m')
    c = c.with_columns(_scale1=pl.coalesce("scale", "scale2"), _scale2=pl.coalesce("scale2", "scale"))
    nw_rules = ["FIG-DURATION", "FIG-DURATION-RANGE"]
    base = number_value("num", "numw")
    further = pl.col("numw").str.to_lowercase().str.starts_with("a further")
    money_scale = lookup("_scale1", "money_scales", default=1.0)
    den = number_value("den", "denw")
    frac = pl.when(pl.col("half").is_not_null()).then(0.5).otherwise(
        lookup("fracnum", "fraction_numerators") / lookup("frac", "fraction_denominators")
    )
    dunit = pl.col("dunit").str.to_lowercase()
    value = (
        pl.when(pl.col("unit") == "GBP").then(base * money_scale)
        .when(pl.col("rule_id") == "FIG-ONE-IN").then((base / den).round(4))
        .when(pl.col("rule_id") == "FIG-RATE-PER-POPULATION").then(digits_value("num") / digits_value("den"))
        .when(pl.col("unit") == "fraction").then(frac.round(4))
        .when(pl.col("unit") == "multiplier").then(pl.coalesce(lookup("mult", "multipliers"), base))
        .when(pl.col("rule_id") == "FIG-TWICE").then(2.0)
        .when(further).then(1.0)
        .otherwise(base * money_scale)
    )
    value = pl.when(pl.col("half").is_not_null() & pl.col("rule_id").is_in(nw_rules)).then(value + 0.5).otherwise(value)
    value = value * pl.when(pl.col("dunit").is_not_null()).then(lookup("dunit", "duration_factor", default=1.0)).otherwise(1.0)
    value = pl.when(pl.col("sign").is_in(["-", "−"])).then(-value).otherwise(value)
    unit = pl.coalesce(
        pl.col("unit"),
        dunit.replace_strict(dict(number_words()["duration_units"]), default=None, return_dtype=pl.String),
    )
    value_max = number_value("num2", "numw2")
    value_max = pl.when(pl.col("unit") == "GBP").then(value_max * lookup("_scale2", "money_scales", default=1.0)).otherwise(value_max)
    return c.with_columns(
        value=value,
        value_max=value_max,
        unit=unit,
    ).drop("_scale1", "_scale2").filter(pl.col("value").is_not_null())


def candidates(shadow: pl.DataFrame, periods_shadow: pl.DataFrame) -> pl.DataFrame:
    """Figure candidates after exclusions, value parsing and overlap resolution (shadow offsets)."""
    c = scan(shadow, rules_for("figures"))
    c = c.with_columns(unit=rule_attr("unit"))
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
    bad_ratio = (pl.col("rule_id") == "FIG-ONE-IN") & ~(pl.col("value") <= 1)
    c = c.filter(~is_year & ~bad_range & ~bad_ratio)
    return drop_overlaps(c).with_columns(per_pop=pl.col("rule_id") == "FIG-RATE-PER-POPULATION")


def _dir_of(word: pl.Expr) -> pl.Expr:
    """'increase' / 'decrease' for a change word (cues increase_words / decrease_words), else null."""
    q = cues()
    return pl.when(word.str.contains(q["decrease_words"])).then(pl.lit("decrease")).when(
        word.str.contains(q["increase_words"])
    ).then(pl.lit("increase"))


def attributes(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Add approx, role and direction from the text around each figure, then relate neighbours."""
    q = cues()
    c = with_windows(c, shadow, width=120)
    # context stops at a bullet, and after the figure at a paragraph mark
    c = c.with_columns(
        _bulleted=pl.col("before").str.contains(q["window_break"]),
        before=pl.col("before").str.replace(f"(?s)^.*(?:{q['window_break']})", ""),
        after=pl.col("after").str.replace(f"(?s)(?:{q['window_break_after']}).*$", ""),
    )
    before, after = pl.col("before"), pl.col("after")
    # Every cue is evaluated once, as a column (regex compilation dominates the cost of this step).
    c = c.with_columns(
        _qb=before.str.replace(q["approx_filler_before"], ""),
        _bare=before.str.replace(f"{q['qualifier_words']}$", ""),
        _clause=before.str.extract(q["clause_before"], 1),
    )
    flags_before = (
        "approx_blocked_before", "target_before", "future_before", "from_before", "to_before", "now_before",
        "not_to_before", "change_by_before", "change_verb_before", "change_noun_before", "change_noun_of_before",
        "saving_before", "difference_before", "threshold_before", "scoping_before", "count_threshold_before",
        "phrasal_up_before", "gap_before", "shortfall_gap_before", "bound_with_before", "purpose_before",
        "activity_before", "extra_before", "overspend_before", "imperative_before", "cost_before",
    )
    flags_after = (
        "future_after", "target_after", "change_noun_after", "no_longer_after", "to_after",
        "difference_after", "comparison_after", "than_after", "offset_after", "qualifier_next_after",
        "target_noun_after", "target_noun_blocked_after", "from_change_after", "activity_after", "as_earlier_after", "extra_after", "rating_after", "change_noun_blocked_after",
        "overspend_after", "future_subject_after",
    )
    inc, dec = q["increase_words"], q["decrease_words"]
    c = c.with_columns(
        *[before.str.contains(q[k]).alias(f"_{k}") for k in flags_before],
        *[after.str.contains(q[k]).alias(f"_{k}") for k in flags_after],
        _to_context=pl.col("_clause").str.contains(q["to_context"]),
        _range_clause=pl.col("_clause").str.contains(q["range_clause"]),
        _change_clause=pl.col("_clause").str.contains(q["change_clause"]),
        _target_clause=pl.col("_clause").str.contains(q["target_clause"]),
        _ask_clause=pl.col("_clause").str.contains(q["ask_clause"]),
        _parts_clause=pl.col("_clause").str.contains(q["overspend_parts_clause"]),
        _counted_clause=pl.col("_clause").str.contains(q["counted_clause"]),
        _to_after_word=after.str.extract(q["to_after"], 1),
        _last_word=pl.col("_bare").str.extract_all(f"{inc}|{dec}").list.last(),
        _after_word=after.str.extract(q["change_noun_after"], 1),
        _cmp_word=after.str.extract(q["temporal_comparison_after"], 1),
        _approx_b=_first_match("_qb", q["approx_before"]),
        _approx_a=_first_match("after", q["approx_after"]),
    )
    f = lambda k: pl.col(f"_{k}")  # noqa: E731
    is_time = pl.col("unit").is_in(TIME_UNITS)
    approx = pl.coalesce(rule_attr("approx"), pl.when(~f("approx_blocked_before")).then(f("approx_b")), f("approx_a"))
    # 'over three years' scopes a duration; it is not a qualifier of it.
    approx = pl.when(is_time & ~pl.col("rule_id").is_in(AGE_RULES) & before.str.ends_with("over ")).then(None).otherwise(approx)
    c = c.with_columns(approx=approx, _verb_dir=_dir_of(f("last_word")), _after_dir=_dir_of(f("after_word")))
    verb_dir, after_dir, cmp_word = f("verb_dir"), f("after_dir"), f("cmp_word")
    cmp_dir = pl.when(cmp_word.str.contains(q["decrease_comparatives"])).then(pl.lit("decrease")).when(
        cmp_word.is_not_null()
    ).then(pl.lit("increase"))
    rule_role = rule_attr("role")
    signed = pl.col("sign").is_not_null()
    saving = f("saving_before")
    no_longer = (pl.col("unit") == "GBP") & f("no_longer_after")
    difference = (pl.col("unit") == "percent") & (f("difference_before") | f("difference_after"))
    bound = pl.col("approx").is_in(["at_least", "at_most", "more_than", "fewer_than"]).fill_null(False)
    time_other = is_time & (
        f("scoping_before") | f("offset_after")
        | bound
    )
    count_threshold = (pl.col("unit") == "count") & pl.col("approx").is_in(["at_least", "at_most"]) & f("count_threshold_before")
    is_to = f("to_before") & f("to_context") & ~f("not_to_before") & ~f("range_clause")
    is_now = f("now_before") & f("to_context")
    is_from = f("from_before") & ~f("range_clause") & (f("change_clause") | f("from_change_after"))
    activity = is_time & (f("activity_before") | f("activity_after")) & ~bound
    cost_threshold = (pl.col("unit") == "GBP") & pl.col("approx").is_in(["at_least", "more_than", "over"]).fill_null(False) & f("cost_before") & f("counted_clause")
    role = (
        pl.when(signed).then(pl.lit("change"))
        .when((pl.col("unit") == "multiplier") & f("as_earlier_after")).then(pl.lit("change"))
        .when(rule_role.is_not_null()).then(rule_role)
        .when(pl.col("rule_id") == "FIG-AGE-RANGE").then(pl.lit("other"))
        .when(saving).then(pl.lit("change"))
        .when(cost_threshold).then(pl.lit("other"))
        .when(
            f("target_before") | (f("target_noun_after") & ~f("target_noun_blocked_after")) | f("purpose_before") | f("ask_clause")
            | (f("imperative_before") & f("bulleted") & ~is_time)
        ).then(pl.lit("target"))
        .when((f("future_before") & f("future_after")) | f("future_subject_after")).then(pl.lit("target"))
        .when(is_from).then(pl.lit("from"))
        .when(is_to & (f("target_after") | f("target_clause"))).then(pl.lit("target"))
        .when(is_to | is_now | f("to_after")).then(pl.lit("to"))
        .when(f("change_by_before") & verb_dir.is_not_null()).then(pl.lit("change"))
        .when(f("change_verb_before") & ~f("phrasal_up_before")).then(pl.lit("change"))
        .when(f("change_noun_after") & ~f("rating_after") & ~f("change_noun_blocked_after")).then(pl.lit("change"))
        .when(f("change_noun_before")).then(pl.lit("change"))
        .when(f("change_noun_of_before") & verb_dir.is_not_null()).then(pl.lit("change"))
        .when(no_longer).then(pl.lit("change"))
        .when(cmp_word.is_not_null()).then(pl.lit("change"))
        .when(pl.col("unit").is_in(["GBP", "count"]) & (f("extra_before") | f("extra_after"))).then(pl.lit("change"))
        .when(difference | (f("gap_before") & ~f("shortfall_gap_before"))).then(pl.lit("other"))
        .when(pl.col("unit").is_in(["GBP", "percent"]) & (f("overspend_before") | f("overspend_after") | f("parts_clause"))).then(pl.lit("other"))
        .when(pl.col("unit").is_in(["percent", "multiplier", "fraction", "percentage_point"]) & f("comparison_after")).then(pl.lit("other"))
        .when(f("than_after") & ~f("qualifier_next_after")).then(pl.lit("other"))
        .when(f("threshold_before")).then(pl.lit("other"))
        .when(activity).then(pl.lit("level"))
        .when(time_other | count_threshold | f("bound_with_before")).then(pl.lit("other"))
        .otherwise(pl.lit("level"))
    )
    c = c.with_columns(role=role, unit=pl.when(difference).then(pl.lit("percentage_point")).otherwise(pl.col("unit")))
    mult_dir = pl.when(pl.col("value") > 1).then(pl.lit("increase")).otherwise(pl.lit("decrease"))
    is_change = pl.col("role") == "change"
    direction = (
        pl.when(signed).then(pl.when(pl.col("value") < 0).then(pl.lit("decrease")).otherwise(pl.lit("increase")))
        .when(pl.col("role").is_in(["change", "target"]) & (pl.col("unit") == "multiplier")).then(mult_dir)
        .when(is_change & (saving | no_longer)).then(pl.lit("decrease"))
        .when(is_change & cmp_dir.is_not_null()).then(cmp_dir)
        .when(is_change & (f("extra_before") | f("extra_after"))).then(pl.lit("increase"))
        .when(is_change).then(pl.coalesce(after_dir, verb_dir))
        .when((pl.col("role") == "to") & f("to_after")).then(_dir_of(f("to_after_word")))
        .when(pl.col("role").is_in(["from", "to"])).then(verb_dir)
    )
    c = _drop_helpers(c.with_columns(direction=direction))
    c = _coordinate(c, shadow)
    c = _arrived_at(c, shadow)
    c = _compared_over_time(c, shadow)
    c = _multiple_of_earlier(c, shadow)
    c = _implicit_from(c, shadow)
    # an age bound between two figures ('65 per 10,000 children under 18') does not separate them
    age = pl.col("rule_id").is_in(AGE_RULES)
    rest = _pair_from_to(_implicit_to(c.filter(~age), shadow), shadow)
    c = pl.concat([rest, c.filter(age).select(rest.columns)]).sort("doc_id", "s")
    return _difference_of_percents(_to_of_same_unit(c, shadow), shadow)


def _neighbours(
    c: pl.DataFrame, shadow: pl.DataFrame, cols: tuple[str, ...], offset: int, by: tuple[str, ...] = ("doc_id",), tag: str = ""
) -> pl.DataFrame:
    """Add `_<tag><col><offset>` for the figure `offset` places away (same `by` group, in text order) and
    `_<tag>gap<offset>`, the lower-cased text between the two (at most 250 characters; null when farther)."""
    c = c.sort("doc_id", "s").with_columns(
        [pl.col(k).shift(-offset).over(list(by)).alias(f"_{tag}{k}{offset}") for k in (*cols, "s", "e")]
    )
    lo = pl.col(f"_{tag}e{offset}") if offset < 0 else pl.col("e")
    hi = pl.col("s") if offset < 0 else pl.col(f"_{tag}s{offset}")
    c = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left").with_columns(
        pl.when((hi - lo).is_between(0, 250)).then(pl.col("shadow").str.slice(lo.fill_null(0), (hi - lo).clip(0, 250)).str.to_lowercase())
        .alias(f"_{tag}gap{offset}")
    )
    return c.drop("shadow")


def _drop_helpers(c: pl.DataFrame) -> pl.DataFrame:
    return c.drop([k for k in c.columns if k.startswith("_")])


def _coordinate(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """A level figure inherits the role and direction of a change figure of the same unit when joined to it
    ('cut by 40 per cent and 12 per cent') or compared with it ('by 15.5%, nearly double the national rate of 8.6%').
    A figure joined by 'and'/'or' to one qualified 'around' (or 'approximately', 'nearly') shares the qualifier."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "direction", "unit", "approx"), -1)
    c = _neighbours(c, shadow, ("role", "direction"), -1, by=("doc_id", "unit"), tag="u")
    shared_approx = (
        pl.col("approx").is_null() & (pl.col("_unit-1") == pl.col("unit"))
        & pl.col("_approx-1").str.contains(q["approx_shared"]) & pl.col("_gap-1").str.contains(q["approx_coordination_gap"])
    ).fill_null(False)
    c = c.with_columns(approx=pl.when(shared_approx).then(pl.col("_approx-1")).otherwise(pl.col("approx")))
    joined = (
        (pl.col("_role-1") == "change") & (pl.col("_unit-1") == pl.col("unit"))
        & pl.col("_gap-1").str.contains(q["coordination_before"])
    )
    compared = (
        (pl.col("_urole-1") == "change") & pl.col("_ugap-1").str.contains(q["comparator_gap"])
        & ~pl.col("_ugap-1").str.contains(q["sentence_break"])
    )
    inherit = (pl.col("role") == "level") & (joined | compared)
    bracketed = (pl.col("role") == "level") & pl.col("_gap-1").str.contains(q["bracket_gap"])
    bracketed_other = bracketed & (pl.col("_role-1") == "other")
    # a restatement of a change in another unit is that change: 'rose by £36k (5.6%)', 'by £3bn, or 29%'
    restated = (pl.col("role") == "level") & (pl.col("_gap-1").str.contains(q["bracket_gap"]) | pl.col("_gap-1").str.contains(q["or_restate_gap"]))
    bracketed_change = (restated & (pl.col("_role-1") == "change")).fill_null(False)
    return _drop_helpers(c.with_columns(
        role=pl.when(inherit | bracketed_change).then(pl.lit("change")).when(bracketed_other.fill_null(False)).then(pl.lit("other"))
        .otherwise(pl.col("role")),
        direction=pl.when((joined & inherit) | bracketed_change).then(pl.col("_direction-1"))
        .when(inherit).then(pl.col("_udirection-1")).otherwise(pl.col("direction")),
    ))


def _arrived_at(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """A level figure whose noun phrase is followed, after a comma, by a stated change is where that change
    arrived: '412 households, 15% more than a year ago'; '181 young people, a 9% increase'."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "direction"), 1)
    arrived = (
        (pl.col("role") == "level") & (pl.col("_role1") == "change")
        & pl.col("_gap1").str.contains(q["arrived_gap"]) & ~pl.col("_gap1").str.contains(q["sentence_break"])
    ).fill_null(False)
    return _drop_helpers(c.with_columns(
        role=pl.when(arrived).then(pl.lit("to")).otherwise(pl.col("role")),
        direction=pl.when(arrived).then(pl.col("_direction1")).otherwise(pl.col("direction")),
    ))


def _by_values(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    return pl.when(hi > lo).then(pl.lit("increase")).when(hi < lo).then(pl.lit("decrease"))


MULTIPLE_RULES = ("FIG-MULTIPLIER-COMPARE", "FIG-TWICE-COMPARE", "FIG-TIMES")


def _multiple_of_earlier(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'£6.3m, more than double the £2.9m spent in 2021/22': a multiple of an earlier figure is a change; the
    earlier figure is where it started (from) and the figure before the multiple where it arrived (to)."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "unit"), 1)
    c = _neighbours(c, shadow, ("role", "unit"), -1)
    c = c.join(
        with_windows(c.select("doc_id", "s", "e"), shadow, width=60).select("doc_id", "s", pl.col("after").alias("_after")),
        on=["doc_id", "s"], how="left",
    )
    earlier_next = (pl.col("_after").shift(-1).over("doc_id").str.contains(q["earlier_figure_after"])).fill_null(False)
    multiple = (
        pl.col("rule_id").is_in(MULTIPLE_RULES) & (pl.col("value") > 1) & pl.col("_gap1").str.contains(q["multiple_of_gap"])
        & pl.col("_gap-1").str.contains(q["multiple_lead_gap"]) & (pl.col("_unit1") == pl.col("_unit-1")) & earlier_next
    ).fill_null(False)
    c = c.with_columns(_mult=multiple)
    c = c.with_columns(
        _to=pl.col("_mult").shift(-1).over("doc_id").fill_null(False),
        _from=pl.col("_mult").shift(1).over("doc_id").fill_null(False),
    )
    return _drop_helpers(c.with_columns(
        role=pl.when(pl.col("_mult")).then(pl.lit("change")).when(pl.col("_to")).then(pl.lit("to"))
        .when(pl.col("_from")).then(pl.lit("from")).otherwise(pl.col("role")),
        direction=pl.when(pl.col("_mult") | pl.col("_to") | pl.col("_from")).then(pl.lit("increase")).otherwise(pl.col("direction")),
    ))


def _compared_over_time(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'72% in 2019 compared with 55% in 2015': the later-dated figure is `to`, the earlier `from`."""
    q = cues()
    # shares compare on one scale: 9% vs 'a fifth' (0.2)
    c = c.with_columns(_share=pl.when(pl.col("unit") == "percent").then(pl.col("value") / 100).otherwise(pl.col("value")))
    c = _neighbours(c, shadow, ("role", "_share", "unit"), 1)
    c = _neighbours(c, shadow, ("role", "_share"), -1)
    c = c.join(
        with_windows(c.select("doc_id", "s", "e"), shadow, width=60).select("doc_id", "s", pl.col("after").alias("_after")),
        on=["doc_id", "s"], how="left",
    )
    # the first figure's year, or 'now' (9999) when it has none: 'under 8% now, compared with a quarter in 2015'
    by_year = pl.col("_after").str.extract(q["compared_by_after"], 1).cast(pl.Int64, strict=False)
    first_year = pl.coalesce(
        pl.col("_gap1").str.extract(q["compared_gap"], 1).cast(pl.Int64, strict=False),
        pl.when(pl.col("_gap1").str.contains(q["compared_plain_gap"])).then(pl.lit(9999, dtype=pl.Int64)),
        pl.when(by_year.shift(-1).over("doc_id").is_not_null())
        .then(pl.col("_gap1").str.extract(q["compared_and_gap"], 1).cast(pl.Int64, strict=False)),
        pl.when(pl.col("_gap1").str.contains(q["earlier_gap"])).then(pl.lit(9999, dtype=pl.Int64)),
    )
    # the second figure's year; a time before the first figure's ('twelve months earlier') sorts before any year
    second_year = pl.coalesce(
        pl.col("_after").str.extract(q["compared_after"], 1).cast(pl.Int64, strict=False),
        pl.when(pl.col("_after").str.contains(q["compared_earlier_after"])).then(pl.lit(1, dtype=pl.Int64)),
        by_year,
        pl.when(pl.col("_gap-1").str.contains(q["earlier_gap"])).then(pl.lit(1, dtype=pl.Int64)),
    )
    c = c.with_columns(_fy=first_year, _sy=second_year)
    c = c.with_columns(_sy1=pl.col("_sy").shift(-1).over("doc_id"), _fy_prev=pl.col("_fy").shift(1).over("doc_id"))
    shares = ["percent", "fraction"]
    same_kind = (pl.col("_unit1") == pl.col("unit")) | (pl.col("_unit1").is_in(shares) & pl.col("unit").is_in(shares))
    lead = (pl.col("role") == "level") & (pl.col("_role1") == "level") & same_kind & (pl.col("_fy") != pl.col("_sy1"))
    # the trailing figure may already read as the end of a change ('..., a drop of 4 points'); the leading one may
    # be the end of a stated change ('fell to 8.9%, compared with 10.4% in 2022')
    trail = pl.col("role").is_in(["level", "to"]) & pl.col("_role-1").is_in(["level", "to"]) & (pl.col("_fy_prev") != pl.col("_sy"))
    lead = lead & pl.col("_fy").is_not_null() & pl.col("_sy1").is_not_null()
    trail = trail & pl.col("_fy_prev").is_not_null() & pl.col("_sy").is_not_null()
    lead_role = pl.when(pl.col("_fy") > pl.col("_sy1")).then(pl.lit("to")).otherwise(pl.lit("from"))
    trail_role = pl.when(pl.col("_fy_prev") > pl.col("_sy")).then(pl.lit("from")).otherwise(pl.lit("to"))
    lead_dir = pl.when(pl.col("_fy") > pl.col("_sy1")).then(_by_values(pl.col("__share1"), pl.col("_share"))).otherwise(
        _by_values(pl.col("_share"), pl.col("__share1"))
    )
    trail_dir = pl.when(pl.col("_fy_prev") > pl.col("_sy")).then(_by_values(pl.col("_share"), pl.col("__share-1"))).otherwise(
        _by_values(pl.col("__share-1"), pl.col("_share"))
    )
    return _drop_helpers(c.with_columns(
        role=pl.when(lead).then(lead_role).when(trail).then(trail_role).otherwise(pl.col("role")),
        direction=pl.when(lead).then(lead_dir).when(trail).then(trail_dir).otherwise(pl.col("direction")),
    ))


def _implicit_from(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'Last spring the mean was 26 ...; by autumn it had dropped to 18': a level figure just before a `to`
    figure with no `from`, linked by an anaphoric change ('it had fallen'), is the start of that change."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "unit", "rule_id"), 1)
    comparable = (pl.col("_unit1") == pl.col("unit")) | pl.col("_unit1").is_in(["count", "ratio"]) & pl.col("unit").is_in(["count", "ratio"])
    start = (pl.col("role") == "level") & (pl.col("_role1") == "to") & comparable & pl.col("_gap1").str.contains(q["anaphoric_change_gap"])
    return _drop_helpers(c.with_columns(role=pl.when(start).then(pl.lit("from")).otherwise(pl.col("role"))))


AGE_RULES = ("FIG-AGE-RANGE", "FIG-AGE-BOUND", "FIG-AGE-UNDER")
# every rule that reads an age ('aged 10 to 17', 'under-18s'): none of them is a comparator's partner
AGE_RULES_ALL = (*AGE_RULES, "FIG-AGE-BRACKET", "FIG-AGE-AGED", "FIG-AGE-OF")


def _implicit_to(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'At 70 per 10,000 the rate is still high, but down on its earlier figure of 75'; '... 65 per 10,000. The
    rate has climbed since 2015, when it stood at 60': a level figure just before a `from` figure that has no `to`
    of its own, in the same sentence or linked by an anaphoric change, is where that change arrived."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "unit"), 1)
    c = c.with_columns(
        _nrole2=pl.col("role").shift(-2).over("doc_id"),
        _ngap2=pl.when((pl.col("s").shift(-2).over("doc_id") - pl.col("e")) <= 250).then(pl.lit("")),
    )
    comparable = (pl.col("_unit1") == pl.col("unit")) | pl.col("_unit1").is_in(["count", "ratio"]) & pl.col("unit").is_in(["count", "ratio"])
    linked = ~pl.col("_gap1").str.contains(q["sentence_break"]) | pl.col("_gap1").str.contains(q["anaphoric_change_gap"])
    has_own_to = (pl.col("_nrole2") == "to") & pl.col("_ngap2").is_not_null()
    end = (pl.col("role") == "level") & (pl.col("_role1") == "from") & comparable & linked & ~has_own_to.fill_null(False)
    return _drop_helpers(c.with_columns(role=pl.when(end.fill_null(False)).then(pl.lit("to")).otherwise(pl.col("role"))))


def _ratio_comparators(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """A bare count compared, in the same sentence, with the ratio stated just before it takes the ratio's unit (and
    per-population denominator): 'a caseload of 22, against 18 nationally'; 'a spread from below 9 to over 30' (the
    second pass carries the unit along such a chain). Another figure in between breaks the comparison, but an age
    does not ('49 per 10,000 children aged under 18, below the England rate of 70'). A bare count named as a rate
    ('The rate for England was 151') takes the denominator of the last rate per population within 300 characters,
    and one just before a rate it is compared with ('to 105 from 94 per 10,000') that rate's denominator."""
    q = cues()
    ages = pl.col("rule_id").is_in(AGE_RULES_ALL)
    aged, c = c.filter(ages), c.filter(~ages)
    per_pop_den = pl.when(pl.col("rule_id") == "FIG-RATE-PER-POPULATION").then(digits_value("den")).otherwise(pl.lit(1.0))
    c = c.sort("doc_id", "s").with_columns(_den=pl.when((pl.col("unit") == "ratio") & ~pl.col("tbl_cell")).then(per_pop_den))
    c = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
    bare = (pl.col("rule_id") == "FIG-COUNT") & pl.col("scale").is_null() & (pl.col("unit") == "count") & ~pl.col("tbl_cell")
    # 'The rate for England and Wales was 151': the last rate per population's denominator
    pop = pl.col("per_pop") & (pl.col("_den") > 1.0)
    c = c.with_columns(
        _pden=pl.when(pop).then(pl.col("_den")).forward_fill().shift(1).over("doc_id"),
        _pe=pl.when(pop).then(pl.col("e")).forward_fill().shift(1).over("doc_id"),
    )
    before = pl.col("shadow").str.slice((pl.col("s") - 120).clip(0), pl.col("s") - (pl.col("s") - 120).clip(0)).str.to_lowercase()
    named = bare & (pl.col("unit") == "count") & pl.col("_pden").is_not_null() & ((pl.col("s") - pl.col("_pe")) <= 300)
    named = (named & before.str.contains(q["rate_named_before"])).fill_null(False)
    c = _as_ratio(c, named, pl.col("_pden"))
    c = c.with_columns(_cmp=pl.lit(False))
    for _ in range(2):
        c = c.with_columns(
            _re=pl.col("e").shift(1).over("doc_id"), _rden=pl.col("_den").shift(1).over("doc_id"),
            _rcmp=pl.col("_cmp").shift(1).over("doc_id").fill_null(False),
        )
        c = c.with_columns(
            _gap=pl.when((pl.col("s") - pl.col("_re")).is_between(0, 150))
            .then(pl.col("shadow").str.slice(pl.col("_re").fill_null(0), (pl.col("s") - pl.col("_re")).clip(0, 150)).str.to_lowercase())
        )
        compared = bare & pl.col("_rden").is_not_null() & ~pl.col("_gap").str.contains(q["sentence_break"])
        chained = pl.col("_rcmp") & pl.col("_gap").str.contains(q["ratio_chain_gap"])
        c = c.with_columns(_hit=(compared & (pl.col("_gap").str.contains(q["ratio_comparator_gap"]) | chained)).fill_null(False))
        c = _as_ratio(c, pl.col("_hit"), pl.col("_rden")).with_columns(_cmp=pl.col("_cmp") | pl.col("_hit"))
    # 'has risen to 105 from 94 per 10,000': a bare count just before the rate it is compared with
    c = c.with_columns(_ns=pl.col("s").shift(-1).over("doc_id"), _nden=pl.col("_den").shift(-1).over("doc_id"))
    gap = pl.col("shadow").str.slice(pl.col("e"), (pl.col("_ns") - pl.col("e")).clip(0, 40)).str.to_lowercase()
    ahead = (bare & (pl.col("_nden") > 1.0) & ((pl.col("_ns") - pl.col("e")) <= 40) & gap.str.contains(q["ratio_before_gap"])).fill_null(False)
    c = _as_ratio(c, ahead, pl.col("_nden"))
    return pl.concat([_drop_helpers(c.drop("shadow")), aged], how="diagonal_relaxed").sort("doc_id", "s")


def _inline_money(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Bare numbers after an inline unit label in the same sentence ('Partner contributions (£000s): Hull 1,790;
    Leeds 960') are money on that scale."""
    q = cues()
    c = c.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
    lo = (pl.col("s") - 220).clip(0)
    scale = pl.col("shadow").str.slice(lo, pl.col("s") - lo).str.extract(q["inline_money_before"], 1).str.to_lowercase()
    bare = (pl.col("rule_id") == "FIG-COUNT") & pl.col("scale").is_null() & (pl.col("unit") == "count") & ~pl.col("tbl_cell")
    c = c.with_columns(_iscale=pl.when(bare).then(scale))
    hit = pl.col("_iscale").is_not_null()
    return c.with_columns(
        value=pl.when(hit).then(pl.col("value") * lookup("_iscale", "money_scales", default=1.0)).otherwise(pl.col("value")),
        unit=pl.when(hit).then(pl.lit("GBP")).otherwise(pl.col("unit")),
    ).drop("shadow", "_iscale")


def _as_ratio(c: pl.DataFrame, hit: pl.Expr, den: pl.Expr) -> pl.DataFrame:
    """Rows where `hit` become ratios: value divided by `den`, a rate per population when `den` is not 1."""
    return c.with_columns(
        unit=pl.when(hit).then(pl.lit("ratio")).otherwise(pl.col("unit")),
        value=pl.when(hit).then(pl.col("value") / den).otherwise(pl.col("value")),
        per_pop=pl.col("per_pop") | (hit & (den != 1.0)),
        _den=pl.when(hit).then(den).otherwise(pl.col("_den")),
    )


PRINTED_RATIO_RULES = ("FIG-PER-WORKER", "FIG-PER-WORKER-LABEL", "FIG-CASELOAD")


def _to_of_same_unit(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """'7,380 children looked after, 9% of all, up from 7,290': a change from a count arrives at the count before it,
    not at the share in between (which stays a level)."""
    q = cues()
    kinds = {"percent": "share", "fraction": "share", "count": "number", "ratio": "number"}
    c = c.with_columns(_kind=pl.col("unit").replace(kinds))
    c = _neighbours(c, shadow, ("role", "_kind", "direction"), -1)
    c = _neighbours(c, shadow, ("role", "_kind"), -2)
    c = c.with_columns(_gap12=pl.col("_gap-1").shift(1).over("doc_id"))
    moved = (
        (pl.col("role") == "from") & (pl.col("_role-1") == "to") & (pl.col("__kind-1") != pl.col("_kind"))
        & pl.col("_role-2").is_in(["level", "to"]) & (pl.col("__kind-2") == pl.col("_kind"))
        & ~pl.col("_gap-1").str.contains(q["sentence_break"]) & ~pl.col("_gap12").str.contains(q["sentence_break"])
    ).fill_null(False)
    c = c.with_columns(_moved=moved, _mdir=pl.col("direction"))
    c = c.with_columns(
        _demote=pl.col("_moved").shift(-1).over("doc_id").fill_null(False),
        _promote=pl.col("_moved").shift(-2).over("doc_id").fill_null(False),
        _pdir=pl.col("_mdir").shift(-2).over("doc_id"),
    )
    return _drop_helpers(c.with_columns(
        role=pl.when(pl.col("_promote")).then(pl.lit("to")).when(pl.col("_demote")).then(pl.lit("level")).otherwise(pl.col("role")),
        direction=pl.when(pl.col("_promote")).then(pl.col("_pdir")).when(pl.col("_demote")).then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("direction")),
    ))


def _pair_from_to(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """A 'from' figure followed within 100 characters of the same sentence by a 'to' figure: direction by their
    values; a bare count endpoint takes the printed-ratio unit of its partner ('30 children per social worker ...
    to 17')."""
    q = cues()
    c = _neighbours(c, shadow, ("role",), 1, tag="p")
    c = _neighbours(c, shadow, ("role",), -1, tag="p")
    # a 'to' in the next sentence is this 'from's partner unless it has its own 'from' right after it ('Referrals
    # rose to 512, up from 480')
    c = c.with_columns(_nnr=pl.col("role").shift(-2).over("doc_id"), _ppr=pl.col("role").shift(-1).over("doc_id"))
    c = c.with_columns(
        _split_next=(pl.col("_pgap1").str.contains(q["full_stop_break"]) & (pl.col("_nnr") == "from")).fill_null(False),
        _split_prev=(pl.col("_pgap-1").str.contains(q["full_stop_break"]) & (pl.col("_ppr") == "from")).fill_null(False),
    )
    # compare on one scale so that a percentage and a fraction can be endpoints of one change
    c = c.with_columns(_v=pl.when(pl.col("unit") == "percent").then(pl.col("value") / 100).otherwise(pl.col("value")))
    c = c.sort("doc_id", "s").with_columns(
        _nr=pl.col("role").shift(-1).over("doc_id"),
        _nv=pl.col("_v").shift(-1).over("doc_id"),
        _ns=pl.col("s").shift(-1).over("doc_id"),
        _nu=pl.col("unit").shift(-1).over("doc_id"),
        _nrule=pl.col("rule_id").shift(-1).over("doc_id"),
        _pr=pl.col("role").shift(1).over("doc_id"),
        _pv=pl.col("_v").shift(1).over("doc_id"),
        _pe=pl.col("e").shift(1).over("doc_id"),
        _pu=pl.col("unit").shift(1).over("doc_id"),
        _prule=pl.col("rule_id").shift(1).over("doc_id"),
        _pd=pl.col("direction").shift(1).over("doc_id"),
    )
    kinds = {"percent": "share", "fraction": "share", "count": "number", "ratio": "number"}
    # a per-population rate (71 per 10,000 = 0.0071) is on another scale than a count
    c = c.with_columns(
        _kind=pl.when(pl.col("per_pop")).then(pl.lit("rate")).otherwise(pl.col("unit").replace(kinds))
    ).with_columns(_nk=pl.col("_kind").shift(-1).over("doc_id"), _pk=pl.col("_kind").shift(1).over("doc_id"))
    near_next = ((pl.col("_ns") - pl.col("e")) < 100) & (pl.col("_nk") == pl.col("_kind")) & ~pl.col("_split_next")
    near_prev = ((pl.col("s") - pl.col("_pe")) < 100) & (pl.col("_pk") == pl.col("_kind")) & ~pl.col("_split_prev")
    as_from = ((pl.col("role") == "from") & (pl.col("_nr") == "to") & near_next).fill_null(False)
    as_to = ((pl.col("role") == "to") & (pl.col("_pr") == "from") & near_prev).fill_null(False)
    # reversed order: '16 per social worker, down from 23'
    to_first = ((pl.col("role") == "to") & (pl.col("_nr") == "from") & near_next & ~as_to).fill_null(False)
    from_last = ((pl.col("role") == "from") & (pl.col("_pr") == "to") & near_prev & ~as_from).fill_null(False)
    count = pl.col("unit") == "count"
    unit = (
        pl.when((as_from | to_first) & count & pl.col("_nrule").is_in(PRINTED_RATIO_RULES)).then(pl.lit("ratio"))
        .when((as_to | from_last) & count & pl.col("_prule").is_in(PRINTED_RATIO_RULES)).then(pl.lit("ratio"))
        .otherwise(pl.col("unit"))
    )
    pair_dir_from = pl.coalesce(_by_values(pl.col("_v"), pl.col("_nv")), pl.col("direction"))
    pair_dir_to = pl.coalesce(_by_values(pl.col("_pv"), pl.col("_v")), pl.col("direction"), pl.col("_pd"))
    return _drop_helpers(c.with_columns(
        direction=pl.when(as_from).then(pair_dir_from).when(as_to).then(pair_dir_to)
        .when(to_first).then(pl.coalesce(_by_values(pl.col("_nv"), pl.col("_v")), pl.col("direction")))
        .when(from_last).then(pl.coalesce(_by_values(pl.col("_v"), pl.col("_pv")), pl.col("direction")))
        .otherwise(pl.col("direction")),
        unit=unit,
    ))


def _difference_of_percents(c: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """A '%' figure that equals the difference of the two percentages stated next to it is in percentage
    points: 'grew by 4%, from 31% to 35%'; '9% ... cities (30%) compared to shires (21%)'."""
    q = cues()
    c = _neighbours(c, shadow, ("role", "value", "unit"), 1)
    c = _neighbours(c, shadow, ("role", "value", "unit"), 2)
    pct = (pl.col("unit") == "percent") & (pl.col("_unit1") == "percent") & (pl.col("_unit2") == "percent")
    diff = (pl.col("_value2") - pl.col("_value1"))
    change_pp = pct & (pl.col("role") == "change") & (pl.col("_role1") == "from") & (pl.col("_role2") == "to") & (
        (diff.abs() - pl.col("value").abs()).abs() <= 0.5
    )
    level_pp = pct & (pl.col("role") == "level") & pl.col("_gap2").str.contains(q["difference_gap"]) & (
        (diff.abs() - pl.col("value")).abs() <= 0.5
    ) & (pl.col("value") < pl.max_horizontal(pl.col("_value1"), pl.col("_value2")))
    return _drop_helpers(c.with_columns(
        unit=pl.when(change_pp | level_pp).then(pl.lit("percentage_point")).otherwise(pl.col("unit")),
        role=pl.when(level_pp).then(pl.lit("other")).otherwise(pl.col("role")),
    ))


def extract_figures(
    shadow: pl.DataFrame,
    breaks: pl.DataFrame,
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    periods_shadow: pl.DataFrame,
) -> pl.DataFrame:
    """The figures table (contract columns plus rule_id, sentence_id, s, e) for the given documents."""
    c = candidates(shadow, periods_shadow)
    c = _inline_money(_ratio_comparators(layout(c, documents, breaks), shadow), shadow)
    c = table_roles(attributes(c, shadow))
    c = attach_sentence(to_original(c, breaks), sentences)
    c = with_span_text(c, documents)
    c = c.with_columns(
        figure_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-F") + pl.col("start").cast(pl.String).str.zfill(7),
    )
    return c.select(*COLUMNS, "s", "e").sort("doc_id", "start")
