"""Figure context: what a figure measures (`metric`), whom it is about (`subject`,
`subject_kind`) and which period scopes it (`period_id`).

- metric: rules in reference/metric_rules.yaml. The text around the figure (inside its
  sentence) is cut into tokens, each token gets a one-letter tag from word lists (verb,
  determiner, preposition, ...), and each rule is a regular expression over the tag string
  that marks the noun phrase ("626 children in care", "the vacancy rate rose to 17%").
- subject: a council or group named right after the figure as its place ('15% in counties')
  first; otherwise the council (its GSS code, else its canonical name) mentioned in the same
  sentence, the nearest one before the figure first, else the nearest after it; otherwise the
  canonical name of a group mentioned in the same sentence (same preference); else null.
- period_id: the period in the same sentence that scopes the figure: one written right after it
  ('20,260 in 2016-17') first, then one before the figure introduced by 'in/during/for/by/
  since ...' or one shortly after it, then the nearest (reference/figure_context.yaml).

Everything is Polars: windows are string slices, tags come from list evaluation, subjects
from as-of joins on (doc_id, sentence_id), periods from a sentence join ranked per figure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict

from transform.reference_data import load_yaml
from transform.rules import Examples

CONTEXT_COLUMNS = ["metric", "metric_rule_id", "subject", "subject_kind", "period_id"]
SUBJECT_KINDS = ("authority", "group")
TOKEN_RE = r"[A-Za-z][A-Za-z’'\-]*|\d[\d,./–\-]*[A-Za-z]*|\n|\S"
TAG_ORDER = ("O", "P", "D", "K", "V", "A", "Q", "B", "C", "N")


class MetricRule(BaseModel):
    """One metric rule: a tag-string pattern on one side of the figure, with golden examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    description: str
    side: Literal["after", "before"]
    metric: str
    lead: str = ""
    pre: str = ""
    tail: str = ""
    units: tuple[str, ...] | None = None
    not_units: tuple[str, ...] = ()
    examples: Examples

    def tag_pattern(self) -> str:
        """The rule as a regular expression over tag strings (named groups lead/m/tail)."""
        if self.side == "after":
            return f"^(?P<lead>{_macros(self.lead)})(?P<m>{_macros(self.metric)})"
        pre = f"(?:{_macros(self.pre)})" if self.pre else ""
        return f"{pre}(?P<m>{_macros(self.metric)})(?P<tail>{_macros(self.tail)})$"


def _macros(pattern: str) -> str:
    """Expand <NAME> macros of metric_rules.yaml (macros may use macros)."""
    macros = metric_reference()["macros"]
    for _ in range(5):
        pattern = re.sub(r"<(\w+)>", lambda m: f"(?:{macros[m.group(1)]})", pattern)
    return pattern


@lru_cache(maxsize=1)
def metric_reference() -> dict[str, Any]:
    """The parsed metric_rules.yaml (window, macros, tag word lists, generic metrics, rules)."""
    return load_yaml("metric_rules.yaml")


@lru_cache(maxsize=1)
def metric_rules() -> tuple[MetricRule, ...]:
    """The metric rules in the order they are tried."""
    return tuple(MetricRule.model_validate(r) for r in metric_reference()["rules"])


@lru_cache(maxsize=1)
def _context_reference() -> dict[str, Any]:
    return load_yaml("figure_context.yaml")


# --- metric ---------------------------------------------------------------------------------


def _tag(token: pl.Expr) -> pl.Expr:
    """One-letter tag of a token (see reference/metric_rules.yaml)."""
    words = metric_reference()["tag_words"]
    lower = token.str.to_lowercase()
    months = [w.title() for w in words["T"]]
    expr: Any = (
        pl.when(token.str.contains(r"^[A-Za-z]")).then(pl.lit("W"))
        .when(token.str.contains(r"^\d")).then(pl.lit("N"))
        .when(token == ":").then(pl.lit("L"))
        .otherwise(pl.lit("X"))
    )
    for tag in reversed(TAG_ORDER):
        expr = pl.when(lower.is_in(list(words[tag]))).then(pl.lit(tag)).otherwise(expr)
    word = token.str.contains(r"^[A-Za-z]") & ~lower.is_in([w for tag in TAG_ORDER for w in words[tag]])
    adverb = word & lower.str.contains(r"^[a-z]{3,}ly$") & ~lower.is_in([str(w) for w in metric_reference()["not_adverbs"]])
    participle = word & lower.str.contains(r"^[a-z][a-z-]{2,}ed$") & ~lower.str.ends_with("eed")
    return (
        pl.when(token.is_in(months)).then(pl.lit("T"))
        .when(adverb).then(pl.lit("C"))
        .when(participle).then(pl.lit("E"))
        .otherwise(expr)
    )


def _cased(text: pl.Expr) -> pl.Expr:
    """Lower case except acronyms ('CCN member Councils' -> 'CCN member councils'); all-caps text is lowered."""
    lowered = text.str.split(" ").list.eval(
        pl.when(pl.element().str.contains(r"[A-Z].*[A-Z]"))
        .then(pl.element())
        .otherwise(pl.element().str.to_lowercase())
    ).list.join(" ")
    out = pl.when(text == text.str.to_uppercase()).then(text.str.to_lowercase()).otherwise(lowered)
    return out.str.strip_chars("’'-")


@lru_cache(maxsize=1)
def _place_keys() -> list[str]:
    """Normalised names of places a metric must not end with: councils and reference places."""
    from transform.authorities import gazetteer, name_key

    extra = pl.DataFrame({"form": [str(p) for p in metric_reference()["places"]]})
    keys = pl.concat([gazetteer().select("form"), extra]).select(name_key(pl.col("form")).alias("key"))
    return keys["key"].unique().sort().to_list()


def _without_place(text: pl.Expr) -> pl.Expr:
    """Drop a trailing 'in <council or place>' ('vacancy rate in Leeds' -> 'vacancy rate')."""
    from transform.authorities import name_key

    preps = "|".join(metric_reference()["place_prepositions"])
    parts = text.str.extract_groups(
        rf"^(?P<head>.+?)\s(?:{preps})\s(?:the\s)?(?P<place>[A-Z][^\s]*(?:\s(?:and\s|of\s|upon\s|on\s)?[A-Z][^\s]*)*)$"
    )
    is_place = name_key(parts.struct.field("place")).is_in(_place_keys())
    return pl.when(is_place.fill_null(False)).then(parts.struct.field("head")).otherwise(text)


def _windows(figures: pl.DataFrame, shadow: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `win_after`/`win_before`: shadow text after/before each figure inside its sentence."""
    width = int(metric_reference()["window"])
    sents = sentences.select("sentence_id", pl.col("s").alias("_ss"), pl.col("e").alias("_se"))
    f = figures.join(sents, on="sentence_id", how="left").join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
    lo = pl.max_horizontal(pl.col("_ss").fill_null(0), pl.col("s") - width, pl.lit(0))
    hi = pl.min_horizontal(pl.col("_se").fill_null(pl.col("e") + width), pl.col("e") + width)
    before = pl.col("shadow").str.slice(lo, pl.col("s") - lo)
    truncated = (pl.col("s") - width) > pl.col("_ss").fill_null(0)
    return f.with_columns(
        win_after=pl.col("shadow").str.slice(pl.col("e"), (hi - pl.col("e")).clip(0)),
        win_before=pl.when(truncated).then(before.str.replace(r"^\S*\s", "")).otherwise(before),
    ).drop("_ss", "_se", "shadow")


def _rule_metric(rule: MetricRule) -> pl.Expr:
    """The metric one rule yields for each figure (null when it does not fire)."""
    side = "a" if rule.side == "after" else "b"
    tags, toks = pl.col(f"_tags_{side}"), pl.col(f"_tok_{side}")
    found = tags.str.extract_groups(rule.tag_pattern())
    length = found.struct.field("m").str.len_chars()
    if rule.side == "after":
        start = found.struct.field("lead").str.len_chars()
    else:
        start = tags.str.len_chars() - found.struct.field("tail").str.len_chars() - length
    metric = pl.when(length > 0).then(_cased(_without_place(toks.list.slice(start, length).list.join(" "))))
    generic = list(metric_reference()["generic_metrics"])
    informative = metric.str.split(" ").list.eval(~pl.element().is_in(generic)).list.any() & (
        metric.str.len_chars() >= int(metric_reference()["min_chars"])
    )
    applies = pl.lit(True)
    if rule.units is not None:
        applies = pl.col("unit").is_in(list(rule.units))
    if rule.not_units:
        applies = applies & ~pl.col("unit").is_in(list(rule.not_units))
    return pl.when(applies & informative).then(metric)


def add_metric(figures: pl.DataFrame, shadow: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `metric` and `metric_rule_id` (the first rule, in file order, that yields a metric)."""
    f = _windows(figures, shadow, sentences)
    f = f.with_columns(
        _tok_a=pl.col("win_after").str.extract_all(TOKEN_RE),
        _tok_b=pl.col("win_before").str.extract_all(TOKEN_RE),
    ).with_columns(
        _tags_a=pl.col("_tok_a").list.eval(_tag(pl.element())).list.join(""),
        _tags_b=pl.col("_tok_b").list.eval(_tag(pl.element())).list.join(""),
    )
    rules = metric_rules()
    f = f.with_columns([_rule_metric(r).alias(f"_m{i}") for i, r in enumerate(rules)])
    rule_id: Any = pl.lit(None, dtype=pl.String)
    for i, r in reversed(list(enumerate(rules))):
        rule_id = pl.when(pl.col(f"_m{i}").is_not_null()).then(pl.lit(r.id)).otherwise(rule_id)
    f = f.with_columns(
        metric=pl.coalesce([pl.col(f"_m{i}") for i in range(len(rules))]),
        metric_rule_id=rule_id,
    )
    return f.drop("win_after", "win_before", "_tok_a", "_tok_b", "_tags_a", "_tags_b", *[f"_m{i}" for i in range(len(rules))])


# --- subject --------------------------------------------------------------------------------


def _sentence_key(id_col: str) -> pl.Expr:
    """Sentence join key; rows outside any sentence get a key of their own (they match nothing)."""
    return pl.coalesce(pl.col("sentence_id"), pl.lit("~") + pl.col(id_col))


def _nearest_in_sentence(figures: pl.DataFrame, mentions: pl.DataFrame, value: pl.Expr, prefix: str) -> pl.DataFrame:
    """figure_id -> value of the nearest mention before (`<prefix>_b`) and after (`<prefix>_a`,
    starting at `<prefix>_as`) the figure in its sentence."""
    keys = figures.select("figure_id", "doc_id", "s", _sentence_key("figure_id").alias("_sk")).sort("s")
    cols = {f"{prefix}_b": pl.String, f"{prefix}_a": pl.String, f"{prefix}_as": pl.Int64}
    if mentions.is_empty():
        return keys.select("figure_id", *[pl.lit(None, dtype=t).alias(c) for c, t in cols.items()])
    m = mentions.select(
        "doc_id", pl.col("s").alias("_ms"), _sentence_key("mention_id").alias("_sk"), value.alias("_v")
    ).sort("_ms")
    back = keys.join_asof(m, left_on="s", right_on="_ms", by=["doc_id", "_sk"], strategy="backward", check_sortedness=False)
    fwd = keys.join_asof(m, left_on="s", right_on="_ms", by=["doc_id", "_sk"], strategy="forward", check_sortedness=False)
    return back.select("figure_id", pl.col("_v").alias(f"{prefix}_b")).join(
        fwd.select("figure_id", pl.col("_v").alias(f"{prefix}_a"), pl.col("_ms").alias(f"{prefix}_as")), on="figure_id", how="left"
    )


def add_subject(
    figures: pl.DataFrame, authorities: pl.DataFrame, groups: pl.DataFrame, shadow: pl.DataFrame
) -> pl.DataFrame:
    """Add `subject` and `subject_kind`.

    A council or group named right after the figure as its place ('15% in counties', '£640 in
    the shire counties') comes first; otherwise the council named in the sentence (GSS code,
    else canonical name; nearest before the figure, else nearest after), else the group.
    """
    located = _context_reference()["subject"]["located_after"]
    f = (
        figures.join(_nearest_in_sentence(figures, authorities, pl.coalesce("gss_code", "canonical"), "_au"), on="figure_id", how="left")
        .join(_nearest_in_sentence(figures, groups, pl.col("canonical"), "_gr"), on="figure_id", how="left")
        .join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
    )
    gap = lambda start: pl.col("shadow").str.slice(pl.col("e"), (pl.col(start) - pl.col("e")).clip(0, 30))  # noqa: E731
    au_here = pl.col("_au_a").is_not_null() & gap("_au_as").str.contains(located)
    gr_here = pl.col("_gr_a").is_not_null() & gap("_gr_as").str.contains(located)
    au = pl.coalesce("_au_b", "_au_a")
    gr = pl.coalesce("_gr_b", "_gr_a")
    auth, group = pl.lit(SUBJECT_KINDS[0]), pl.lit(SUBJECT_KINDS[1])
    f = f.with_columns(
        subject=pl.when(au_here).then(pl.col("_au_a")).when(gr_here).then(pl.col("_gr_a")).otherwise(pl.coalesce(au, gr)),
        subject_kind=pl.when(au_here).then(auth).when(gr_here).then(group)
        .when(au.is_not_null()).then(auth).when(gr.is_not_null()).then(group),
    )
    return f.drop("_au_b", "_au_a", "_au_as", "_gr_b", "_gr_a", "_gr_as", "shadow")


# --- period ---------------------------------------------------------------------------------


def add_period(figures: pl.DataFrame, periods: pl.DataFrame, shadow: pl.DataFrame) -> pl.DataFrame:
    """Add `period_id`: the period in the figure's sentence that scopes it (see module doc)."""
    ref = _context_reference()["period"]
    if periods.is_empty():
        return figures.with_columns(period_id=pl.lit(None, dtype=pl.String))
    p = periods.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left").with_columns(
        _pre=pl.col("shadow").str.slice((pl.col("s") - 20).clip(0), pl.min_horizontal(pl.col("s"), pl.lit(20))).str.to_lowercase()
    )
    p = p.select(
        "doc_id",
        "sentence_id",
        "period_id",
        pl.col("s").alias("_ps"),
        pl.col("e").alias("_pe"),
        _cue=pl.col("_pre").str.contains(ref["cue_before"]) | pl.col("text").str.to_lowercase().str.contains(ref["cue_in_span"]),
    ).drop_nulls("sentence_id")
    cand = figures.select("figure_id", "doc_id", "sentence_id", "s", "e").join(p, on=["doc_id", "sentence_id"], how="inner")
    cand = cand.filter((pl.col("_pe") <= pl.col("s")) | (pl.col("_ps") >= pl.col("e")))
    cand = cand.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
    before = pl.col("_pe") <= pl.col("s")
    gap = pl.when(before).then(pl.col("s") - pl.col("_pe")).otherwise(pl.col("_ps") - pl.col("e"))
    own = ~before & pl.col("shadow").str.slice(pl.col("e"), (pl.col("_ps") - pl.col("e")).clip(0, 30)).str.contains(ref["own_after"])
    preferred = (before & pl.col("_cue")) | (~before & (gap <= int(ref["close_after_chars"])))
    best = (
        cand.with_columns(_gap=gap, _rank=pl.when(own).then(0).when(preferred).then(1).otherwise(2))
        .sort("figure_id", "_rank", "_gap", "_ps")
        .unique("figure_id", keep="first", maintain_order=True)
        .select("figure_id", "period_id")
    )
    return figures.join(best, on="figure_id", how="left")


def add_figure_context(
    figures: pl.DataFrame,
    shadow: pl.DataFrame,
    sentences: pl.DataFrame,
    authorities: pl.DataFrame,
    groups: pl.DataFrame,
    periods: pl.DataFrame,
) -> pl.DataFrame:
    """The figures frame with metric, metric_rule_id, subject, subject_kind and period_id appended.

    All frames carry shadow offsets `s`/`e` and `sentence_id` (as the extractors return them).
    Row order and the existing columns are kept.
    """
    cols = [c for c in figures.columns if c not in CONTEXT_COLUMNS]
    f = figures.select(cols).with_row_index("_row")
    f = add_metric(f, shadow, sentences)
    f = add_subject(f, authorities, groups, shadow)
    f = add_period(f, periods, shadow)
    return f.sort("_row").select(*[c for c in cols if c not in ("s", "e")], *CONTEXT_COLUMNS, "s", "e")
