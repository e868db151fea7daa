"""cross_reference: the same quantity stated twice, in one document or across documents.

Candidate pairs come from one Polars self-join on unit (within a document also on doc_id),
kept when the two rounding intervals meet (agree) or, for conflicts, when they do not.

- Agreement within a document: the two figures sit in different sentences, have compatible
  roles (equal, or one is a bare figure with no metric, subject or period, as in an
  infographic), and nothing in their context tells them apart (metric, measure, subject,
  period and direction equal where both are known). Each maximal set of mutually agreeing
  figures is one check (pass).
- Agreement across documents needs positive evidence that it is the same statement: equal
  role, direction and qualifier, and the same metric, or the same words just before the number.
- Conflict: same unit, role, measure (or metric), subject and period dates, all known, values
  apart beyond rounding: fail. The same measure and role across documents with values apart but
  subject or period unknown or different: unverifiable (the windows cannot be reconciled).
- A figure restated in brackets right after another ("nearly half (48%)"): the two must agree
  after converting fractions and ratios to percent.
Counts below MIN_COUNT are left out (small numbers coincide too often to mean anything).
"""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl

from transform.checks.common import Check, fmt, q
from transform.checks.policy import interval_text, overlaps, subject_key

MIN_COUNT = 10
SIGNATURE_CHARS = 40
ROLE_GROUP = {"level": "level", "target": "target", "other": "other", "change": "change", "from": "level", "to": "level"}


def _bare(f: dict) -> bool:
    return f["metric"] is None and f["subject"] is None and f["period_id"] is None


def _dates(f: dict, periods: dict[str, tuple]) -> tuple | None:
    d = periods.get(f["period_id"]) if f["period_id"] else None
    return d if d and d[0] is not None else None


def _compatible(a: dict, b: dict, periods: dict[str, tuple]) -> bool:
    if a["sentence_id"] == b["sentence_id"]:
        return False
    bare = _bare(a) or _bare(b)
    if ROLE_GROUP[a["role"]] != ROLE_GROUP[b["role"]] and not bare:
        return False
    if a["direction"] and b["direction"] and a["direction"] != b["direction"]:
        return False
    if a["measure"] and b["measure"] and a["measure"] != b["measure"]:
        return False
    if a["metric"] and b["metric"] and not (a["metric"] in b["metric"] or b["metric"] in a["metric"]) and not (a["measure"] and a["measure"] == b["measure"]):
        return False
    sa, sb = subject_key(a["subject"]), subject_key(b["subject"])
    if sa and sb and sa != sb:
        return False
    da, db = _dates(a, periods), _dates(b, periods)
    # An open-ended period ("since 2015", no end date) runs on indefinitely.
    if da and db and ((da[1] is not None and da[1] < db[0]) or (db[1] is not None and db[1] < da[0])):
        return False
    return True


def _signature(text: str, f: dict) -> str:
    before = text[max(f["sentence_start"], f["start"] - SIGNATURE_CHARS) : f["start"]]
    return " ".join(re.sub(r"[^a-z ]", " ", before.lower()).split())


def _cliques(nodes: list[str], adj: dict[str, set[str]]) -> list[list[str]]:
    """Maximal cliques (Bron-Kerbosch with pivot) of the graph restricted to `nodes`."""
    out: list[list[str]] = []

    def bk(r: set[str], p: set[str], x: set[str]) -> None:
        if not p and not x:
            if len(r) >= 2:
                out.append(sorted(r))
            return
        pivot = max(p | x, key=lambda u: len(adj[u] & p))
        for v in sorted(p - adj[pivot]):
            bk(r | {v}, p & adj[v], x & adj[v])
            p = p - {v}
            x = x | {v}

    bk(set(), set(nodes), set())
    return out


UP = ("over", "more_than", "at_least")
DOWN = ("fewer_than", "at_most", "up_to")


def _pairs(figures: pl.DataFrame, same_doc: bool) -> pl.DataFrame:
    """Candidate pairs; `agree` when the printed values meet within rounding. A restatement
    carries the same number, so only one-sided qualifiers ('over 20%') widen the interval,
    not 'around' or 'nearly'."""
    v, h = pl.col("value"), pl.col("half")
    lo = pl.when(pl.col("approx").is_in(list(DOWN))).then(-float("inf")).otherwise(v - h)
    hi = pl.when(pl.col("approx").is_in(list(UP))).then(float("inf")).otherwise(pl.max_horizontal(v, pl.col("value_max").fill_null(v)) + h)
    left = figures.select("figure_id", "doc_id", "unit", lo.alias("lo"), hi.alias("hi"))
    on = ["doc_id", "unit"] if same_doc else ["unit"]
    joined = left.join(left, on=on, suffix="_b")
    if not same_doc:
        joined = joined.filter(pl.col("doc_id") < pl.col("doc_id_b"))
    else:
        joined = joined.filter(pl.col("figure_id") < pl.col("figure_id_b"))
    agree = (pl.col("lo") <= pl.col("hi_b") + 1e-9) & (pl.col("lo_b") <= pl.col("hi") + 1e-9)
    return joined.with_columns(agree.alias("agree"))


def crossref_checks(figures: pl.DataFrame, figs: dict[str, dict], periods: pl.DataFrame, texts: dict[str, str],
                    partners: dict[str, list[str]] | None = None) -> list[Check]:
    partners = partners or {}
    pmap = {r[0]: (r[1], r[2]) for r in periods.select("period_id", "start_date", "end_date").iter_rows()}
    usable = figures.filter(
        ~((pl.col("unit") == "count") & (pl.col("value").abs() < MIN_COUNT))
        & pl.col("unit").is_in(["percent", "percentage_point", "GBP", "count", "ratio", "days", "weeks", "months", "years", "hours"])
    )
    out: list[Check] = []
    # within a document: cliques of agreeing, compatible figures
    adj: dict[str, set[str]] = defaultdict(set)
    conflicts: list[tuple[dict, dict]] = []
    for a_id, b_id, ok in _pairs(usable, True).select("figure_id", "figure_id_b", "agree").iter_rows():
        a, b = figs[a_id], figs[b_id]
        if ok and _compatible(a, b, pmap):
            adj[a_id].add(b_id)
            adj[b_id].add(a_id)
        elif not ok and _strong_same(a, b, pmap):
            conflicts.append((a, b))
    seen: set[str] = set()
    for start in sorted(adj):
        if start in seen:
            continue
        comp, stack = set(), [start]
        while stack:
            u = stack.pop()
            if u in comp:
                continue
            comp.add(u)
            stack.extend(adj[u] - comp)
        seen |= comp
        for clique in _cliques(sorted(comp), adj):
            members = sorted((figs[i] for i in clique), key=lambda f: f["start"])
            listed = ", ".join(q(f) for f in members)
            # An endpoint of a stated change is shown with its other endpoint, for context.
            extra = [figs[p] for f in members for p in partners.get(f["figure_id"], []) if p not in clique and p in figs]
            note = "".join(f"; {f['text']} is an endpoint of a change with {figs[p]['text']}" for f in members
                           for p in partners.get(f["figure_id"], []) if p in figs and p not in clique)
            out.append(Check("cross_reference", "xref_restated", members + extra, "pass", members[0]["value"],
                             "agree when every pair's rounding intervals meet",
                             f"The same value is stated {len(members)} times ({listed}) with no context telling them apart; they agree within rounding{note}."))
    # across documents
    for a_id, b_id, ok in _pairs(usable, False).select("figure_id", "figure_id_b", "agree").iter_rows():
        a, b = figs[a_id], figs[b_id]
        if ok and _same_statement(a, b, texts):
            out.append(Check("cross_reference", "xref_across_documents", [a, b], "pass", b["value"] - a["value"],
                             "agree when the rounding intervals meet",
                             f"{q(a)} and {q(b)} state the same quantity in two documents and agree."))
        elif not ok and _strong_same(a, b, pmap):
            conflicts.append((a, b))
        elif a["measure"] and a["measure"] == b["measure"] and a["role"] == b["role"] == "change" and a["direction"] == b["direction"] and a["unit"] == b["unit"]:
            out.append(Check("cross_reference", "xref_same_measure_other_window", [a, b], "unverifiable", abs(b["value"] - a["value"]),
                             "same subject and period required for a pass/fail verdict",
                             f"Both documents state a change in {a['measure'].replace('_', ' ')} ({q(a)} vs {q(b)}), but for a subject or period "
                             f"that cannot be shown to be the same, so the two cannot be reconciled or shown to conflict."))
    for a, b in conflicts:
        out.append(Check("cross_reference", "xref_conflict", [a, b], "fail", b["value"] - a["value"],
                         f"{a['text']} read as {interval_text((a['lo'], a['hi']))}, {b['text']} as {interval_text((b['lo'], b['hi']))}",
                         f"{q(a)} and {q(b)} are the same {a['metric'] or a['measure']} for the same subject and period, but differ by {fmt(abs(b['value'] - a['value']))}."))
    out.extend(_bracketed(figs, texts))
    return out


def _same_statement(a: dict, b: dict, texts: dict[str, str]) -> bool:
    if a["role"] != b["role"] or a["direction"] != b["direction"] or a["approx"] != b["approx"]:
        return False
    if a["metric"] and a["metric"] == b["metric"]:
        return True
    sa, sb = _signature(texts[a["doc_id"]], a), _signature(texts[b["doc_id"]], b)
    return len(sa) >= 15 and sa == sb


def _strong_same(a: dict, b: dict, pmap: dict[str, tuple]) -> bool:
    if a["role"] != b["role"] or a["role"] not in ("level", "to") or a["unit"] != b["unit"]:
        return False
    if a["approx"] or b["approx"]:
        return False
    same_what = (a["measure"] and a["measure"] == b["measure"]) or (a["metric"] and a["metric"] == b["metric"])
    sa, sb = subject_key(a["subject"]), subject_key(b["subject"])
    da, db = _dates(a, pmap), _dates(b, pmap)
    # Open-ended periods ("since 2015") end at each document's own date, so never count as equal.
    return bool(same_what and sa and sa == sb and da and db and da[1] is not None and da == db)


TO_PERCENT = {"percent": 1.0, "fraction": 100.0, "ratio": 100.0}


def _bracketed(figs: dict[str, dict], texts: dict[str, str]) -> list[Check]:
    out = []
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for f in figs.values():
        by_doc[f["doc_id"]].append(f)
    for doc_id, fs in by_doc.items():
        fs.sort(key=lambda f: f["start"])
        text = texts.get(doc_id, "")
        for a, b in zip(fs, fs[1:]):
            if a["unit"] not in TO_PERCENT or b["unit"] not in TO_PERCENT or a["unit"] == b["unit"]:
                continue
            if not re.fullmatch(r"\s*\(\s*", text[a["end"] : b["start"]]):
                continue
            ka, kb = TO_PERCENT[a["unit"]], TO_PERCENT[b["unit"]]
            ia, ib = (a["lo"] * ka, a["hi"] * ka), (b["lo"] * kb, b["hi"] * kb)
            verdict = "pass" if overlaps(ia, ib) else "fail"
            out.append(Check("cross_reference", "xref_bracketed_restatement", [a, b], verdict, b["value"] * kb - a["value"] * ka,
                             f"{q(a)} read as {interval_text(ia, 'percent')}; {b['text']} as {interval_text(ib, 'percent')}",
                             f"{q(a)} is restated in brackets as {b['text']}; {'they agree' if verdict == 'pass' else 'they disagree'}."))
    return out
