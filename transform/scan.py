"""Regex scanning of shadow texts, and table-shaped span utilities (overlaps, windows).

`scan` is the only per-document loop of the transforms: the regex engine walks each text
once per rule and emits one row per match. Everything after it is Polars expressions.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transform.rules import Rule

SPAN_SCHEMA = {"doc_id": pl.String, "rule_id": pl.String, "priority": pl.Int64, "s": pl.Int64, "e": pl.Int64, "match": pl.String}


def scan(shadow: pl.DataFrame, rules: Sequence[Rule], match_start: bool = False) -> pl.DataFrame:
    """One row per regex match: doc_id, rule_id, priority, s, e (shadow offsets), match, and named groups;
    with `match_start`, also `ms`: where the whole match starts (its context before the span)."""
    cols: dict[str, list] = {k: [] for k in SPAN_SCHEMA}
    starts: list[int] = []
    groups: dict[str, list] = {}
    compiled = [(r, r.compiled()) for r in rules]
    for name in {g for _, p in compiled for g in p.groupindex if g != "span"}:
        groups[name] = []
    for doc_id, text in shadow.select("doc_id", "shadow").iter_rows():
        for rule, pat in compiled:
            for m in pat.finditer(text):
                if "span" in pat.groupindex and m.start("span") >= 0:
                    s, e = m.span("span")
                else:
                    s, e = m.span()
                if e <= s:
                    continue
                cols["doc_id"].append(doc_id)
                cols["rule_id"].append(rule.id)
                cols["priority"].append(rule.priority)
                cols["s"].append(s)
                cols["e"].append(e)
                cols["match"].append(text[s:e])
                starts.append(m.start())
                gd = m.groupdict()
                for g in groups:
                    groups[g].append(gd.get(g))
    schema = dict(SPAN_SCHEMA) | {g: pl.String for g in sorted(groups)}
    out = pl.DataFrame(cols | groups, schema=schema)
    return out.with_columns(ms=pl.Series(starts, dtype=pl.Int64)) if match_start else out


def drop_overlaps(spans: pl.DataFrame) -> pl.DataFrame:
    """Keep non-overlapping spans per document, leftmost-longest (then highest priority) first."""
    if spans.is_empty():
        return spans
    ranked = spans.sort(["doc_id", "s", "e", "priority"], descending=[False, False, True, True])
    ranked = ranked.with_columns(_prev_end=pl.col("e").cum_max().shift(1).over("doc_id"))
    return ranked.filter(pl.col("_prev_end").is_null() | (pl.col("s") >= pl.col("_prev_end"))).drop("_prev_end")


def overlaps_any(spans: pl.DataFrame, blockers: pl.DataFrame) -> pl.Series:
    """Boolean per span row: does it overlap any blocker span (same doc, shadow offsets s/e)?"""
    if blockers.is_empty() or spans.is_empty():
        return pl.Series("blocked", [False] * spans.height, dtype=pl.Boolean)
    merged = merge_intervals(blockers.select("doc_id", "s", "e"))
    keyed = spans.select("doc_id", "s", "e").with_row_index("_row").sort("s")
    back = keyed.join_asof(
        merged.rename({"s": "_bs", "e": "_be"}), left_on="s", right_on="_bs", by="doc_id", strategy="backward", check_sortedness=False
    )
    fwd = back.sort("s").join_asof(
        merged.rename({"s": "_fs", "e": "_fe"}), left_on="s", right_on="_fs", by="doc_id", strategy="forward", check_sortedness=False
    )
    hit = fwd.with_columns(
        blocked=(pl.col("_be").fill_null(-1) > pl.col("s")) | (pl.col("_fs").fill_null(2**62) < pl.col("e"))
    ).sort("_row")
    return hit["blocked"]


def merge_intervals(spans: pl.DataFrame) -> pl.DataFrame:
    """Union of overlapping intervals per document (doc_id, s, e)."""
    if spans.is_empty():
        return spans
    s = spans.sort("doc_id", "s").with_columns(_prev_max=pl.col("e").cum_max().shift(1).over("doc_id"))
    s = s.with_columns(_new=(pl.col("_prev_max").is_null() | (pl.col("s") >= pl.col("_prev_max"))).cast(pl.Int64))
    s = s.with_columns(_grp=pl.col("_new").cum_sum().over("doc_id"))
    return s.group_by("doc_id", "_grp").agg(pl.col("s").min(), pl.col("e").max()).drop("_grp").sort("doc_id", "s")


def with_windows(spans: pl.DataFrame, shadow: pl.DataFrame, width: int = 80) -> pl.DataFrame:
    """Add `before`/`after`: up to `width` shadow characters around each span (lower-cased)."""
    return (
        spans.join(shadow.select("doc_id", "shadow"), on="doc_id", how="left")
        .with_columns(
            before=pl.col("shadow")
            .str.slice(pl.max_horizontal(pl.col("s") - width, pl.lit(0)), pl.min_horizontal(pl.col("s"), pl.lit(width)))
            .str.to_lowercase(),
            after=pl.col("shadow").str.slice(pl.col("e"), width).str.to_lowercase(),
        )
        .drop("shadow")
    )
