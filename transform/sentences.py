"""Sentence table: every document split into sentences with exact offsets into its text.

Boundaries (on the shadow text, see transform.shadow):
- terminal punctuation (. ! ?), optionally followed by closing quotes or brackets, then a
  space and a capital, digit, quote, bullet (BULLETS, including PDF private-use bullet
  glyphs) or pound sign — unless the word before the
  full stop is a known abbreviation (reference/abbreviations.yaml);
- a paragraph mark (blank line) when the text before it does not read as unfinished
  (ends in a lower-case letter, comma, colon, semicolon, hyphen or opening bracket) — PDF
  extractions put blank lines inside sentences, web pages put them between paragraphs;
- a paragraph mark after a heading: a short line (at most HEADING_CHARS) followed by a
  capital ('2 - Wigan Council', then the paragraph) even if it reads as unfinished.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from transform.reference_data import load_yaml
from transform.shadow import to_original

_UNFINISHED = re.compile(r"[a-z,;:(\-–—/&]$")
HEADING_CHARS = 60
# Bullets that start a list item: '•' and its kin, and the private-use glyphs that PDF text
# layers give for Symbol/Wingdings bullets ('\uf06e', '\uf0b7', ...).
BULLETS = "•▪◦●○■□➢✓\uf000-\uf8ff"


@lru_cache(maxsize=1)
def _boundary_re() -> re.Pattern[str]:
    return re.compile(rf"(?<=[.!?])[\"'’”)\]]*( |\n)(?=[\"“‘'(£A-Z0-9{BULLETS}])|\n")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(w.lower() for w in load_yaml("abbreviations.yaml")["abbreviations"])


def split_shadow(shadow: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of one shadow text, stripped of surrounding spaces."""
    abbrevs = _abbreviations()
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _boundary_re().finditer(shadow):
        cut = m.start()
        before = shadow[start:cut].rstrip()
        if not before:
            continue
        if m.group() == "\n" and _UNFINISHED.search(before) and not _is_heading(before, shadow, m.end()):
            continue
        if before.endswith("."):
            last_word = before[:-1].rsplit(None, 1)[-1].lower() if before[:-1].strip() else ""
            if last_word in abbrevs or (len(last_word) == 1 and last_word.isalpha()):
                continue
        spans.append((start, cut))
        start = m.end()
    spans.append((start, len(shadow)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        seg = shadow[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))
    return out


def _is_heading(before: str, shadow: str, nxt: int) -> bool:
    """A short line with no sentence inside it, followed by a paragraph starting with a capital."""
    return len(before) <= HEADING_CHARS and "\n" not in before and shadow[nxt : nxt + 1].isupper()


def sentences_frame(shadow: pl.DataFrame, breaks: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Sentences (sentence_id, doc_id, start, end, text) with offsets into documents.text."""
    doc_ids: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for doc_id, sh in shadow.select("doc_id", "shadow").iter_rows():
        for a, b in split_shadow(sh):
            doc_ids.append(doc_id)
            starts.append(a)
            ends.append(b)
    spans = pl.DataFrame({"doc_id": doc_ids, "s": starts, "e": ends}, schema={"doc_id": pl.String, "s": pl.Int64, "e": pl.Int64})
    return (
        with_span_text(to_original(spans, breaks), documents)
        .with_columns(sentence_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-S") + pl.col("start").cast(pl.String).str.zfill(7))
        .select("sentence_id", "doc_id", "start", "end", "text", "s", "e")
    )


def with_span_text(spans: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Add `text` = documents.text[start:end] for spans with original offsets."""
    return (
        spans.join(documents.select("doc_id", pl.col("text").alias("_doc_text")), on="doc_id", how="left")
        .with_columns(text=pl.col("_doc_text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("_doc_text")
    )


def attach_sentence(spans: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `sentence_id` of the sentence containing each span's start (shadow offset `s`)."""
    sents = sentences.select("doc_id", pl.col("s").alias("_ss"), pl.col("e").alias("_se"), "sentence_id").sort("_ss")
    out = (
        spans.with_row_index("_row")
        .sort("s")
        .join_asof(sents, left_on="s", right_on="_ss", by="doc_id", strategy="backward", check_sortedness=False)
        .with_columns(sentence_id=pl.when(pl.col("s") < pl.col("_se")).then(pl.col("sentence_id")))
    )
    return out.sort("_row").drop("_row", "_ss", "_se")
