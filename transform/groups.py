"""Group mentions: references to groups of councils ("county councils", "London boroughs",
"three councils", "the tri-borough"), kept apart from single councils.

Rules live in reference/group_rules.yaml. A group match that overlaps an authority mention
is dropped (a council name wins), and so is one that starts right after a council name
('Kent and Surrey County Councils' are two councils, not the county type); then overlaps
between groups resolve leftmost-longest.
The canonical name is the rule's fixed `canonical` attribute, else the matched phrase
normalised (lower case, one space, no leading 'the', proper words capitalised).
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from transform.reference_data import load_yaml
from transform.rules import rules_for
from transform.scan import drop_overlaps, overlaps_any, scan
from transform.sentences import attach_sentence, with_span_text
from transform.shadow import to_original

COLUMNS = ["mention_id", "doc_id", "start", "end", "text", "canonical", "la_type", "rule_id", "sentence_id"]
LA_TYPE = "other"


@lru_cache(maxsize=1)
def _proper_words() -> tuple[str, ...]:
    return tuple(load_yaml("group_rules.yaml")["proper_words"])


def normalise_group(expr: pl.Expr) -> pl.Expr:
    """Canonical form of a group phrase: 'the  Inner\\nLondon COUNCILS' -> 'Inner London councils'."""
    out = (
        expr.str.to_lowercase()
        .str.replace_all("’", "'", literal=True)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.replace(r"^the ", "")
    )
    for word in _proper_words():
        out = out.str.replace_all(rf"\b{word.lower()}\b", word)
    return out


def _rule_canonical() -> pl.Expr:
    mapping = {r.id: str(r.attrs["canonical"]) for r in rules_for("groups") if r.attrs.get("canonical")}
    return pl.col("rule_id").replace_strict(mapping, default=None, return_dtype=pl.String)


def groups_in_shadow(shadow: pl.DataFrame, authorities: pl.DataFrame) -> pl.DataFrame:
    """Group matches in shadow offsets (doc_id, s, e, rule_id, canonical), none overlapping a council."""
    c = scan(shadow, rules_for("groups"))
    if not authorities.is_empty():
        # a council name wins; so does a plural council word right after one ('Kent and Surrey County Councils')
        councils = authorities.select("doc_id", "s", pl.col("e") + 2)
        c = c.filter(~overlaps_any(c, councils))
    c = drop_overlaps(c)
    return c.with_columns(canonical=pl.coalesce(_rule_canonical(), normalise_group(pl.col("match"))))


def extract_groups(
    shadow: pl.DataFrame,
    breaks: pl.DataFrame,
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    authorities: pl.DataFrame,
) -> pl.DataFrame:
    """The group_mentions table (plus shadow offsets s, e) for the given documents.

    `authorities` is the authority_mentions frame with its shadow offsets `s`/`e`.
    """
    g = groups_in_shadow(shadow, authorities)
    g = attach_sentence(to_original(g, breaks), sentences)
    g = with_span_text(g, documents).with_columns(
        la_type=pl.lit(LA_TYPE),
        mention_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-G") + pl.col("start").cast(pl.String).str.zfill(7),
    )
    return g.select(*COLUMNS, "s", "e").sort("doc_id", "start")
