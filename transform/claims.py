"""Claims: what each figure is stated as, grouped into statements (pure; frames in, frame out).

A claim is one statement a document makes with numbers:

- ``change``: a stated change and/or its endpoints ("rose by 10%, from 200 to 220"): the
  figures of roles change/from/to that follow each other in one clause; a level figure right
  beside a change that lacks an endpoint is kept as context ("597 days, 30 days less").
- ``comparison``: a figure comparing two values ("25% less than", "double the rate of",
  "a gap of 9%", "6% ... (20%) compared with (14%)"); `comparison_target` is the text after
  "than"/"the" naming what it is compared with.
- ``share``: a part restated as a share of a total ("48 of the 120 homes, or 40%", "480, or 12%").
- ``duration``: a duration followed by the dates it spans ("the 14 months between March 2017
  and May 2018").
- ``level``: any other figure (a state, a target).

Clauses: a sentence is cut between two figures where the text between them reads as a new
item (a bullet, a semicolon; cue ``clause_break``). Within a clause, a change group ends where a
second direction word opens another change ("up 3% on a year ago and up from 900 in 2012"; cue
``change_restart``), where the next figure is more than MAX_CHANGE_GAP_CHARS further on, or
where it names another subject: a stated change is never paired with the endpoint of another
statement. Each claim carries the subject, metric, measure (a canonical quantity from
check_rules.yaml `measures`), period and sentence of its main figure, and a span from its first
to its last figure.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import polars as pl

from transform.checks.policy import DURATION_UNITS, cue, measure_of

CLAIM_KINDS = ("level", "change", "comparison", "share", "duration")
CLAIM_COLUMNS = {
    "claim_id": pl.String, "doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
    "kind": pl.String, "figure_ids": pl.List(pl.String), "main_figure_id": pl.String,
    "change_figure_id": pl.String, "from_figure_id": pl.String, "to_figure_id": pl.String,
    "context_figure_ids": pl.List(pl.String), "unit": pl.String, "direction": pl.String,
    "subject": pl.String, "metric": pl.String, "measure": pl.String, "period_id": pl.String,
    "comparison_cue": pl.String, "comparison_target": pl.String, "sentence_id": pl.String,
}
AFTER_CHARS = 60
AVERAGED = re.compile(r"\b(?:average|mean|median)\b", re.IGNORECASE)
MEASURED_DURATION = re.compile(r"\b(?:average|averag\w+|mean|median|took|taking|takes|waited|waiting|wait|within|of)\s+(?:of\s+)?(?:an?\s+)?$", re.IGNORECASE)
MEASURE_BEFORE_CHARS = 90
ADJACENT_CHARS = 40
MAX_CHANGE_GAP_CHARS = 120


def empty_claims() -> pl.DataFrame:
    return pl.DataFrame(schema=CLAIM_COLUMNS)


def comparison_cue_of(text: str, f: dict, sentence_end: int) -> str | None:
    """The comparison cue id a figure carries, judged from the text around it."""
    after = text[f["end"] : min(len(text), f["end"] + AFTER_CHARS)]
    before = text[max(0, f["start"] - 20) : f["start"]]
    if f["role"] in ("change", "from", "to"):
        return None
    if f["unit"] in ("percent", "percentage_point"):
        if cue("comparison_less").search(after):
            return "comparison_less"
        if cue("comparison_more").search(after):
            return "comparison_more"
        if cue("difference_gap").search(before) or cue("difference_gap").search(after):
            return "difference_gap"
        if f["unit"] == "percentage_point" and f["role"] == "other":
            rest = text[f["end"] : sentence_end]
            if cue("comparison_compared").search(rest):
                return "comparison_compared"
    if f["unit"] == "multiplier" and f["role"] == "other" and cue("comparison_multiple").search(after):
        return "comparison_multiple"
    return None


def _target(text: str, f: dict, sentence_end: int) -> str | None:
    rest = text[f["end"] : sentence_end]
    for word in ("than", "as", "the"):
        m = re.search(rf"\s{word}\s", rest)  # a line break counts as a space
        if m and m.start() < AFTER_CHARS:
            tail = rest[m.end() :]
            cut = min([j for j in (tail.find(c) for c in ".,;:()\n") if j >= 0] or [len(tail)])
            return " ".join(tail[: min(cut, 60)].split()) or None
    return None


def _duration_span(text: str, f: dict) -> bool:
    """A duration followed by the dates it spans ('the 14 months between March 2017 and May 2018');
    not a duration measured during them ('took an average of 66 weeks between April and March')."""
    if MEASURED_DURATION.search(text[max(0, f["start"] - 40) : f["start"]]) or AVERAGED.search(text[max(f["sentence_start"], f["start"] - 150) : f["start"]]):
        return False
    after = text[f["end"] : f["end"] + 30]
    for k in range(len(after), 0, -1):
        if cue("duration_span").search(after[:k]):
            return True
    return False


def _share(text: str, f: dict, nxt: dict | None) -> bool:
    if nxt is None or f["unit"] not in ("count", "GBP"):
        return False
    between = text[f["end"] : nxt["start"]]
    return len(between) <= 30 and bool(cue("share_of_total").search(between)) and nxt["unit"] in ("percent", "count", "GBP")


def _segments(text: str, figs: list[dict]) -> list[list[dict]]:
    segs: list[list[dict]] = []
    for f in figs:
        if segs and not cue("clause_break").search(text[segs[-1][-1]["end"] : f["start"]]):
            segs[-1].append(f)
        else:
            segs.append([f])
    return segs


def _claim_row(doc_id: str, text: str, kind: str, main: dict, figs: list[dict], **extra) -> dict:
    ids = [f["figure_id"] for f in figs]
    start = min(f["start"] for f in figs)
    end = max(f["end"] for f in figs)
    ctx_start = max(main["sentence_start"], main["start"] - MEASURE_BEFORE_CHARS)
    context = text[ctx_start : min(main["sentence_end"], end + 30)]
    row = {
        "claim_id": doc_id[:16] + "-K" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:12],
        "doc_id": doc_id, "start": start, "end": end, "text": text[start:end], "kind": kind,
        "figure_ids": ids, "main_figure_id": main["figure_id"], "change_figure_id": None,
        "from_figure_id": None, "to_figure_id": None, "context_figure_ids": [],
        "unit": main["unit"], "direction": _direction(kind, figs, text),
        "subject": next((f["subject"] for f in figs if f["subject"]), None),
        "metric": next((f["metric"] for f in figs if f["metric"]), None),
        "measure": measure_of(context) or measure_of(main["metric"]),
        "period_id": next((f["period_id"] for f in figs if f["period_id"]), None),
        "comparison_cue": None, "comparison_target": None, "sentence_id": main["sentence_id"],
    }
    row.update(extra)
    return row


STATED_WINDOW_CHARS = 150
AFTER_WORD_CHARS = 25


def _direction(kind: str, figs: list[dict], text: str = "") -> str | None:
    """The direction a claim states. For a change of endpoints only (no change figure), the word
    that says which way a number moved ('rose', 'fell'; cues numeric_increase / numeric_decrease):
    between the endpoints, else the last before them in the sentence, else the first right after:
    a from/to figure's `direction` follows the values, and 'improved' says nothing of the sign,
    so neither can be taken as what the text states."""
    roles = {f["role"] for f in figs}
    if kind == "change" and "change" not in roles and text:
        first, last = min(f["start"] for f in figs), max(f["end"] for f in figs)
        lo = max(figs[0]["sentence_start"], first - STATED_WINDOW_CHARS)
        # between the endpoints ('9%, down from 21%'), else the last before them, else the first after
        for a, b, pick in ((first, last, min), (lo, first, max), (last, min(len(text), last + AFTER_WORD_CHARS), min)):
            words = [(m.start(), "increase") for m in cue("numeric_increase").finditer(text, a, b)]
            words += [(m.start(), "decrease") for m in cue("numeric_decrease").finditer(text, a, b)]
            # right after the endpoints only a word that closes the statement ('..., a rise'), not one
            # that opens a comparison ('but is higher than the national average')
            words = [w for w in words if a != last or not re.match(r"\w*\s+than\b", text[w[0] : w[0] + 30])]
            if words:
                return pick(words)[1]
        return None
    return next((f["direction"] for f in figs if f["direction"]), None)


def _change_groups(text: str, seg: list[dict]) -> list[list[dict]]:
    groups: list[list[dict]] = []
    for f in seg:
        if f["role"] not in ("change", "from", "to") or f.get("_used"):
            continue
        if groups and f["role"] not in {g["role"] for g in groups[-1]} and _same_clause(text, groups[-1], f):
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def _same_clause(text: str, group: list[dict], f: dict) -> bool:
    # A from/to pair needs the same kind of quantity; a change may be of another unit (%).
    ends = [g for g in group if g["role"] in ("from", "to")]
    if f["role"] in ("from", "to") and ends and ends[0]["unit"] != f["unit"]:
        return False
    # A second direction word ("... and up from 900") opens another change statement: the
    # figures after it belong to that statement, not to this one (cue ``change_restart``).
    last = max(g["end"] for g in group)
    if last <= f["start"] and cue("change_restart").search(text[last : f["start"]]):
        return False
    # The figures of one change sit close together and speak of one subject: a figure far
    # after the group, or naming another authority or group, starts another statement.
    if f["start"] - last > MAX_CHANGE_GAP_CHARS:
        return False
    subjects = {g["subject"] for g in group if g["subject"]}
    if f["subject"] and subjects and f["subject"] not in subjects:
        return False
    return True


def build_claims(figures: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Claims of the figures (see module doc). Pure: depends only on the three frames."""
    if figures.is_empty():
        return empty_claims()
    sent = sentences.select("sentence_id", pl.col("start").alias("sentence_start"), pl.col("end").alias("sentence_end"))
    figs = (
        figures.join(sent, on="sentence_id", how="left")
        .with_columns(
            pl.col("sentence_start").fill_null(pl.col("start")),
            pl.col("sentence_end").fill_null(pl.col("end")),
            pl.col("sentence_id").fill_null(pl.col("figure_id")),
        )
        .sort("doc_id", "start")
    )
    texts = dict(documents.select("doc_id", "text").iter_rows())
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in figs.iter_rows(named=True):
        by_doc[r["doc_id"]].append(r)
    rows: list[dict] = []
    for doc_id, doc_figs in by_doc.items():
        text = texts.get(doc_id, "")
        by_sentence: dict[str, list[dict]] = defaultdict(list)
        for f in doc_figs:
            by_sentence[f["sentence_id"]].append(f)
        for sfigs in by_sentence.values():
            rows.extend(_sentence_claims(doc_id, text, sfigs))
    if not rows:
        return empty_claims()
    return pl.DataFrame(rows, schema=CLAIM_COLUMNS).unique("claim_id", keep="first").sort("doc_id", "start", "claim_id")


def _sentence_claims(doc_id: str, text: str, sfigs: list[dict]) -> list[dict]:
    rows: list[dict] = []
    for seg in _segments(text, sfigs):
        for i, f in enumerate(seg):
            c = comparison_cue_of(text, f, f["sentence_end"])
            if c:
                f["_used"] = True
                rows.append(_claim_row(doc_id, text, "comparison", f, [f], comparison_cue=c,
                                       comparison_target=_target(text, f, f["sentence_end"])))
            elif f["unit"] in DURATION_UNITS and f["role"] in ("other", "level") and _duration_span(text, f):
                f["_used"] = True
                rows.append(_claim_row(doc_id, text, "duration", f, [f]))
            elif _share(text, f, seg[i + 1] if i + 1 < len(seg) else None) and not seg[i + 1].get("_used"):
                nxt = seg[i + 1]
                f["_used"] = nxt["_used"] = True
                rows.append(_claim_row(doc_id, text, "share", f, [f, nxt]))
        for group in _change_groups(text, seg):
            for g in group:
                g["_used"] = True
            roles = {g["role"]: g for g in group}
            context = _context_levels(text, seg, group)
            main = roles.get("change") or roles.get("to") or roles.get("from")
            rows.append(_claim_row(
                doc_id, text, "change", main, group + context,
                change_figure_id=roles["change"]["figure_id"] if "change" in roles else None,
                from_figure_id=roles["from"]["figure_id"] if "from" in roles else None,
                to_figure_id=roles["to"]["figure_id"] if "to" in roles else None,
                context_figure_ids=[c["figure_id"] for c in context],
            ))
        for f in seg:
            if not f.get("_used"):
                rows.append(_claim_row(doc_id, text, "level", f, [f]))
    return rows


def _context_levels(text: str, seg: list[dict], group: list[dict]) -> list[dict]:
    """Level figures right beside a change that lacks an endpoint (kept as context)."""
    roles = {g["role"] for g in group}
    if "change" not in roles or {"from", "to"} <= roles:
        return []
    first, last = min(g["start"] for g in group), max(g["end"] for g in group)
    out = []
    for f in seg:
        if f.get("_used") or f["role"] != "level":
            continue
        if 0 <= first - f["end"] <= ADJACENT_CHARS or 0 <= f["start"] - last <= ADJACENT_CHARS:
            out.append(f)
    return out[:1]
