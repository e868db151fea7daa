"""Normalised shadow of each document's text, with a map back to the stored offsets.

PDF text breaks sentences across lines ("Hampshire County \\nCouncil"). Rules match on a
*shadow* in which every whitespace run becomes one character: a blank-line run (two or
more line breaks) becomes "\\n" (a paragraph mark), any other run becomes " ". The stored
text is never rewritten; a shadow span maps back through *breakpoints*: pairs
(shadow_pos, orig_pos) after which positions advance one-for-one.
"""

from __future__ import annotations

import re

import polars as pl

_WS_RUN = re.compile(r"\s{2,}|[^\S ]")


def shadow_of(text: str) -> tuple[str, list[int], list[int]]:
    """The shadow text and its breakpoints (shadow positions, original positions)."""
    parts: list[str] = []
    sh_pos: list[int] = [0]
    or_pos: list[int] = [0]
    last = 0
    shift = 0  # original index minus shadow index so far
    for m in _WS_RUN.finditer(text):
        a, b = m.span()
        parts.append(text[last:a])
        run = m.group()
        parts.append("\n" if run.count("\n") >= 2 else " ")
        last = b
        shift += (b - a) - 1
        if b - a > 1:
            sh_pos.append(b - shift)
            or_pos.append(b)
    parts.append(text[last:])
    return "".join(parts), sh_pos, or_pos


def shadow_frame(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Shadows (doc_id, shadow) and breakpoints (doc_id, sh_pos, or_pos) of documents with status ok."""
    ok = documents.filter(pl.col("status") == "ok").select("doc_id", "text")
    ids: list[str] = []
    shadows: list[str] = []
    bp_doc: list[str] = []
    bp_sh: list[int] = []
    bp_or: list[int] = []
    for doc_id, text in ok.iter_rows():
        sh, s_pos, o_pos = shadow_of(text)
        ids.append(doc_id)
        shadows.append(sh)
        bp_doc.extend([doc_id] * len(s_pos))
        bp_sh.extend(s_pos)
        bp_or.extend(o_pos)
    shadow = pl.DataFrame({"doc_id": ids, "shadow": shadows}, schema={"doc_id": pl.String, "shadow": pl.String})
    breaks = pl.DataFrame(
        {"doc_id": bp_doc, "sh_pos": bp_sh, "or_pos": bp_or},
        schema={"doc_id": pl.String, "sh_pos": pl.Int64, "or_pos": pl.Int64},
    ).sort("doc_id", "sh_pos")
    return shadow, breaks


def to_original(spans: pl.DataFrame, breaks: pl.DataFrame, start: str = "s", end: str = "e") -> pl.DataFrame:
    """Add original offsets `start`/`end` to spans given in shadow offsets `s`/`e` (end exclusive)."""
    keyed = spans.with_row_index("_row").with_columns(
        pl.col(start).cast(pl.Int64).alias("_s"), (pl.col(end).cast(pl.Int64) - 1).alias("_l")
    )
    bs = breaks.rename({"sh_pos": "_bs", "or_pos": "_bo"})
    a = keyed.sort("_s").join_asof(bs, left_on="_s", right_on="_bs", by="doc_id", strategy="backward", check_sortedness=False)
    a = a.with_columns((pl.col("_bo") + pl.col("_s") - pl.col("_bs")).alias("start")).drop("_bs", "_bo")
    b = a.sort("_l").join_asof(bs, left_on="_l", right_on="_bs", by="doc_id", strategy="backward", check_sortedness=False)
    b = b.with_columns((pl.col("_bo") + pl.col("_l") - pl.col("_bs") + 1).alias("end"))
    return b.sort("_row").drop("_row", "_s", "_l", "_bs", "_bo")
