"""change_consistency: a stated change (percent, points, multiplier, amount) vs its from/to values,
and direction words vs the sign of the values.

- from, to and a stated change: the change the endpoints imply (relative %, percentage points
  for shares, ratio for a multiplier, difference for an amount in the same unit) is compared
  with the stated change; pass when the intervals meet, fail when no reading does.
- from and to only: the sign of to - from vs the stated direction (rose/fell); unverifiable
  when the rounding intervals overlap or no direction is stated.
- a stated change with an endpoint missing: unverifiable (the relation is there, a number is not).
- a fail on endpoints more than `max_magnitude_ratio` apart is unverifiable: such a pair is
  far likelier two figures of different statements than one series' start and end.
- signed changes ("(-28.5%)") in a sentence: each sign vs its stated direction.
"""

from __future__ import annotations

import math
import re

import polars as pl

from transform.checks.common import Check, fmt, iv, iv_div, iv_sub, mid, q, tol_text, within
from transform.checks.policy import interval_text, tolerances
from transform.checks.relation import truncated

SIGNED = re.compile(r"^\(?\s*[-+−–]")


def _stated_interval(c: dict, implied_sign: float) -> tuple[float, float]:
    lo, hi = c["lo"], c["hi"]
    if c["unit"] == "multiplier":
        if c["value"] < 1 and c.get("approx") == "nearly":
            # "nearly halved": the value fell to a little more than half.
            q_ = tolerances()["qualifiers"]["nearly"]["below"]
            return (c["value"] - c["half"], c["value"] + c["half"] + c["value"] * q_)
        return (lo, hi)
    if c["value"] < 0:
        return (lo, hi)
    if c.get("direction") == "decrease" or (c.get("direction") is None and implied_sign < 0):
        return truncated((-hi, -lo))
    return truncated((lo, hi))


def _readings(c: dict, f: dict, t: dict) -> list[tuple[str, tuple[float, float], str]]:
    """(name, implied interval, unit) readings of the change implied by from/to."""
    diff = iv_sub(iv(t), iv(f))
    ratio = iv_div(iv(t), iv(f))
    out = []
    if c["unit"] == "multiplier":
        if ratio:
            out.append(("ratio to/from", ratio, "multiplier"))
    elif c["unit"] == "fraction":
        # "an increase of more than half", "fell by a third": a relative change as a fraction.
        if ratio:
            out.append(("relative change", (ratio[0] - 1, ratio[1] - 1), "fraction"))
    elif c["unit"] == "percent":
        if ratio:
            out.append(("relative change", ((ratio[0] - 1) * 100, (ratio[1] - 1) * 100), "percent"))
        if f["unit"] == "percent":
            out.append(("difference in points", diff, "percentage_point"))
    elif c["unit"] == "percentage_point":
        if f["unit"] == "percent":
            out.append(("difference in points", diff, "percentage_point"))
    elif c["unit"] == f["unit"]:
        out.append(("difference", diff, c["unit"]))
    return out


def change_checks(claims: pl.DataFrame, figs: dict[str, dict], texts: dict[str, str] | None = None) -> list[Check]:
    texts = texts or {}
    by_sentence: dict[str, list[dict]] = {}
    for g in figs.values():
        by_sentence.setdefault(g["sentence_id"], []).append(g)
    out: list[Check] = []
    for cl in claims.filter(pl.col("kind") == "change").iter_rows(named=True):
        c = figs.get(cl["change_figure_id"]) if cl["change_figure_id"] else None
        f = figs.get(cl["from_figure_id"]) if cl["from_figure_id"] else None
        t = figs.get(cl["to_figure_id"]) if cl["to_figure_id"] else None
        members = [figs[i] for i in cl["figure_ids"] if i in figs]
        if f and t and f["unit"] == t["unit"]:
            out.append(_endpoints(cl, c, f, t, members, texts.get(f["doc_id"], ""), by_sentence.get(t["sentence_id"], [])))
        elif c is not None:
            missing = "start and end values" if not (f or t) else ("start value" if not f else "end value")
            out.append(Check(
                "change_consistency", "change_missing_endpoint", members, "unverifiable", None, "n/a",
                f"The change {q(c)} is stated but its {missing} is not, so it cannot be recomputed.",
                stated=c["value"], claim_ids=[cl["claim_id"]],
            ))
    return out


def _endpoints(cl: dict, c: dict | None, f: dict, t: dict, members: list[dict], text: str = "", sentence: list[dict] | None = None) -> Check:
    diff = iv_sub(iv(t), iv(f))
    sign = 1.0 if diff[0] > 0 else (-1.0 if diff[1] < 0 else 0.0)
    ratio = iv_div(iv(t), iv(f))
    rel = mid(ratio) - 1 if ratio else None
    if c is None:
        direction = cl["direction"]
        said = {"increase": 1.0, "decrease": -1.0}.get(direction or "", 0.0)
        moved = f"{f['text']} to {q(t)}"
        if said == 0:
            return Check("change_consistency", "change_direction", members, "unverifiable", rel, "direction only",
                         f"From {moved}: no direction or size of change is stated to compare.", computed_iv=diff, claim_ids=[cl["claim_id"]])
        if sign == 0:
            return Check("change_consistency", "change_direction", members, "unverifiable", rel, "direction only (values within rounding of each other)",
                         f"From {moved} may be a rise or a fall within rounding, so the stated {direction} cannot be confirmed.",
                         computed_iv=diff, claim_ids=[cl["claim_id"]])
        verdict = "pass" if sign == said else "fail"
        doubt = _wording_doubt(text, f, t, None, sentence or members) if verdict == "fail" else None
        moved_word = "rise" if sign > 0 else "fall"
        pct = f" ({fmt(rel * 100)}%)" if rel is not None else ""
        return Check("change_consistency", "change_direction", members, "unverifiable" if doubt else verdict, rel,
                     "direction only (no size of change stated)",
                     f"From {moved} is a {moved_word}{pct}, {'matching' if verdict == 'pass' else 'contradicting'} the stated {direction}"
                     + (f"; but {doubt}, so the pairing is too uncertain to call a contradiction." if doubt else "."),
                     computed_iv=diff, claim_ids=[cl["claim_id"]])
    readings = _readings(c, f, t)
    if not readings:
        return Check("change_consistency", "change_units", members, "unverifiable", None, "n/a",
                     f"The change {q(c)} and the values {f['text']} and {t['text']} are in units that cannot be compared.",
                     stated=c["value"], claim_ids=[cl["claim_id"]])
    stated = _stated_interval(c, sign if sign else 1.0)
    hits = [r for r in readings if within(stated, r[1])]
    name, implied, unit = (hits or readings)[0]
    exact = lambda g: {**g, "lo": g["value"], "hi": g["value"]}
    computed = next((mid(r) for n, r, _ in _readings(c, exact(f), exact(t)) if n == name), mid(implied))
    verdict = "pass" if hits else "fail"
    if verdict == "fail" and (math.isinf(implied[0]) or math.isinf(implied[1])):
        verdict = "unverifiable"
    doubt = (_pairing_doubt(f, t) or _wording_doubt(text, f, t, c, sentence or members)) if verdict == "fail" else None
    if doubt:
        verdict = "unverifiable"
    others = "; ".join(f"{n} {fmt(mid(r))}" for n, r, _ in _readings(c, exact(f), exact(t)) if n != name)
    also = f" (other reading: {others})" if others and verdict == "fail" else ""
    text = (
        f"From {q(f)} to {q(t)} the {name} is {fmt(computed)}{_u(unit)}, "
        f"{'consistent with' if verdict == 'pass' else 'not'} the stated {q(c)}"
        f"{'' if verdict == 'pass' else ' (allowed ' + interval_text(stated, unit) + ')'}{also}"
        + (f"; but {doubt}, so the pairing is too uncertain to call a contradiction." if doubt else ".")
    )
    return Check("change_consistency", "change_vs_endpoints", members, verdict, computed, tol_text(c, implied, unit), text,
                 stated=c["value"], computed_iv=implied, claim_ids=[cl["claim_id"]])


# 'from A (...) to B'; 'B, up from A', 'B in 2024, compared with A in 2022', 'B, against A'
FROM_TO_GAP = re.compile(r"^[^.;:]{0,80}?\bto\s+(?:an?\s+|the\s+)?(?:(?:current\s+)?(?:level|figure|rate|total|average|peak|low|high)\s+of\s+)?$",
                         re.IGNORECASE)
TO_FROM_GAP = re.compile(r"^[^.;:]{0,100}?\b(?:from|on|compared\s+(?:with|to)|against|versus|vs\.?)\s+(?:an?\s+|the\s+)?"
                         r"(?:(?:level|figure|rate|total|average|peak|low|high)\s+of\s+)?$", re.IGNORECASE)
COMPARED = re.compile(r"\bcompar\w*|\bagainst\b|\brelating\b|\brelated\b|\baccording\b", re.IGNORECASE)
COMPARATOR = re.compile(r"\b(?:average|national\w*|england|below|above|similar|neighbour\w*)\b", re.IGNORECASE)


def _wording_doubt(text: str, f: dict, t: dict, c: dict | None, sentence: list[dict]) -> str | None:
    """Why a change's figures may not be one statement (a fail on them is unverifiable): its
    endpoints are not written as one 'from A to B' (or 'B, up from A' with B the only figure of
    its unit before it), or a comparison ('below the England average of ...') stands between
    them and the stated change."""
    if not text:
        return None
    if f["start"] < t["start"]:
        gap = text[f["end"] : t["start"]]
        if not FROM_TO_GAP.match(gap) or COMPARED.search(gap):
            return f"{f['text']} and {t['text']} are not written as 'from ... to ...'"
    else:
        lead = [g for g in sentence if g["unit"] == t["unit"] and g["start"] < t["start"]]
        bracketed = text.rfind("(", 0, t["start"]) > text.rfind(")", 0, t["start"])  # '281 (a rate of 39.8), up from 265'
        if not TO_FROM_GAP.match(text[t["end"] : f["start"]]) or lead or bracketed:
            return f"{t['text']} and {f['text']} are not written as '..., up from ...' about one figure"
    if c is not None:
        lo, hi = min(f["start"], t["start"], c["start"]), max(f["end"], t["end"], c["end"])
        between = text[lo:hi]
        for g in (f, t, c):
            between = between.replace(text[g["start"] : g["end"]], " ")
        if COMPARATOR.search(between):
            return "a comparison with another value stands between the change and its endpoints"
    return None


def _pairing_doubt(f: dict, t: dict) -> str | None:
    """Why a from/to pair may not be the two ends of one quantity (a fail on it is unverifiable).

    The start and end of one series are of one order of magnitude: values more than
    `max_magnitude_ratio` apart ("26,760" and "21") are a mis-paired figure far more often
    than a real change of that size."""
    limit = tolerances()["max_magnitude_ratio"]
    a, b = abs(f["value"]), abs(t["value"])
    if min(a, b) == 0 or max(a, b) / min(a, b) > limit:
        return f"{f['text']} and {t['text']} are more than {fmt(limit)} times apart"
    return None


def _u(unit: str) -> str:
    return {"percent": "%", "percentage_point": " points", "multiplier": "x"}.get(unit, "")


def signed_change_checks(figures: pl.DataFrame) -> list[Check]:
    """Printed signs ('-28.5%') of change figures vs their stated direction, per sentence."""
    signed = figures.filter(
        (pl.col("role") == "change") & pl.col("direction").is_not_null() & pl.col("text").str.contains(r"^\(?\s*[-+−–]")
    )
    out = []
    for (sid,), group in signed.group_by(["sentence_id"], maintain_order=True):
        rows = group.sort("start").to_dicts()
        agree = all((r["value"] < 0) == (r["direction"] == "decrease") for r in rows)
        verdict = "pass" if agree else "unverifiable"
        listed = ", ".join(r["text"] for r in rows)
        out.append(Check("change_consistency", "change_sign_vs_direction", rows, verdict, None, "sign only",
                         f"The signed changes {listed} {'all agree' if agree else 'do not all agree'} with the direction stated for them."))
    return out


STATE_LOOKBACK_CHARS = 3000


def restated_state_checks(figs: dict[str, dict], doc_figs: dict[str, list[dict]], texts: dict[str, str]) -> list[Check]:
    """A value restated as the current state ('(now under 500)') with a direction word, vs the
    latest earlier value of the same measure and unit: the sign of the move vs the direction.
    The tie is loose (by measure), so a contradiction is unverifiable, never a fail."""
    from transform.checks.policy import cue

    out = []
    for f in figs.values():
        if not f["direction"] or not f["measure"]:
            continue
        text = texts.get(f["doc_id"], "")
        if not cue("state_now").search(text[max(0, f["start"] - 25) : f["start"]]):
            continue
        earlier = [g for g in doc_figs[f["doc_id"]] if g["end"] <= f["start"] and f["start"] - g["end"] <= STATE_LOOKBACK_CHARS
                   and g["sentence_id"] != f["sentence_id"] and g["measure"] == f["measure"] and g["unit"] == f["unit"]
                   and g["role"] in ("level", "to")]
        if not earlier:
            continue
        g = earlier[-1]
        diff = iv_sub(iv(f), iv(g))
        sign = 1.0 if diff[0] > 0 else (-1.0 if diff[1] < 0 else 0.0)
        if sign == 0 and f["approx"] and f["approx"] == g["approx"]:
            # Both open the same way ("over 1,600" ... "over 1,000"): compare what is printed.
            sign = 1.0 if f["value"] > g["value"] else (-1.0 if f["value"] < g["value"] else 0.0)
        said = {"increase": 1.0, "decrease": -1.0}[f["direction"]]
        verdict = "pass" if sign == said else "unverifiable"
        out.append(Check("change_consistency", "change_restated_state", [g, f], verdict, None, "direction only",
                         f"{q(g)} stated earlier and {q(f)} now for {f['measure'].replace('_', ' ')}: "
                         + ("a move matching the stated " if verdict == "pass" else "not clearly a move matching the stated ") + f"{f['direction']}."))
    return out
