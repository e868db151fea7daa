"""Consistency checks over warehouse frames (pure: frames in, the checks frame out).

One module per check kind, each a function of prepared figure rows and claims:
partition_sum (partition.py), change_consistency (change.py), derived_ratio (ratio.py),
duration_consistency (duration.py), cross_reference (crossref.py), range (range.py).
Cues and the tolerance policy are data in transform/reference/check_rules.yaml (policy.py).

:func:`compute_checks` is called per batch by transform.pipeline and again by the flow over
the merged warehouse, so checks across documents appear whichever document came first and
vanish when one is removed.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from transform.checks.change import change_checks, restated_state_checks, signed_change_checks
from transform.checks.common import CHECK_COLUMNS, Check, checks_frame, empty_checks
from transform.checks.crossref import crossref_checks
from transform.checks.duration import duration_checks
from transform.checks.partition import line_list_checks, share_set_checks, sum_back_checks
from transform.checks.policy import measure_of, with_intervals
from transform.checks.prose import prose_checks
from transform.checks.range import range_checks
from transform.checks.tables import document_tables, table_checks, with_layout
from transform.checks.ratio import comparison_checks, share_checks, share_of_all_checks

__all__ = ["CHECK_COLUMNS", "compute_checks", "empty_checks", "prepare_figures"]

MEASURE_BEFORE_CHARS = 90


def prepare_figures(figures: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Figures with their rounding interval, sentence bounds and measure."""
    sent = sentences.select("sentence_id", pl.col("start").alias("sentence_start"), pl.col("end").alias("sentence_end"))
    out = with_intervals(figures).join(sent, on="sentence_id", how="left").with_columns(
        pl.col("sentence_start").fill_null(pl.col("start")),
        pl.col("sentence_end").fill_null(pl.col("end")),
        pl.col("sentence_id").fill_null(pl.col("figure_id")),
    )
    texts = dict(documents.select("doc_id", "text").iter_rows())
    measures = [
        measure_of(texts.get(d, "")[max(ss, s - MEASURE_BEFORE_CHARS) : s]) or measure_of(m)
        for d, s, ss, m in out.select("doc_id", "start", "sentence_start", "metric").iter_rows()
    ]
    return out.with_columns(pl.Series("measure", measures, dtype=pl.String)).sort("doc_id", "start")


def compute_checks(
    figures: pl.DataFrame, claims: pl.DataFrame, periods: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame
) -> pl.DataFrame:
    """Every consistency check of the given tables (one row per check, schema CHECK_COLUMNS)."""
    docs = documents.filter(pl.col("status") == "ok") if "status" in documents.columns else documents
    figures = figures.filter(pl.col("doc_id").is_in(docs["doc_id"].implode()))
    if figures.is_empty():
        return empty_checks()
    prepared = prepare_figures(figures, sentences, docs)
    texts = dict(docs.select("doc_id", "text").iter_rows())
    figs = {r["figure_id"]: r for r in prepared.iter_rows(named=True)}
    by_sentence: dict[str, list[dict]] = defaultdict(list)
    doc_figs: dict[str, list[dict]] = defaultdict(list)
    for f in figs.values():
        by_sentence[f["sentence_id"]].append(f)
        doc_figs[f["doc_id"]].append(f)
    tables = document_tables(texts, doc_figs)
    prepared = with_layout(prepared, figs, texts, tables)
    sentence_order = {
        d: g.sort("start")["sentence_id"].to_list() for (d,), g in sentences.group_by(["doc_id"])
    }
    comparison_ids = set(claims.filter(pl.col("kind") == "comparison")["main_figure_id"].to_list())
    checks: list[Check] = []
    checks += change_checks(claims, figs, texts)
    checks += signed_change_checks(prepared)
    checks += comparison_checks(claims, figs, by_sentence, sentence_order, doc_figs, texts)
    checks += share_checks(claims, figs, by_sentence, texts)
    checks += share_of_all_checks(figs, doc_figs, texts)
    checks += restated_state_checks(figs, doc_figs, texts)
    checks += duration_checks(claims, figs, periods, texts)
    for sfigs in by_sentence.values():
        sfigs.sort(key=lambda f: f["start"])
        text = texts.get(sfigs[0]["doc_id"], "")
        checks += share_set_checks(text, sfigs, comparison_ids)
    for doc_id, dfigs in doc_figs.items():
        checks += line_list_checks(texts.get(doc_id, ""), dfigs)
    for doc_id, order in sentence_order.items():
        for prev_id, sid in zip(order, order[1:]):
            if sid in by_sentence and prev_id in by_sentence:
                checks += sum_back_checks(texts.get(doc_id, ""), by_sentence[sid], by_sentence[prev_id])
    checks += table_checks(tables)
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for d, sid, a, b in sentences.sort("doc_id", "start").select("doc_id", "sentence_id", "start", "end").iter_rows():
        spans[d].append((sid, a, b))
    checks += prose_checks(texts, doc_figs, spans)
    checks += crossref_checks(prepared, figs, periods, texts, _endpoint_partners(claims))
    checks += range_checks(prepared, texts)
    return checks_frame(one_per_relation(checks)).sort("check_id")


VERDICT_RANK = {"fail": 0, "pass": 1, "unverifiable": 2}


def one_per_relation(checks: list[Check]) -> list[Check]:
    """One check per relation (kind and set of figures) when several rules find it: the most
    decided verdict (a strongly bound fail, then a pass, then unverifiable), the first found on
    ties; none that involves page furniture."""
    best: dict[tuple[str, frozenset[str]], Check] = {}
    for c in checks:
        if any(f.get("layout") == "furniture" for f in c.figures):
            continue  # page numbers, list numbers, web addresses take part in no check
        key = (c.kind, frozenset(f["figure_id"] for f in c.figures))
        if key not in best or VERDICT_RANK[c.verdict] < VERDICT_RANK[best[key].verdict]:
            best[key] = c
    return list(best.values())


def _endpoint_partners(claims: pl.DataFrame) -> dict[str, list[str]]:
    """figure id of a from/to endpoint -> the other endpoint(s) of its change claim."""
    out: dict[str, list[str]] = {}
    for f, t in claims.filter(pl.col("kind") == "change").select("from_figure_id", "to_figure_id").iter_rows():
        if f and t:
            out[f] = [t]
            out[t] = [f]
    return out
