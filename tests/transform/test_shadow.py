"""The shadow text maps back to the stored text exactly (Hypothesis)."""

from __future__ import annotations

import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.shadow import shadow_of, to_original

words = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\t\f\v \x1c\x1d\x1e\x1f\x85\u2028\u2029\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), min_size=1, max_size=8)
gaps = st.sampled_from([" ", "  ", "\n", " \n\n ", "\t", "\n \n", "\u00a0"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, gaps), min_size=1, max_size=30))
def test_every_word_maps_back_to_its_original_span(parts):
    text = "".join(w + g for w, g in parts)
    shadow, sh_pos, or_pos = shadow_of(text)
    assert not re.search(r"\s\s", shadow)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", shadow)]
    df = pl.DataFrame({"doc_id": ["d"] * len(spans), "s": [a for a, _ in spans], "e": [b for _, b in spans]}, schema={"doc_id": pl.String, "s": pl.Int64, "e": pl.Int64})
    breaks = pl.DataFrame({"doc_id": ["d"] * len(sh_pos), "sh_pos": sh_pos, "or_pos": or_pos}, schema={"doc_id": pl.String, "sh_pos": pl.Int64, "or_pos": pl.Int64})
    mapped = to_original(df, breaks)
    for (a, b), (s, e) in zip(spans, mapped.select("start", "end").iter_rows()):
        assert text[s:e] == shadow[a:b]


def test_blank_lines_become_paragraph_marks():
    shadow, _, _ = shadow_of("Hampshire County \nCouncil\n\nNext")
    assert shadow == "Hampshire County Council\nNext"
