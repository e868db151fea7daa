"""range: a share of a population lies within 0-100%; a count is not negative; nothing falls by more than 100%.

One row per percentage figure (level, from, to: within the share bounds; a change: a decrease
of at most 100%, an increase may be any size) and per negative count. A percentage level above
100 fails only when it is written as a share of something ("X% of ..."); otherwise it may be a
ratio to an average, so it is unverifiable.
"""

from __future__ import annotations

import polars as pl

from transform.checks.common import Check, fmt
from transform.checks.policy import tolerances


def range_checks(figures: pl.DataFrame, texts: dict[str, str]) -> list[Check]:
    low, high = tolerances()["share_bounds"]
    out = []
    for f in figures.filter(pl.col("unit").is_in(["percent", "count"])).iter_rows(named=True):
        if f["unit"] == "count":
            if f["value"] < 0 and f["role"] == "level":
                out.append(Check("range", "range_count_negative", [f], "fail", f["value"], "counts are >= 0",
                                 f"The count {f['text']} is negative."))
            continue
        v = f["value"]
        if f["role"] == "change":
            if f["direction"] == "decrease" and abs(v) > high + f["half"]:
                verdict, why = "fail", f"a fall of {fmt(abs(v))}% is more than everything there was"
            else:
                verdict, why = "pass", "a percentage change, which may exceed 100 when it is a rise" if v > high else "a percentage change within bounds"
            out.append(Check("range", "range_percent_change", [f], verdict, v, "a decrease is at most 100%", f"{f['text']} is {why}."))
            continue
        if low <= v <= high:
            out.append(Check("range", "range_share", [f], "pass", v, f"share must be in [{low},{high}]",
                             f"{f['text']} is within {low}-{high}%."))
            continue
        after = texts.get(f["doc_id"], "")[f["end"] : f["end"] + 5]
        is_share = after.lstrip().lower().startswith("of ")
        verdict = "fail" if is_share else "unverifiable"
        out.append(Check("range", "range_share", [f], verdict, v, f"share must be in [{low},{high}]",
                         f"{f['text']} is outside {low}-{high}%" + (" although it is a share of a population." if is_share else ", which is possible only if it is not a share.")))
    return out
