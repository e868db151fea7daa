"""Cross-reference candidates come from key joins (linear), with the verdicts all pairs would give."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import transform.checks.crossref as xr

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def _all_pairs_agreeing(figures: pl.DataFrame, keys: list[str], same_doc: bool) -> pl.DataFrame:
    """The oracle: every pair equal on the keys whose restatement intervals meet (quadratic)."""
    f = xr._keyed(xr._intervals(figures), keys, ("lo", "hi"))
    meet = (pl.col("lo") <= pl.col("hi_b") + 1e-9) & (pl.col("lo_b") <= pl.col("hi") + 1e-9)
    return xr._ordered(f.join(f, on=keys, suffix="_b"), same_doc).filter(meet).select("figure_id", "figure_id_b").unique()


def _all_pairs_keyed(figures: pl.DataFrame, keys: list[str], same_doc: bool) -> pl.DataFrame:
    f = xr._keyed(figures, keys)
    return xr._ordered(f.join(f, on=keys, suffix="_b"), same_doc).select("figure_id", "figure_id_b").unique()


def _as_set(frame: pl.DataFrame) -> set[tuple[str, str]]:
    return set(frame.iter_rows())


values = st.one_of(st.integers(-2000, 2000).map(float), st.floats(-1e7, 1e7, allow_nan=False), st.sampled_from([0.0, 0.4, -0.4, 1e-7]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(values, st.sampled_from([0.0, 0.005, 0.5, 50.0, 5e4]), st.sampled_from([None, None, "over", "fewer_than", "around"]),
                          st.sampled_from(["a", "b"]), st.sampled_from(["count", "percent"])), min_size=1, max_size=30))
def test_agreeing_pairs_are_exactly_the_meeting_pairs(rows):
    frame = pl.DataFrame(
        {"figure_id": [f"F{i:03d}" for i in range(len(rows))], "doc_id": [r[3] for r in rows], "unit": [r[4] for r in rows],
         "value": [r[0] for r in rows], "value_max": [None] * len(rows), "half": [r[1] for r in rows], "approx": [r[2] for r in rows]},
        schema={"figure_id": pl.String, "doc_id": pl.String, "unit": pl.String, "value": pl.Float64, "value_max": pl.Float64,
                "half": pl.Float64, "approx": pl.String},
    )
    for keys, same in ((["doc_id", "unit"], True), (["unit"], False)):
        assert _as_set(xr.agreeing_pairs(frame, keys, same)) == _as_set(_all_pairs_agreeing(frame, keys, same))


def test_bucket_is_monotone():
    xs = [-1e9, -5.0, -1.0, -1e-6, -1e-9, 0.0, 1e-9, 1e-6, 0.5, 1.0, 1.04, 1.06, 7.0, 1e12]
    b = pl.DataFrame({"x": xs}).select(xr._bucket(pl.col("x")).alias("b"))["b"].to_list()
    assert b == sorted(b)
    assert pl.DataFrame({"x": [math.inf, -math.inf]}).select(xr._bucket(pl.col("x")).alias("b"))["b"].to_list() == [None, None]


def test_a_value_printed_in_hundreds_of_cells_pairs_nothing():
    n = 500
    frame = pl.DataFrame({"figure_id": [f"F{i:04d}" for i in range(n)], "doc_id": ["d"] * n, "unit": ["percent"] * n,
                          "value": [100.0] * n, "value_max": [None] * n, "half": [0.5] * n, "approx": [None] * n},
                         schema_overrides={"value_max": pl.Float64, "approx": pl.String})
    assert _all_pairs_agreeing(frame, ["doc_id", "unit"], True).height == n * (n - 1) // 2
    assert xr.agreeing_pairs(frame, ["doc_id", "unit"], True).height == 0
    assert xr.keyed_pairs(frame, ["doc_id", "unit"], True).height == 0


@pytest.mark.parametrize("corpus", ["seeds", "generalisation", "sealed", "vault"])
def test_gold_corpora_get_the_verdicts_all_pairs_give(corpus, monkeypatch):
    from csfacts.eval_report import tables_from_docs
    from transform.pipeline import recompute_checks

    docs = SEEDS if corpus == "seeds" else ROOT / "samples" / corpus / "docs"
    if not docs.is_dir():
        pytest.skip(f"{docs} not present")
    tables, _ = tables_from_docs(docs)
    linear = tables["checks"].filter(pl.col("kind") == "cross_reference")
    monkeypatch.setattr(xr, "agreeing_pairs", _all_pairs_agreeing)
    monkeypatch.setattr(xr, "keyed_pairs", _all_pairs_keyed)
    quadratic = recompute_checks(tables).filter(pl.col("kind") == "cross_reference")
    cols = ["check_id", "verdict", "figure_ids", "computed"]
    assert linear.height > 0
    assert linear.select(cols).sort("check_id").to_dicts() == quadratic.select(cols).sort("check_id").to_dicts()
