"""All transforms of a batch of documents: documents frame in, one frame per table out."""

from __future__ import annotations

import polars as pl

from transform.authorities import extract_authorities
from transform.checks import compute_checks
from transform.claims import build_claims
from transform.figure_context import add_figure_context
from transform.figures import extract_figures
from transform.groups import extract_groups
from transform.inspections import extract_inspections, merge_judgements
from transform.periods import extract_periods, periods_in_shadow
from transform.ratings import extract_ratings
from transform.sentences import sentences_frame
from transform.shadow import shadow_frame

OUTPUT_TABLES = ("sentences", "figures", "periods", "authority_mentions", "group_mentions", "ratings", "inspections", "claims", "checks")


def transform_documents(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Sentences, figures, periods, authority and group mentions, ratings, inspections, claims and consistency
    checks of documents with status ok (checks within the batch; the flow recomputes them over
    the whole warehouse with :func:`recompute_checks` so checks across documents are complete).

    Pure: the result depends only on `documents` (doc_id, text, status) and the reference
    data. Working columns (`s`, `e`: shadow offsets) are dropped from the outputs.
    """
    shadow, breaks = shadow_frame(documents)
    sentences = sentences_frame(shadow, breaks, documents)
    periods_sh = periods_in_shadow(shadow)
    periods = extract_periods(periods_sh, breaks, documents, sentences)
    figures = extract_figures(shadow, breaks, documents, sentences, periods_sh)
    authorities = extract_authorities(shadow, breaks, documents, sentences)
    groups = extract_groups(shadow, breaks, documents, sentences, authorities)
    figures = add_figure_context(figures, shadow, sentences, authorities, groups, periods)
    ratings = extract_ratings(shadow, breaks, documents, sentences, authorities, periods)
    inspections, judgements = extract_inspections(documents, authorities)
    ratings = merge_judgements(ratings, judgements, sentences, breaks)
    figures = figures.drop([c for c in ("s", "e") if c in figures.columns])
    claims = build_claims(figures, sentences, documents)
    checks = compute_checks(figures, claims, periods, sentences, documents)
    out = {
        "sentences": sentences,
        "figures": figures,
        "periods": periods,
        "authority_mentions": authorities,
        "group_mentions": groups,
        "ratings": ratings,
        "inspections": inspections,
        "claims": claims,
        "checks": checks,
    }
    return {k: v.drop([c for c in ("s", "e") if c in v.columns]) for k, v in out.items()}


def recompute_checks(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The checks of a whole warehouse state (pure): every relation within and across its documents."""
    return compute_checks(tables["figures"], tables["claims"], tables["periods"], tables["sentences"], tables["documents"])


FAILED_KEY = "_failed"


def transform_isolated(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Transform a batch in one go; if that raises, find the documents that fail on their own, record each with
    the error as reason, and transform the rest together. The result has the output tables plus FAILED_KEY."""
    failed_schema = {"doc_id": pl.String, "reason": pl.String}
    try:
        return {**transform_documents(documents), FAILED_KEY: pl.DataFrame(schema=failed_schema)}
    except Exception:  # noqa: BLE001 - any failure is isolated below, document by document
        pass
    failed: list[dict[str, str]] = []
    for doc_id in documents.filter(pl.col("status") == "ok")["doc_id"].to_list():
        try:
            transform_documents(documents.filter(pl.col("doc_id") == doc_id))
        except Exception as exc:  # noqa: BLE001 - recorded as the document's quarantine reason
            failed.append({"doc_id": doc_id, "reason": f"transform failed: {type(exc).__name__}: {str(exc)[:300]}"})
    bad = pl.DataFrame(failed, schema=failed_schema)
    return {**transform_documents(documents.filter(~pl.col("doc_id").is_in(bad["doc_id"].implode()))), FAILED_KEY: bad}
