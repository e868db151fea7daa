"""duration_consistency: a stated duration vs the explicit dates it spans.

"the 14 months between March 2017 and May 2018", "ten years from 2001 (...) to 2011": the two
periods after the cue (``duration_span``) give the span. Each endpoint is known to its own
granularity (a month, a year, a fiscal year), so the span is an interval: from the end of the
first period to the start of the second (shortest) up to from the start of the first to the
end of the second (longest). Pass when the stated duration's interval meets it, else fail.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from transform.checks.common import Check, fmt, mid
from transform.checks.policy import interval_text, tolerances

CONNECT = re.compile(r"\b(?:and|to|until|till)\b|[-–]")
MAX_GAP_CHARS = 60


def months_between(a: dt.date, b: dt.date) -> float:
    return (b.year - a.year) * 12 + (b.month - a.month) + (b.day - a.day) / 30.44


def duration_checks(claims: pl.DataFrame, figs: dict[str, dict], periods: pl.DataFrame, texts: dict[str, str]) -> list[Check]:
    out: list[Check] = []
    factors = tolerances()["duration_units_in_months"]
    dated = periods.filter(pl.col("start_date").is_not_null() & pl.col("end_date").is_not_null()).sort("doc_id", "start")
    by_doc: dict[str, list[dict]] = {}
    for p in dated.iter_rows(named=True):
        by_doc.setdefault(p["doc_id"], []).append(p)
    for cl in claims.filter(pl.col("kind") == "duration").iter_rows(named=True):
        f = figs[cl["main_figure_id"]]
        text = texts.get(f["doc_id"], "")
        after = [p for p in by_doc.get(f["doc_id"], []) if f["end"] <= p["start"] <= f["sentence_end"]]
        if not after or after[0]["start"] - f["end"] > MAX_GAP_CHARS:
            continue
        p1 = after[0]
        p2 = after[1] if len(after) > 1 else None
        if p2 is None or p2["start"] - p1["end"] > MAX_GAP_CHARS or not CONNECT.search(text[p1["end"] : p2["start"]]):
            if p1["kind"].endswith("range"):
                p2 = p1
            else:
                continue
        if p2 is p1:
            # One written range: its endpoints are known to a month, or to a year.
            grain = 1.0 if re.search(r"[A-Za-z]{3}", re.sub(r"\b(?:between|from|since|to|and|until)\b", "", p1["text"])) else 12.0
            longest = months_between(p1["start_date"], p1["end_date"] + dt.timedelta(days=1))
            shortest, point = max(0.0, longest - 2 * grain), longest - grain
        else:
            shortest = months_between(p1["end_date"] + dt.timedelta(days=1), p2["start_date"])
            longest = months_between(p1["start_date"], p2["end_date"] + dt.timedelta(days=1))
            point = months_between(p1["start_date"], p2["start_date"])
        k = factors[f["unit"]]
        span = (shortest / k, longest / k)
        stated = (f["lo"], f["hi"])
        verdict = "pass" if stated[0] <= span[1] + 1e-9 and span[0] <= stated[1] + 1e-9 else "fail"
        unit = f["unit"]
        dates = f"{p1['text']} to {p2['text']}" if p2 is not p1 else p1["text"]
        text_ = (f"The dates '{dates}' span {fmt(point / k)} {unit} ({fmt(span[0])}-{fmt(span[1])} counting the endpoints' own length), "
                 f"{'consistent with' if verdict == 'pass' else 'not'} the stated {f['text']}.")
        out.append(Check("duration_consistency", "duration_vs_dates", [f], verdict, point / k,
                         f"stated {f['text']} read as {interval_text(stated, unit)}; the dates allow {interval_text(span, unit)}",
                         text_, stated=f["value"], computed_iv=span,
                         period_ids=list(dict.fromkeys([p1["period_id"], p2["period_id"]])), claim_ids=[cl["claim_id"]]))
    return out
