"""Ofsted ratings: a judgement word in rating context, attributed to a council.

Attribution: every council mentioned in the same sentence; otherwise the council
mentioned last within RECENT_CHARS before the sentence ('the council was rated good'),
unless the sentence speaks of a group ('three of the authorities were rated').
`when` is the period nearest to the rating word in the same sentence.
A rating joined to the previous one by 'or' ('rated Good or Outstanding') is a floor, not a
second judgement: only the first is kept.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from transform.reference_data import load_yaml
from transform.rules import rules_for
from transform.scan import drop_overlaps, scan

RECENT_CHARS = 1200
CONTEXT = r"(?i)\b(?:ofsted|inspect\w*|rated|rating|ratings|judge\w*|judgement\w*|grade\w*|ranked)\b"
COLUMNS = ["rating_id", "doc_id", "start", "end", "text", "authority", "gss_code", "rating", "when", "rule_id", "sentence_id"]


@lru_cache(maxsize=1)
def _ref() -> dict:
    return load_yaml("rating_rules.yaml")


def extract_ratings(
    shadow: pl.DataFrame,
    breaks: pl.DataFrame,
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    authorities: pl.DataFrame,
    periods: pl.DataFrame,
) -> pl.DataFrame:
    """The ratings table: one row per (judgement, council); span = the sentence."""
    ref = _ref()
    c = drop_overlaps(scan(shadow, rules_for("ratings")))
    words = {k: v for k, v in ref["rating_words"].items()}
    c = c.with_columns(
        rating=pl.col("rating").str.to_lowercase().str.replace_all(r"\s+", " ").replace_strict(words, default=None)
    ).filter(pl.col("rating").is_not_null())
    sents = sentences.select("doc_id", "sentence_id", pl.col("s").alias("ss"), pl.col("e").alias("se"), pl.col("start").alias("sent_start"), pl.col("end").alias("sent_end"), pl.col("text").alias("sent_text"))
    c = c.sort("s").join_asof(sents.sort("ss"), left_on="s", right_on="ss", by="doc_id", strategy="backward", check_sortedness=False)
    needs_ctx = pl.col("rule_id").is_in([r.id for r in rules_for("ratings") if r.attrs.get("needs_context")])
    c = c.filter(~needs_ctx | pl.col("sent_text").str.contains(CONTEXT))
    # 'Good' or 'Outstanding': keep the first only
    c = c.sort("doc_id", "s").with_columns(_pe=pl.col("e").shift(1).over("doc_id", "sentence_id"))
    c = c.join(shadow, on="doc_id", how="left").with_columns(
        _gap=pl.col("shadow").str.slice(pl.col("_pe").fill_null(0), (pl.col("s") - pl.col("_pe").fill_null(0)).clip(0, 8))
    )
    c = c.filter(~(pl.col("_pe").is_not_null() & pl.col("_gap").str.contains(r"^\W*\s(?:or|and/or)\s\W*$"))).drop("shadow", "_gap", "_pe")
    # councils in the same sentence
    auth = authorities.select("doc_id", "sentence_id", "canonical", "gss_code", pl.col("start").alias("a_start"))
    same = c.join(auth.drop_nulls("sentence_id"), on=["doc_id", "sentence_id"], how="inner").unique(["doc_id", "s", "canonical"])
    # otherwise the council mentioned last before the sentence
    alone = c.join(same.select("doc_id", "s").unique(), on=["doc_id", "s"], how="anti")
    alone = alone.filter(~pl.col("sent_text").str.contains(ref["group_nouns"]))
    recent = alone.sort("sent_start").join_asof(
        auth.sort("a_start"), left_on="sent_start", right_on="a_start", by="doc_id", strategy="backward", check_sortedness=False
    ).filter(pl.col("canonical").is_not_null() & ((pl.col("sent_start") - pl.col("a_start")) <= RECENT_CHARS))
    rated = pl.concat([same.drop("sentence_id_right", strict=False), recent.drop("sentence_id_right", strict=False)], how="diagonal_relaxed")
    when = _nearest_period(rated, periods)
    out = when.with_columns(
        start=pl.col("sent_start"),
        end=pl.col("sent_end"),
        text=pl.col("sent_text"),
        authority=pl.col("canonical"),
        rating_id=pl.col("doc_id").str.slice(0, 16)
        + pl.lit("-R")
        + pl.col("s").cast(pl.String).str.zfill(7)
        + pl.lit("-")
        + pl.col("gss_code").fill_null(pl.col("canonical")),
    )
    return out.select(*COLUMNS, "s", "e").unique("rating_id").sort("doc_id", "start", "rating_id")


def _nearest_period(rated: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """Add `when`: text of the dated period closest to the rating word in its sentence."""
    dated = periods.filter(pl.col("start_date").is_not_null()).select("sentence_id", pl.col("s").alias("p_s"), pl.col("text").alias("p_text"))
    cand = rated.select("doc_id", "s", "sentence_id").unique().join(dated, on="sentence_id", how="inner")
    best = (
        cand.with_columns(_d=(pl.col("p_s") - pl.col("s")).abs())
        .sort("_d")
        .group_by("doc_id", "s")
        .agg(pl.col("p_text").first().alias("when"))
    )
    return rated.join(best, on=["doc_id", "s"], how="left")
