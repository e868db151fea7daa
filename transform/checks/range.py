"""range: a share of a population lies within 0-100%; a count is not negative; nothing falls by more than 100%.

One row per percentage figure (level, from, to: within the share bounds; a change: a decrease
of at most 100%, an increase may be any size) and per negative count (a fail only alone in
prose: a signed value in a table or beside variance words is an amount, not a count). A percentage level above
100 fails only when it is written as a share of something: "X% of ...", or a cell of a table
row whose label names a share of people or cases (cue ``population_share_label``), names
nothing that may exceed 100 (cue ``not_share_label``: spend against budget, an index,
occupancy, growth) and whose other percentages all lie within 0-100. Otherwise it may be a
ratio to an average, so it is unverifiable.
"""

from __future__ import annotations

import re

import polars as pl

from transform.checks.common import Check, fmt
from transform.checks.policy import cue, tolerances


def range_checks(figures: pl.DataFrame, texts: dict[str, str]) -> list[Check]:
    low, high = tolerances()["share_bounds"]
    rows_by_doc: dict[str, list[dict]] = {}
    for r in figures.filter(pl.col("unit") == "percent").sort("start").iter_rows(named=True):
        rows_by_doc.setdefault(r["doc_id"], []).append(r)
    out = []
    for f in figures.filter(pl.col("unit").is_in(["percent", "count"])).iter_rows(named=True):
        if f["unit"] == "count":
            if f["value"] < 0 and f["role"] == "level":
                out.append(_negative_count(f, texts.get(f["doc_id"], "")))
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
        text = texts.get(f["doc_id"], "")
        after = text[f["end"] : f["end"] + 60]
        # 'X% of <people or cases>' is a share of a population; 'X% of the £1.5m costs' is a ratio
        of_people = after.lstrip().lower().startswith("of ") and bool(cue("population_share_label").search(after[:40]))
        is_share = of_people or _share_row(text, f, rows_by_doc.get(f["doc_id"], []), high)
        verdict = "fail" if is_share else "unverifiable"
        out.append(Check("range", "range_share", [f], verdict, v, f"share must be in [{low},{high}]",
                         f"{f['text']} is outside {low}-{high}%" + (" although it is a share of a population." if is_share else ", which is possible only if it is not a share.")))
    return out


def _share_row(text: str, f: dict, doc_percents: list[dict], high: float) -> bool:
    """Whether `f` is a cell of a table line labelled as a share of people or cases (module doc)."""
    line_start = text.rfind("\n", 0, f["start"]) + 1
    line_end = text.find("\n", f["end"])
    line_end = len(text) if line_end < 0 else line_end
    cells = [g for g in doc_percents if line_start <= g["start"] and g["end"] <= line_end]
    if len(cells) < 2 or any(g["figure_id"] != f["figure_id"] and not (0 <= g["value"] <= high) for g in cells):
        return False
    label = text[line_start : cells[0]["start"]]
    if not re.search(r"[A-Za-z]{3}", label) or "\n" in label:
        return False
    return bool(cue("population_share_label").search(label)) and not cue("not_share_label").search(label)


def _negative_count(f: dict, text: str) -> Check:
    """A count printed with a minus sign. In a table cell, or beside words of a signed amount
    (variance, change, under/overspend, budget, net: cue ``signed_amount_context``), it is a
    signed amount, not a count, so the sign proves nothing (unverifiable); alone in prose it is
    a negative number of people or things (fail)."""
    line_start = text.rfind("\n", 0, f["start"]) + 1
    context = text[max(f["sentence_start"], line_start - 300) : f["end"] + 40]
    signed = f.get("layout", "prose") != "prose" or bool(cue("signed_amount_context").search(context))
    if signed:
        return Check("range", "range_count_negative", [f], "unverifiable", f["value"], "counts are >= 0",
                     f"{f['text']} is negative: a signed amount (a variance or change in a table or beside such words), not a count.")
    return Check("range", "range_count_negative", [f], "fail", f["value"], "counts are >= 0", f"The count {f['text']} is negative.")
