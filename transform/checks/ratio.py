"""derived_ratio: a stated comparison vs the two values it compares, and a stated share vs its part
and total.

Comparisons ("X% less/more than", "a gap of X%", "double the rate of", X points "compared
with"): the two values are the two figures of one unit in the claim's sentence (besides the
comparison itself); when the sentence states none, the two figures of one unit in the text just
before it (an infographic's values above its caption), or for a gap named after the figure,
the next sentence; a bulleted list read as one sentence counts bullet by bullet. The readings are order-free (x <= y): y is (y-x)/y less than... i.e.
x is (y-x)/y % less, y is (y-x)/x % more, y-x points apart, y/x times. Pass when any reading
meets the stated interval, fail when none does, unverifiable without two values.
When the sentence states only one value ("... cost £3,600 a week, 25% less than the private
homes"), the other is the unique earlier figure of the same unit and basis ("a week") whose
preceding words name the comparison's target (`_named_earlier`).

Shares ("48 of the 120, which is 40%", "480, or 12%"): part/total*100 vs the percentage;
unverifiable when the total is not stated.
"""

from __future__ import annotations

import re

import polars as pl

from transform.checks.common import Check, fmt, iv, iv_div, iv_sub, mid, q, tol_text, within
from transform.checks.policy import interval_text, tolerances

VALUE_UNITS = ("GBP", "count", "ratio", "percent", "hours", "days", "weeks", "months", "years")


ANAPHORIC_START = re.compile(r"^\W*(?:this|that|it|which)\s+(?:is|was|represents|marks)\b", re.IGNORECASE)
RANGE_BETWEEN = re.compile(r"^\s*(?:and|to|-|–)\s*$", re.IGNORECASE)


def _is_range(a: dict, b: dict, text: str) -> bool:
    """'between £250 and £300', 'from 5 to 9', '5-9': two ends of one range, not two compared values."""
    x, y = sorted((a, b), key=lambda f: f["start"])
    return bool(RANGE_BETWEEN.match(text[x["end"] : y["start"]]))


def _pairs_by_unit(cands: list[dict], text: str = "", anchor: dict | None = None) -> tuple[list[dict] | None, bool]:
    """The two figures of one unit among `cands` and whether the choice is unambiguous.

    With several units holding two figures each, the pair nearest `anchor` is taken, and the
    choice is marked ambiguous (a fail on it is reported as unverifiable)."""
    by_unit: dict[str, list[dict]] = {}
    for f in cands:
        if f["unit"] in VALUE_UNITS:
            by_unit.setdefault(f["unit"], []).append(f)
    pairs = [v for v in by_unit.values() if len(v) == 2 and not (text and _is_range(v[0], v[1], text))]
    if len(pairs) == 1:
        return pairs[0], True
    if len(pairs) > 1 and anchor is not None:
        dist = lambda v: max(abs(f["start"] - anchor["start"]) for f in v)
        pairs.sort(key=dist)
        if dist(pairs[0]) < dist(pairs[1]):
            return pairs[0], False
    return None, False


def _readings(cue: str, unit: str, x: dict, y: dict):
    """Order-free readings of a comparison stated in `unit` between values x <= y."""
    xi, yi = iv(x), iv(y)
    out = []
    if cue == "comparison_multiple":
        r = iv_div(yi, xi)
        if r:
            out.append(("ratio larger/smaller", r, "multiplier"))
        return out
    if unit in ("percent", "percentage_point") or cue in ("comparison_less", "comparison_more", "difference_gap", "comparison_compared"):
        less = iv_div(xi, yi)
        if less and unit == "percent":
            out.append(("smaller is less than larger by", ((1 - less[1]) * 100, (1 - less[0]) * 100), "percent"))
        more = iv_div(yi, xi)
        if more and unit == "percent":
            out.append(("larger is more than smaller by", ((more[0] - 1) * 100, (more[1] - 1) * 100), "percent"))
        if x["unit"] == "percent":
            out.append(("difference in points", iv_sub(yi, xi), "percentage_point"))
    return out


def comparison_checks(claims: pl.DataFrame, figs: dict[str, dict], by_sentence: dict[str, list[dict]],
                      sentence_order: dict[str, list[str]], doc_figs: dict[str, list[dict]], texts: dict[str, str]) -> list[Check]:
    out: list[Check] = []
    window = tolerances()["comparison_window_chars"]
    used = set()
    for cl in claims.filter(pl.col("kind") == "comparison").iter_rows(named=True):
        for i in cl["figure_ids"]:
            used.add(i)
    for cl in claims.filter(pl.col("kind") == "comparison").iter_rows(named=True):
        c = figs[cl["main_figure_id"]]
        cue = cl["comparison_cue"]
        text = texts[c["doc_id"]]
        lo, hi = _clause_bounds(text, c)
        same = [f for f in by_sentence.get(c["sentence_id"], []) if f["figure_id"] not in used and f["figure_id"] != c["figure_id"]
                and lo <= f["start"] and f["end"] <= hi]
        pair, sure = _pairs_by_unit(same, text, c)
        where = "in the same sentence"
        if pair is None and not [f for f in same if f["unit"] in VALUE_UNITS]:
            if cue == "difference_gap":
                nxt = _next_sentence(c, sentence_order)
                pair, sure = _pairs_by_unit([f for f in by_sentence.get(nxt, []) if f["figure_id"] not in used], text) if nxt else (None, False)
                where = "in the next sentence"
            else:
                start = c["sentence_start"]
                before = [f for f in doc_figs[c["doc_id"]] if start - window <= f["start"] and f["end"] <= start]
                nearest = before[-2:]
                pair = nearest if len(nearest) == 2 and all(f["role"] == "level" and f["figure_id"] not in used for f in nearest) else None
                pair, sure = _pairs_by_unit(pair, text) if pair else (None, False)
                # Values before the sentence are the compared ones only as an infographic's labels,
                # each alone on its line above the caption; inside prose they are a reading.
                sure = sure and pair is not None and all(f.get("layout") == "lone" for f in pair)
                where = "just before the sentence"
        if pair is None and cue in ("comparison_less", "comparison_more"):
            found = _named_earlier(c, lo, cl["comparison_target"], same, doc_figs[c["doc_id"]], used, text)
            if found is not None:
                pair, sure = found
                where = "the second stated earlier under the name compared with"
        target = ""
        if cue in ("comparison_less", "comparison_more", "comparison_multiple"):
            phrase = " ".join(texts[c["doc_id"]][c["end"] : c["sentence_end"]].split())
            target = " " + (phrase[:70].rsplit(" ", 1)[0] + " ..." if len(phrase) > 70 else phrase.rstrip(".;:,"))
        if pair is None:
            out.append(Check("derived_ratio", f"ratio_{cue}", [c], "unverifiable", None, "n/a",
                             f"The comparison {q(c)}{target} is stated, but the two values it compares are not both stated nearby.",
                             stated=c["value"], claim_ids=[cl["claim_id"]]))
            continue
        if ANAPHORIC_START.match(text[lo:c["start"]]):
            sure = False  # 'This is 4.3% fewer than ...': what is compared was named in an earlier sentence
        x, y = sorted(pair, key=lambda f: f["value"])
        readings = _readings(cue, c["unit"], x, y)
        if not readings:
            continue
        stated = (c["lo"], c["hi"])
        hits = [r for r in readings if within(stated, r[1])]
        name, implied, unit = (hits or readings)[0]
        verdict = "pass" if hits else ("fail" if sure else "unverifiable")
        exact = lambda g: {**g, "lo": g["value"], "hi": g["value"]}
        points = {n: mid(r) for n, r, _ in _readings(cue, c["unit"], exact(x), exact(y))}
        shown = "; ".join(f"{n} {fmt(points.get(n, mid(r)))}{_u(u)}" for n, r, u in readings)
        text = (
            f"Comparing {q(x)} and {q(y)} ({where}): {shown}; "
            + (f"this fits the stated {q(c)}{target}." if verdict == "pass"
               else f"none fits the stated {q(c)}{target} (read as {interval_text(stated, unit)})"
               + ("." if sure else ", but other values in the sentence could be the ones compared."))
        )
        out.append(Check("derived_ratio", f"ratio_{cue}", [c, x, y], verdict, points.get(name, mid(implied)), tol_text(c, implied, unit), text,
                         stated=c["value"], computed_iv=implied, claim_ids=[cl["claim_id"]]))
    return out


RATE_BASIS = re.compile(r"^\s*(?:a|an|per|each|every)\s+(week|month|year|day|night|child|head|pupil|placement|person|place)\b", re.IGNORECASE)
STOP_WORDS = frozenset("""the this that those these than with from their there which where what when average averages
mean rate rates figure figures level levels total cost costs spend spending value amount national regional local
sector about around some more less other others same each every year years week weeks month months""".split())
NAMED_LOOKBACK_CHARS = 600
NAME_CONTEXT_CHARS = 200


def _basis(text: str, f: dict) -> str | None:
    m = RATE_BASIS.match(text[f["end"] : f["end"] + 25])
    return m.group(1).lower() if m else None


def _stems(words: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]{4,}", words.lower()) if w not in STOP_WORDS}


def _named_earlier(c: dict, clause_start: int, target: str | None, same: list[dict], doc_figs: list[dict], used: set[str],
                   text: str) -> tuple[list[dict], bool] | None:
    """The two values of "x, which is 25% less than the private homes' average" when x is the
    only value of its unit in its clause (and stated exactly): the other is an earlier figure of
    the same unit, on the same basis ("a week"), of one order of magnitude with x, whose
    preceding words name what the target names (a shared word stem: "private" ~ "privately"). Only a unique such figure is taken; a
    fail needs an explicit shared basis, else the pairing is marked unsure; two or more possible
    pairs give no pairing at all."""
    names = _stems(target or "")
    by_unit: dict[str, list[dict]] = {}
    for f in same:
        if f["unit"] in VALUE_UNITS:
            by_unit.setdefault(f["unit"], []).append(f)
    if not names:
        return None
    limit = tolerances()["max_magnitude_ratio"]
    found = []
    for xs in by_unit.values():
        if len(xs) != 1 or xs[0].get("approx"):
            continue
        x = xs[0]
        basis = _basis(text, x)
        for g in doc_figs:
            if g["end"] > clause_start or clause_start - g["end"] > NAMED_LOOKBACK_CHARS:
                continue
            if g["unit"] != x["unit"] or g["role"] != "level" or g["figure_id"] in used or g.get("approx"):
                continue
            if _basis(text, g) != basis or min(abs(g["value"]), abs(x["value"])) <= 0:
                continue
            if max(abs(g["value"]), abs(x["value"])) / min(abs(g["value"]), abs(x["value"])) > limit:
                continue
            context = text[max(0, g["start"] - NAME_CONTEXT_CHARS) : g["start"]]
            if names & _stems(context):
                found.append(([x, g], basis is not None))
    return found[0] if len(found) == 1 else None


def _clause_bounds(text: str, c: dict) -> tuple[int, int]:
    """The clause of the sentence holding `c`: cut at bullets and numbered items (cue
    ``clause_break``), so a bulleted list read as one sentence gives one clause per bullet."""
    from transform.checks.policy import cue

    lo, hi = c["sentence_start"], c["sentence_end"]
    for m in cue("clause_break").finditer(text, lo, hi):
        if m.end() <= c["start"]:
            lo = m.end()
        elif m.start() >= c["end"]:
            hi = m.start()
            break
    return lo, hi


def _next_sentence(f: dict, order: dict[str, list[str]]) -> str | None:
    ids = order.get(f["doc_id"], [])
    try:
        k = ids.index(f["sentence_id"])
    except ValueError:
        return None
    return ids[k + 1] if k + 1 < len(ids) else None


def _u(unit: str) -> str:
    return {"percent": "%", "percentage_point": " points", "multiplier": "x"}.get(unit, "")


SHARE_GAP_CHARS = 60
SHARE_GAP_BREAK = re.compile(r"\b(?:compar\w*|nationally|national|average|england|than|and|while|whilst|but)\b|[;•]", re.IGNORECASE)


def share_checks(claims: pl.DataFrame, figs: dict[str, dict], by_sentence: dict[str, list[dict]], texts: dict[str, str]) -> list[Check]:
    out: list[Check] = []
    for cl in claims.filter(pl.col("kind") == "share").iter_rows(named=True):
        part, second = (figs[i] for i in cl["figure_ids"][:2])
        if second["unit"] == "percent":
            out.append(Check("derived_ratio", "share_total_missing", [part, second], "unverifiable", None, "n/a",
                             f"{q(part)} is given as {q(second)} of a total that is not stated, so the share cannot be recomputed.",
                             stated=second["value"], claim_ids=[cl["claim_id"]]))
            continue
        if second["unit"] != part["unit"]:
            continue
        later = [f for f in by_sentence.get(part["sentence_id"], []) if f["start"] > second["end"] and f["unit"] == "percent" and f["role"] == "level"]
        if not later:
            continue
        pct = later[0]
        gap = texts.get(part["doc_id"], "")[second["end"] : pct["start"]]
        if len(gap) > SHARE_GAP_CHARS or SHARE_GAP_BREAK.search(gap):
            continue  # '... compared with 68% nationally', '... and 35% have ...': another statement
        share = iv_div(iv(part), iv(second))
        if not share:
            continue
        implied = (share[0] * 100, share[1] * 100)
        verdict = "pass" if within((pct["lo"], pct["hi"]), implied) else "fail"
        text = (f"{q(part)} of {q(second)} is {fmt(part['value'] / second['value'] * 100)}%, "
                f"{'consistent with' if verdict == 'pass' else 'not'} the stated {q(pct)}.")
        out.append(Check("derived_ratio", "share_of_total", [part, second, pct], verdict, part["value"] / second["value"] * 100, tol_text(pct, implied, "percent"), text,
                         stated=pct["value"], computed_iv=implied, claim_ids=[cl["claim_id"]]))
    return out


SHARE_LOOKBACK_CHARS = 800


def share_of_all_checks(figs: dict[str, dict], doc_figs: dict[str, list[dict]], texts: dict[str, str]) -> list[Check]:
    """'X% of all M' with the part (a count or amount of measure M) stated before it: the total
    of all M is not stated, so the share is unverifiable (a pass needs the total)."""
    from transform.checks.policy import cue, measure_of

    out = []
    for f in figs.values():
        if f["unit"] != "percent" or f["role"] != "level":
            continue
        text = texts.get(f["doc_id"], "")
        m = cue("share_of_all").search(text[f["end"] : f["end"] + 20])
        if not m:
            continue
        whole = measure_of(text[f["end"] : min(f["sentence_end"], f["end"] + 60)])
        if not whole:
            continue
        before = [g for g in doc_figs[f["doc_id"]] if g["end"] <= f["start"] and f["start"] - g["end"] <= SHARE_LOOKBACK_CHARS
                  and g["unit"] in ("count", "GBP") and g["measure"] == whole]
        if not before:
            continue
        same = [g for g in before if g["sentence_id"] == f["sentence_id"]]
        part = (same or before)[-1]
        out.append(Check("derived_ratio", "share_of_all_total_missing", [part, f], "unverifiable", None, "n/a",
                         f"{q(f)} of all {whole.replace('_', ' ')} would make {q(part)} a share of a total that is not stated, so it cannot be recomputed.",
                         stated=f["value"]))
    return out
