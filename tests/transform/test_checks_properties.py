"""Hypothesis properties of the consistency checks and the cue examples of check_rules.yaml."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.checks.common import Check
from transform.checks.partition import share_set_checks
from transform.checks.policy import cues, with_intervals
from transform.checks.ratio import _readings


def fig(fid: str, text: str, value: float, unit: str = "percent", role: str = "level", start: int = 0, approx=None) -> dict:
    frame = pl.DataFrame(
        [{"figure_id": fid, "doc_id": "d", "text": text, "value": value, "value_max": None, "unit": unit, "approx": approx,
          "role": role, "direction": None, "metric": None, "subject": None, "period_id": None, "sentence_id": "s",
          "start": start, "end": start + len(text)}],
        schema_overrides={"value_max": pl.Float64, "approx": pl.String, "direction": pl.String, "metric": pl.String,
                          "subject": pl.String, "period_id": pl.String},
    )
    row = with_intervals(frame).to_dicts()[0]
    row.update(sentence_start=0, sentence_end=10_000)
    return row


@st.composite
def rounded_partition(draw):
    """Whole-percent shares of a population that sums to exactly 100 before rounding."""
    n = draw(st.integers(2, 6))
    weights = draw(st.lists(st.floats(0.5, 100), min_size=n, max_size=n))
    total = sum(weights)
    return [round(w / total * 100) for w in weights]


@settings(max_examples=200, deadline=None)
@given(rounded_partition())
def test_rounded_partition_of_100_always_passes(parts):
    text, figs, pos = "", [], 0
    for k, p in enumerate(parts):
        sep = "" if k == 0 else ", whilst "
        text += sep
        figs.append(fig(f"f{k}", f"{p}%", float(p), start=len(text)))
        text += f"{p}%" + " said so"
    checks = share_set_checks(text, figs, set())
    assert checks and checks[0].verdict == "pass", (parts, checks[0].explanation if checks else None)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(100, 100_000),
    st.integers(100, 100_000),
    st.integers(1, 99),
    st.sampled_from([1e-3, 1e3, 1e6, 1e9]),
    st.sampled_from(["comparison_less", "comparison_more", "comparison_multiple"]),
)
def test_scaling_both_sides_never_changes_a_comparison(a, b, stated, k, cue):
    """Scaling both compared values by one factor (£585 vs £585m: same digits, a scale word)
    never changes the verdict: tolerances are relative to the printed precision."""

    def verdict(scale: float) -> bool:
        x = fig("x", f"£{a}", a * scale, "GBP")
        y = fig("y", f"£{b}", b * scale, "GBP")
        x, y = sorted([x, y], key=lambda f: f["value"])
        unit = "multiplier" if cue == "comparison_multiple" else "percent"
        c = fig("c", f"{stated}%", float(stated), unit=unit, role="other")
        return any(r[1][0] <= c["hi"] + 1e-9 and c["lo"] <= r[1][1] + 1e-9 for r in _readings(cue, unit, x, y))

    assert verdict(1.0) == verdict(k)


@settings(max_examples=100, deadline=None)
@given(st.floats(1, 1e6), st.floats(-0.9, 3.0))
def test_change_from_its_own_endpoints_passes(start, change):
    """A change computed from its endpoints (then printed to one decimal) is always consistent."""
    from transform.checks.change import _readings as change_readings
    from transform.checks.common import within

    end = start * (1 + change)
    f = fig("f", f"{start:.1f}", round(start, 1), "count", "from")
    t = fig("t", f"{end:.1f}", round(end, 1), "count", "to")
    pct = round((round(end, 1) - round(start, 1)) / round(start, 1) * 100, 1)
    c = fig("c", f"{abs(pct):.1f}%", abs(pct), role="change")
    c["direction"] = "increase" if pct >= 0 else "decrease"
    stated = (c["lo"], c["hi"]) if pct >= 0 else (-c["hi"], -c["lo"])
    assert any(within(stated, r[1]) for r in change_readings(c, f, t))


CUE_LIST = list(cues().values())


@pytest.mark.parametrize("cue", CUE_LIST, ids=[c.id for c in CUE_LIST])
def test_cue_golden_examples(cue):
    pattern = cue.compiled()
    assert cue.description.strip()

    def found(text: str) -> bool:
        return bool(pattern.search(text))

    for text in cue.examples.passing:
        assert found(text), f"{cue.id} should match {text!r}"
    for text in cue.examples.failing:
        assert not found(text), f"{cue.id} should not match {text!r}"


def test_check_row_shape():
    c = Check("range", "r", [fig("a", "5%", 5.0)], "pass", 5.0, "t", "e")
    row = c.row()
    assert row["check_id"].startswith("C") and row["figure_ids"] == ["a"] and row["doc_ids"] == ["d"]
