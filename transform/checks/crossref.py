"""cross_reference: the same quantity stated twice, in one document or across documents.

Candidate pairs never come from all pairs: each verdict below needs some fields equal, so
candidates come from Polars equality joins on those keys (agreement adds a log-spaced value
bucket that two meeting intervals always share), and a key group above GROUP_CAP figures pairs
nothing. The cost is linear in the number of figures, within and across documents
(tests/transform/test_crossref_linear.py compares with all pairs).

- Agreement within a document: the two figures sit in different sentences, have compatible
  roles (equal, or one is a bare figure with no metric, subject or period, as in an
  infographic), and nothing in their context tells them apart (metric, measure, subject,
  period and direction equal where both are known). Each maximal set of mutually agreeing
  figures is one check (pass).
- Agreement across documents needs positive evidence that it is the same statement: equal
  role, direction and qualifier, and the same metric, or the same words just before the number.
- Conflict: same unit, role, metric, subject and period dates, all known, in prose sentences
  (not table cells or numbers alone on a line), values apart beyond rounding: fail. The same measure and role across documents with values apart but
  subject or period unknown or different: unverifiable (the windows cannot be reconciled).
- A figure restated in brackets right after another ("nearly half (48%)"): the two must agree
  after converting fractions and ratios to percent.
Counts below MIN_COUNT are left out (small numbers coincide too often to mean anything).
"""

from __future__ import annotations

import math
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
# Candidate pairs come from equality joins on keys that every pair of a verdict shares, plus a
# value bucket for agreement, never from all pairs: the cost is linear in the figures. A key
# group larger than GROUP_CAP (one value printed in hundreds of table cells) pairs nothing:
# so many equal statements carry no evidence that any two of them are the same quantity.
GROUP_CAP = 40
# Agreement buckets: log-spaced BUCKET_RATIO apart from BUCKET_EPS; an interval spanning
# MAX_BUCKETS buckets or more (open or zero-crossing) is paired on its keys alone.
BUCKET_RATIO = 1.05
BUCKET_EPS = 1e-6
MAX_BUCKETS = 16
USABLE_UNITS = ["percent", "percentage_point", "GBP", "count", "ratio", "days", "weeks", "months", "years", "hours"]


def restated_interval(f: pl.DataFrame | dict) -> tuple[float, float] | None:
    """The interval of a restatement, for a figure row: it carries the same number, so only
    one-sided qualifiers ('over 20%') widen it, not 'around' or 'nearly'."""
    top = max(f["value"], f["value_max"] if f["value_max"] is not None else f["value"])
    lo = -math.inf if f["approx"] in DOWN else f["value"] - f["half"]
    hi = math.inf if f["approx"] in UP else top + f["half"]
    return lo, hi


def _intervals(figures: pl.DataFrame) -> pl.DataFrame:
    """`lo`, `hi` columns of `restated_interval`."""
    v, h = pl.col("value"), pl.col("half")
    lo = pl.when(pl.col("approx").is_in(list(DOWN))).then(-math.inf).otherwise(v - h)
    hi = pl.when(pl.col("approx").is_in(list(UP))).then(math.inf).otherwise(pl.max_horizontal(v, pl.col("value_max").fill_null(v)) + h)
    return figures.with_columns(lo.alias("lo"), hi.alias("hi"))


def _bucket(x: pl.Expr) -> pl.Expr:
    """A monotone integer bucket of x: 0 near zero, log-spaced buckets signed like x (null when
    x is infinite)."""
    k = (x.abs() / BUCKET_EPS).log() / math.log(BUCKET_RATIO)
    b = pl.when(x.abs() < BUCKET_EPS).then(0.0).otherwise(x.sign() * (k.floor() + 1))
    return pl.when(b.is_finite()).then(b).cast(pl.Int64)


def _ordered(joined: pl.DataFrame, same_doc: bool) -> pl.DataFrame:
    """Each unordered pair once: within a document figure_id < figure_id_b, across documents
    doc_id < doc_id_b."""
    if same_doc:
        return joined.filter(pl.col("figure_id") < pl.col("figure_id_b"))
    return joined.filter(pl.col("doc_id") < pl.col("doc_id_b"))


def _keyed(figures: pl.DataFrame, keys: list[str], extra: tuple[str, ...] = ()) -> pl.DataFrame:
    cols = list(dict.fromkeys(["figure_id", "doc_id", *keys, *extra]))
    return figures.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys)).select(cols)


def agreeing_pairs(figures: pl.DataFrame, keys: list[str], same_doc: bool) -> pl.DataFrame:
    """Pairs (figure_id, figure_id_b) equal on `keys` (none null) whose restatement intervals
    meet. Two intervals that meet share a value bucket, so joining on the buckets misses no
    pair; a bucket group above GROUP_CAP is left out."""
    f = _keyed(_intervals(figures), keys, ("lo", "hi"))
    f = f.with_columns(_bucket(pl.col("lo")).alias("_b0"), _bucket(pl.col("hi")).alias("_b1"))
    narrow = pl.col("_b0").is_not_null() & pl.col("_b1").is_not_null() & (pl.col("_b1") - pl.col("_b0") < MAX_BUCKETS)
    near = f.filter(narrow).with_columns(pl.int_ranges("_b0", pl.col("_b1") + 1).alias("_bucket")).explode("_bucket")
    near = near.filter(pl.len().over([*keys, "_bucket"]) <= GROUP_CAP).drop("_b0", "_b1")
    wide = f.filter(~narrow).drop("_b0", "_b1")
    every = f.drop("_b0", "_b1")
    pairs = pl.concat(
        [near.join(near, on=[*keys, "_bucket"], suffix="_b").drop("_bucket"),
         wide.join(every, on=keys, suffix="_b"), every.join(wide, on=keys, suffix="_b")],
        how="diagonal_relaxed",
    )
    meet = (pl.col("lo") <= pl.col("hi_b") + 1e-9) & (pl.col("lo_b") <= pl.col("hi") + 1e-9)
    return _ordered(pairs, same_doc).filter(meet).select("figure_id", "figure_id_b").unique(maintain_order=True)


def keyed_pairs(figures: pl.DataFrame, keys: list[str], same_doc: bool) -> pl.DataFrame:
    """Pairs (figure_id, figure_id_b) equal on every key (none null); groups above GROUP_CAP
    are left out."""
    f = _keyed(figures, keys)
    f = f.filter(pl.len().over(keys) <= GROUP_CAP)
    return _ordered(f.join(f, on=keys, suffix="_b"), same_doc).select("figure_id", "figure_id_b").unique(maintain_order=True)


def _with_keys(figures: pl.DataFrame, periods: pl.DataFrame, texts: dict[str, str]) -> pl.DataFrame:
    """The join keys of the verdict rules: `_subject` (subject class), `_from`/`_to` (the
    period's dates) and `_sig` (the words before the number, when 15 characters or more)."""
    dates = periods.select("period_id", pl.col("start_date").alias("_from"), pl.col("end_date").alias("_to"))
    subjects = figures["subject"].drop_nulls().unique().to_list()
    skey = pl.DataFrame({"subject": subjects, "_subject": [subject_key(s) for s in subjects]},
                        schema={"subject": pl.String, "_subject": pl.String})
    sig = [_signature(texts.get(d, ""), {"start": s, "sentence_start": ss})
           for d, s, ss in figures.select("doc_id", "start", "sentence_start").iter_rows()]
    return (
        figures.join(dates, on="period_id", how="left").join(skey, on="subject", how="left")
        .with_columns(pl.Series("_sig", sig, dtype=pl.String), wording_keys(figures, texts))
        .with_columns(pl.when(pl.col("_sig").str.len_chars() >= 15).then(pl.col("_sig")).alias("_sig"))
    )


WORDING_BEFORE_CHARS = 150
WORDING_AFTER_CHARS = 80
WORDING_MIN_LETTERS = 80


def wording_keys(figures: pl.DataFrame, texts: dict[str, str]) -> pl.Series:
    """For each figure, the words printed around it (WORDING_BEFORE_CHARS before, WORDING_AFTER_CHARS
    after, within its line's paragraph), lower-cased, with every other figure replaced by '#':
    the same passage printed twice (a statement copied into another report, a summary repeated)
    has the same key whatever its numbers say. Null when the words are too few to tell."""
    out: list[str | None] = []
    by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d, a, b in figures.select("doc_id", "start", "end").iter_rows():
        by_doc[d].append((a, b))
    for spans in by_doc.values():
        spans.sort()
    for d, a, b in figures.select("doc_id", "start", "end").iter_rows():
        text = texts.get(d, "")
        lo, hi = max(0, a - WORDING_BEFORE_CHARS), min(len(text), b + WORDING_AFTER_CHARS)
        piece, pos = [], lo
        for s_, e_ in by_doc[d]:
            if e_ <= lo or s_ >= hi:
                continue
            piece.append(text[pos:max(pos, s_)])
            piece.append(" @ " if (s_, e_) == (a, b) else " # ")
            pos = max(pos, e_)
        piece.append(text[pos:hi])
        key = " ".join(re.sub(r"[^a-z0-9#@]+", " ", "".join(piece).lower()).split())
        out.append(key if sum(ch.isalpha() for ch in key) >= WORDING_MIN_LETTERS else None)
    return pl.Series("_wording", out, dtype=pl.String)


def _conflict_candidates(f: pl.DataFrame, same_doc: bool) -> pl.DataFrame:
    """Pairs that may be one quantity stated twice (every condition of `_strong_same` that a
    key can hold: role, unit, subject, dates, and measure or metric)."""
    strong = f.filter(pl.col("role").is_in(["level", "to"]) & pl.col("approx").is_null() & pl.col("_to").is_not_null()
                      & (pl.col("layout") == "prose"))
    base = ["unit", "role", "_subject", "_from", "_to"] + (["doc_id"] if same_doc else [])
    return keyed_pairs(strong, [*base, "metric"], same_doc)


def _in_doc_order(pairs: pl.DataFrame, figs: dict[str, dict]) -> list[tuple[str, str]]:
    """Pairs across documents as (figure of the smaller doc_id, figure of the larger), sorted."""
    out = []
    for a_id, b_id in pairs.iter_rows():
        if figs[a_id]["doc_id"] > figs[b_id]["doc_id"]:
            a_id, b_id = b_id, a_id
        out.append((a_id, b_id))
    return sorted(out)


def _meet(a: dict, b: dict) -> bool:
    return overlaps(restated_interval(a), restated_interval(b))


def crossref_checks(figures: pl.DataFrame, figs: dict[str, dict], periods: pl.DataFrame, texts: dict[str, str],
                    partners: dict[str, list[str]] | None = None) -> list[Check]:
    partners = partners or {}
    pmap = {r[0]: (r[1], r[2]) for r in periods.select("period_id", "start_date", "end_date").iter_rows()}
    usable = figures.filter(~((pl.col("unit") == "count") & (pl.col("value").abs() < MIN_COUNT)) & pl.col("unit").is_in(USABLE_UNITS)
                            & (pl.col("layout") != "furniture"))
    usable = _with_keys(usable, periods, texts)
    out: list[Check] = []
    # within a document: cliques of agreeing, compatible figures
    adj: dict[str, set[str]] = defaultdict(set)
    conflicts: list[tuple[dict, dict]] = []
    for a_id, b_id in sorted(agreeing_pairs(usable, ["doc_id", "unit"], True).iter_rows()):
        if _compatible(figs[a_id], figs[b_id], pmap):
            adj[a_id].add(b_id)
            adj[b_id].add(a_id)
    for a_id, b_id in sorted(_conflict_candidates(usable, True).iter_rows()):
        a, b = figs[a_id], figs[b_id]
        if not _meet(a, b) and _strong_same(a, b, pmap):
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
    # across documents: agreement needs the same statement (same metric or the same words before the number)
    agree = pl.concat([agreeing_pairs(usable, ["unit", "role", "metric"], False),
                       agreeing_pairs(usable, ["unit", "role", "_sig"], False)]).unique(maintain_order=True)
    stated_same: set[tuple[str, str]] = set()
    for a_id, b_id in _in_doc_order(agree, figs):
        a, b = figs[a_id], figs[b_id]
        if _same_statement(a, b, texts):
            stated_same.add((a_id, b_id))
            out.append(Check("cross_reference", "xref_across_documents", [a, b], "pass", b["value"] - a["value"],
                             "agree when the rounding intervals meet",
                             f"{q(a)} and {q(b)} state the same quantity in two documents and agree."))
    for a_id, b_id in _in_doc_order(_conflict_candidates(usable, False), figs):
        a, b = figs[a_id], figs[b_id]
        if not _meet(a, b) and _strong_same(a, b, pmap):
            conflicts.append((a, b))
            stated_same.add((a_id, b_id))
    # the same measure changing in two documents, not shown to be one statement: unverifiable
    changes = usable.filter(pl.col("role") == "change").with_columns(pl.col("direction").fill_null("").alias("_direction"))
    for a_id, b_id in _in_doc_order(keyed_pairs(changes, ["unit", "measure", "_direction"], False), figs):
        if (a_id, b_id) in stated_same:
            continue
        a, b = figs[a_id], figs[b_id]
        out.append(Check("cross_reference", "xref_same_measure_other_window", [a, b], "unverifiable", abs(b["value"] - a["value"]),
                         "same subject and period required for a pass/fail verdict",
                         f"Both documents state a change in {a['measure'].replace('_', ' ')} ({q(a)} vs {q(b)}), but for a subject or period "
                         f"that cannot be shown to be the same, so the two cannot be reconciled or shown to conflict."))
    out.extend(_same_wording(usable, figs))
    for a, b in conflicts:
        out.append(Check("cross_reference", "xref_conflict", [a, b], "fail", b["value"] - a["value"],
                         f"{a['text']} read as {interval_text((a['lo'], a['hi']))}, {b['text']} as {interval_text((b['lo'], b['hi']))}",
                         f"{q(a)} and {q(b)} are the same {a['metric'] or a['measure']} for the same subject and period, but differ by {fmt(abs(b['value'] - a['value']))}."))
    out.extend(_bracketed(figs, texts))
    return out


def _same_wording(usable: pl.DataFrame, figs: dict[str, dict]) -> list[Check]:
    """One passage printed twice, in one document or two (`wording_keys`; across documents only
    in exactly two of them, with the same start date and named subject): its figures must agree. Only
    figures of prose (not table cells or numbers alone on a line) take part."""
    # Words printed three times or more in one document are a template (a source note under each
    # table: 'extrapolated from 108 local authority responses'), not one statement repeated.
    prose = usable.filter((pl.col("layout") == "prose") & (pl.len().over("doc_id", "_wording") <= 2))
    # Across documents the same words are often a template (every inspection report's context
    # section, with dates that often coincide): there the passage must be in exactly two documents,
    # with the same start date and the same council or group, named.
    across = prose.filter(pl.col("doc_id").n_unique().over("_wording") == 2)
    pairs = pl.concat([keyed_pairs(prose, ["unit", "_wording", "doc_id"], True),
                       keyed_pairs(across, ["unit", "_wording", "_subject", "_from"], False)])
    out = []
    for a_id, b_id in sorted(set(pairs.iter_rows())):
        a, b = sorted((figs[a_id], figs[b_id]), key=lambda f: (f["doc_id"], f["start"]))
        agree = _meet(a, b)
        where = "in two documents" if a["doc_id"] != b["doc_id"] else "twice in one document"
        out.append(Check("cross_reference", "xref_same_wording", [a, b], "pass" if agree else "fail", b["value"] - a["value"],
                         "agree when the rounding intervals meet",
                         f"The same words are printed {where} around {q(a)} and {q(b)}; "
                         + ("they agree." if agree else f"the figures differ by {fmt(abs(b['value'] - a['value']))}.")))
    return out


def _same_statement(a: dict, b: dict, texts: dict[str, str]) -> bool:
    if a["role"] != b["role"] or a["direction"] != b["direction"] or a["approx"] != b["approx"]:
        return False
    if a["metric"] and a["metric"] == b["metric"]:
        return True
    sa, sb = _signature(texts[a["doc_id"]], a), _signature(texts[b["doc_id"]], b)
    return len(sa) >= 15 and sa == sb


def _strong_same(a: dict, b: dict, pmap: dict[str, tuple]) -> bool:
    """One quantity stated twice: the same metric (the noun phrase the number measures, not only
    its broad measure), subject and period, both in prose (a table's cells and lone numbers on a
    line, such as axis ticks, are different quantities by construction), in different sentences."""
    if a["role"] != b["role"] or a["role"] not in ("level", "to") or a["unit"] != b["unit"]:
        return False
    if a["approx"] or b["approx"] or a["sentence_id"] == b["sentence_id"]:
        return False
    if a.get("layout", "prose") != "prose" or b.get("layout", "prose") != "prose":
        return False
    # A one-word metric ('children') names a kind of thing, not one quantity.
    same_what = a["metric"] and a["metric"] == b["metric"] and len(a["metric"].split()) >= 2
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
