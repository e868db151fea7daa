"""Per-rule precision and recall of extracted tables against gold annotations (pure, no I/O).

The overall numbers reproduce ``../shared/eval/score.py`` exactly (see ../shared/gold/SCHEMA.md):

- predictions are joined to their document's ``source_name`` (the gold's ``doc``) and only
  predictions of documents that have gold items in the same table are scored;
- figures, periods and authority mentions: per document, gold items in (start, end) order
  each take one not-yet-used prediction whose span overlaps theirs, preferring one that
  agrees strictly, then the smallest |start difference| + |end difference| (ties: the
  first prediction in warehouse row order); "strict" means value and unit (figures), kind
  and dates (periods), gss_code or canonical name (authorities) agree;
- gold items marked optional are neither required nor penalised: a prediction matched to
  one is not scored;
- ratings are matched on (doc, normalised authority, normalised rating), required gold
  first, each gold item taking the first remaining prediction with its key.

On top of that every scored prediction gets an *outcome*, attributed to its ``rule_id``:

=============  ==================================================================
``strict``     matched a required gold item and agrees strictly (a strict true positive)
``span_only``  matched a required gold item but value/unit, kind/dates or authority disagree
``fp``         matched no gold item (``overlaps_gold`` names an overlapping gold item that
               another prediction took, if any)
``optional``   matched an optional gold item (not scored)
=============  ==================================================================

Per rule: precision = strict / (predictions - optional), recall = strict / required gold
items of the table (the rule's share of the gold). Summed over rules these give the overall
strict precision and recall. Required gold items no prediction overlaps are the *misses*.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

Row = dict[str, Any]

STRICT: Final = "strict"
SPAN_ONLY: Final = "span_only"
FP: Final = "fp"
OPTIONAL: Final = "optional"
OUTCOMES: Final = (STRICT, SPAN_ONLY, FP, OPTIONAL)

# Gold tables scored by span, in report order, and the ratings table (scored by key).
SPAN_GOLD: Final = ("figures", "periods", "authorities")
RATINGS: Final = "ratings"
GOLD_NAMES: Final = (*SPAN_GOLD, RATINGS)


# --- the scorer's primitives (identical behaviour to ../shared/eval/score.py) ----------------


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """tp/fp/fn with precision, recall and F1 rounded to 4 places (0.0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two half-open character spans share at least one character."""
    return max(a["start"], b["start"]) < min(a["end"], b["end"])


def close(a: Any, b: Any) -> bool:
    """Numbers equal within a relative 1e-4 (absolute 1e-6); None equals only None."""
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if math.isnan(x) or math.isnan(y):
        return False
    return abs(x - y) <= max(1e-6, 1e-4 * max(abs(x), abs(y)))


def norm(s: Any) -> str | None:
    """Lower case, '-' and '_' as spaces, whitespace collapsed; None for None or blank."""
    if s is None:
        return None
    text = str(s).strip().lower().replace("-", " ").replace("_", " ")
    return " ".join(text.split()) or None


def iso(d: Any) -> str | None:
    """A date (or ISO string) as 'YYYY-MM-DD'."""
    return None if d is None else str(d)[:10]


def strict_figure(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    """Value and unit agree."""
    return close(g["value"], p.get("value")) and norm(g["unit"]) == norm(p.get("unit"))


def strict_period(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    """Kind, start date and end date agree."""
    return (
        norm(g["kind"]) == norm(p.get("kind"))
        and iso(g.get("start_date")) == iso(p.get("start_date"))
        and iso(g.get("end_date")) == iso(p.get("end_date"))
    )


def strict_authority(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    """The gold GSS code is given and equal, or the canonical names agree."""
    return bool(g.get("gss_code") and g.get("gss_code") == p.get("gss_code")) or norm(g.get("canonical")) == norm(
        p.get("canonical")
    )


def attribute_agrees(attr: str, g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    """The scorer's per-attribute agreement (numbers within `close` for value/value_max)."""
    return norm(g.get(attr)) == norm(p.get(attr)) or (attr in ("value", "value_max") and close(g.get(attr), p.get(attr)))


# --- table specifications ----------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """How one gold file is scored against one warehouse table."""

    gold: str  # gold file stem (figures.jsonl -> "figures")
    table: str  # warehouse table
    strict: Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
    attrs: tuple[str, ...]  # the scorer's attribute accuracy on matched items
    rule_attrs: tuple[str, ...]  # attribute accuracy shown per rule
    fields: tuple[tuple[str, pl.DataType], ...]  # compared fields, shown predicted vs gold


SPECS: Final[dict[str, TableSpec]] = {
    "figures": TableSpec(
        "figures",
        "figures",
        strict_figure,
        attrs=("value", "unit", "approx", "role", "direction"),
        rule_attrs=("approx", "role", "direction"),
        fields=(
            ("value", pl.Float64()),
            ("value_max", pl.Float64()),
            ("unit", pl.String()),
            ("approx", pl.String()),
            ("role", pl.String()),
            ("direction", pl.String()),
        ),
    ),
    "periods": TableSpec(
        "periods",
        "periods",
        strict_period,
        attrs=("kind",),
        rule_attrs=(),
        fields=(("kind", pl.String()), ("start_date", pl.String()), ("end_date", pl.String())),
    ),
    "authorities": TableSpec(
        "authorities",
        "authority_mentions",
        strict_authority,
        attrs=("canonical", "gss_code"),
        rule_attrs=(),
        fields=(("canonical", pl.String()), ("gss_code", pl.String()), ("la_type", pl.String())),
    ),
    RATINGS: TableSpec(
        RATINGS,
        "ratings",
        lambda g, p: rating_key(g) == rating_key(p),
        attrs=(),
        rule_attrs=(),
        fields=(("authority", pl.String()), ("rating", pl.String()), ("when", pl.String())),
    ),
}

# Warehouse tables evaluate() reads.
PRED_TABLES: Final = ("documents", *(SPECS[g].table for g in GOLD_NAMES))


def rating_key(r: Mapping[str, Any]) -> tuple[Any, str | None, str | None]:
    """(doc, normalised authority, normalised rating): what a rating is matched on."""
    return (r["doc"], norm(r.get("authority")), norm(r.get("rating")))


# --- results -------------------------------------------------------------------------------------


@dataclass
class TableScore:
    """The evaluation of one gold table.

    `overall` has exactly the shape of score.py's report entry for the table. `outcomes`
    has one row per scored prediction (rule_id, doc, span, outcome, matched gold, fields
    predicted and gold, per-attribute agreement), `misses` one row per required gold item
    nothing matched, and `rules` one row per rule_id.
    """

    name: str
    overall: dict[str, Any]
    n_gold: int  # required gold items
    n_optional_gold: int
    n_unscored: int  # predictions in documents without gold for this table
    outcomes: pl.DataFrame
    misses: pl.DataFrame
    rules: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: overall, counts, per-rule rows, every non-strict outcome and the misses."""
        return {
            "overall": self.overall,
            "gold_required": self.n_gold,
            "gold_optional": self.n_optional_gold,
            "unscored_predictions": self.n_unscored,
            "misses": self.misses.height,
            "rules": self.rules.to_dicts(),
            "details": {
                "fp": self.outcomes.filter(pl.col("outcome") == FP).to_dicts(),
                "span_only": self.outcomes.filter(pl.col("outcome") == SPAN_ONLY).to_dicts(),
                "attribute_errors": attribute_errors(self).to_dicts(),
                "misses": self.misses.to_dicts(),
            },
        }


@dataclass
class Evaluation:
    """The evaluation of every gold table (figures, periods, authorities, ratings)."""

    tables: dict[str, TableScore] = field(default_factory=dict)

    def overall(self) -> dict[str, Any]:
        """Per table, the same numbers score.py reports."""
        return {name: t.overall for name, t in self.tables.items()}

    def to_dict(self) -> dict[str, Any]:
        """The whole result, JSON-ready."""
        return {name: t.to_dict() for name, t in self.tables.items()}


def attribute_errors(score: TableScore) -> pl.DataFrame:
    """Matched (strict or span-only) predictions with a per-rule attribute that disagrees."""
    oks = [f"{a}_ok" for a in SPECS[score.name].rule_attrs]
    if not oks or score.outcomes.is_empty():
        return score.outcomes.clear()
    matched = pl.col("outcome").is_in([STRICT, SPAN_ONLY])
    return score.outcomes.filter(matched & pl.any_horizontal([pl.col(c).not_() for c in oks]))


# --- joining predictions to documents -----------------------------------------------------------


def rows_with_doc(frame: pl.DataFrame | None, documents: pl.DataFrame | None) -> list[Row]:
    """Rows of `frame` with `doc` (the document's source_name), in `frame`'s row order."""
    if frame is None or documents is None or frame.is_empty():
        return []
    names = documents.select("doc_id", pl.col("source_name").alias("doc")).unique("doc_id", maintain_order=True)
    return frame.join(names, on="doc_id", how="inner", maintain_order="left").to_dicts()


# --- span tables ---------------------------------------------------------------------------------


def match_spans(
    gold: Sequence[Row], pred: Sequence[Row], prefer: Callable[[Row, Row], bool]
) -> list[tuple[Row, int | None]]:
    """score.py's greedy one-to-one matching: (gold item, index of its prediction or None)."""
    used: set[int] = set()
    pairs: list[tuple[Row, int | None]] = []
    for g in sorted(gold, key=lambda x: (x["start"], x["end"])):
        cands = [(i, p) for i, p in enumerate(pred) if i not in used and overlaps(g, p)]
        if not cands:
            pairs.append((g, None))
            continue
        cands.sort(key=lambda ip: (not prefer(g, ip[1]), abs(ip[1]["start"] - g["start"]) + abs(ip[1]["end"] - g["end"])))
        i = cands[0][0]
        used.add(i)
        pairs.append((g, i))
    return pairs


def _value(dtype: pl.DataType, v: Any) -> Any:
    if v is None:
        return None
    if dtype == pl.Float64():
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    return iso(v) if hasattr(v, "isoformat") else str(v)


def _outcome_schema(spec: TableSpec) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {
        "rule_id": pl.String(),
        "doc": pl.String(),
        "start": pl.Int64(),
        "end": pl.Int64(),
        "text": pl.String(),
        "outcome": pl.String(),
        "gold_id": pl.String(),
        "gold_start": pl.Int64(),
        "gold_end": pl.Int64(),
        "gold_text": pl.String(),
        "overlaps_gold": pl.String(),
    }
    for name, dtype in spec.fields:
        schema[name] = dtype
        schema[f"gold_{name}"] = dtype
    for a in spec.rule_attrs:
        schema[f"{a}_ok"] = pl.Boolean()
    return schema


def _miss_schema(spec: TableSpec) -> dict[str, pl.DataType]:
    return {"doc": pl.String(), "id": pl.String(), "start": pl.Int64(), "end": pl.Int64(), "text": pl.String()} | {
        name: dtype for name, dtype in spec.fields
    }


def _outcome_row(spec: TableSpec, p: Row, outcome: str, g: Row | None, overlapping: Row | None = None) -> Row:
    row: Row = {
        "rule_id": p.get("rule_id"),
        "doc": p["doc"],
        "start": p["start"],
        "end": p["end"],
        "text": p.get("text"),
        "outcome": outcome,
        "gold_id": None if g is None else g.get("id"),
        "gold_start": None if g is None else g.get("start"),
        "gold_end": None if g is None else g.get("end"),
        "gold_text": None if g is None else g.get("text"),
        "overlaps_gold": None if overlapping is None else overlapping.get("id"),
    }
    for name, dtype in spec.fields:
        row[name] = _value(dtype, p.get(name))
        row[f"gold_{name}"] = None if g is None else _value(dtype, g.get(name))
    for a in spec.rule_attrs:
        row[f"{a}_ok"] = None if g is None else attribute_agrees(a, g, p)
    return row


def _miss_row(spec: TableSpec, g: Row) -> Row:
    row: Row = {k: g.get(k) for k in ("doc", "id", "start", "end", "text")}
    for name, dtype in spec.fields:
        row[name] = _value(dtype, g.get(name))
    return row


def score_span_table(spec: TableSpec, gold_rows: Sequence[Row], pred_rows: Sequence[Row]) -> TableScore:
    """Score predictions (rows with `doc`, `start`, `end`, `rule_id`, ...) against span gold items."""
    gold_by_doc: dict[str, list[Row]] = {}
    pred_by_doc: dict[str, list[Row]] = {}
    for g in gold_rows:
        gold_by_doc.setdefault(g["doc"], []).append(g)
    n_unscored = 0
    for p in pred_rows:
        if p["doc"] in gold_by_doc:
            pred_by_doc.setdefault(p["doc"], []).append(p)
        else:
            n_unscored += 1
    outcomes: list[Row] = []
    misses: list[Row] = []
    attr_hits = {a: [0, 0] for a in spec.attrs}
    for doc, golds in gold_by_doc.items():
        preds = pred_by_doc.get(doc, [])
        matched: dict[int, Row] = {}
        for g, i in match_spans(golds, preds, spec.strict):
            if i is not None:
                matched[i] = g
            elif not g.get("optional"):
                misses.append(_miss_row(spec, g))
        for i, p in enumerate(preds):
            hit = matched.get(i)
            if hit is None:
                overlapping = next((x for x in sorted(golds, key=lambda x: (x["start"], x["end"])) if overlaps(x, p)), None)
                outcomes.append(_outcome_row(spec, p, FP, None, overlapping))
                continue
            if hit.get("optional"):
                outcomes.append(_outcome_row(spec, p, OPTIONAL, hit))
                continue
            outcomes.append(_outcome_row(spec, p, STRICT if spec.strict(hit, p) else SPAN_ONLY, hit))
            for a in spec.attrs:
                attr_hits[a][1] += 1
                attr_hits[a][0] += attribute_agrees(a, hit, p)
    n_gold = sum(not g.get("optional") for g in gold_rows)
    out = pl.DataFrame(outcomes, schema=_outcome_schema(spec))
    miss = pl.DataFrame(misses, schema=_miss_schema(spec))
    stp, span_only, fp = (out.filter(pl.col("outcome") == o).height for o in (STRICT, SPAN_ONLY, FP))
    n_miss = miss.height
    overall: dict[str, Any] = {
        "span": prf(stp + span_only, fp, n_miss),
        "strict": prf(stp, span_only + fp, n_miss + span_only),
    }
    if spec.attrs:
        overall["attribute_accuracy"] = {a: round(h / c, 4) if c else None for a, (h, c) in attr_hits.items()}
    return TableScore(
        name=spec.gold,
        overall=overall,
        n_gold=n_gold,
        n_optional_gold=len(gold_rows) - n_gold,
        n_unscored=n_unscored,
        outcomes=out.sort("rule_id", "doc", "start", "end", maintain_order=True),
        misses=miss.sort("doc", "start", "end", maintain_order=True),
        rules=rule_table(out, n_gold, spec.rule_attrs),
    )


# --- ratings -------------------------------------------------------------------------------------


def score_ratings(gold_rows: Sequence[Row], pred_rows: Sequence[Row], gold_docs: set[str]) -> TableScore:
    """Ratings matched on (doc, authority, rating); only predictions of `gold_docs` are scored.

    `gold_docs` is every document with gold in any table (score.py's rule). A prediction
    no gold item took is an fp; `overlaps_gold` then names an unmatched gold rating of the
    same document and authority (a wrong rating), if there is one.
    """
    spec = SPECS[RATINGS]
    preds = [p for p in pred_rows if p["doc"] in gold_docs]
    n_unscored = len(pred_rows) - len(preds)
    keys = [rating_key(p) for p in preds]
    taken: dict[int, Row] = {}
    misses: list[Row] = []
    for g in sorted(gold_rows, key=lambda g: bool(g.get("optional"))):
        k = rating_key(g)
        i = next((j for j, kj in enumerate(keys) if kj == k and j not in taken), None)
        if i is not None:
            taken[i] = g
        elif not g.get("optional"):
            misses.append(g)
    outcomes: list[Row] = []
    for i, p in enumerate(preds):
        hit = taken.get(i)
        if hit is None:
            same_authority = next((m for m in misses if rating_key(m)[:2] == keys[i][:2]), None)
            outcomes.append(_outcome_row(spec, p, FP, None, same_authority))
        else:
            outcomes.append(_outcome_row(spec, p, OPTIONAL if hit.get("optional") else STRICT, hit))
    out = pl.DataFrame(outcomes, schema=_outcome_schema(spec))
    n_gold = sum(not g.get("optional") for g in gold_rows)
    tp = out.filter(pl.col("outcome") == STRICT).height
    fp = out.filter(pl.col("outcome") == FP).height
    return TableScore(
        name=RATINGS,
        overall=prf(tp, fp, len(misses)),
        n_gold=n_gold,
        n_optional_gold=len(gold_rows) - n_gold,
        n_unscored=n_unscored,
        outcomes=out.sort("rule_id", "doc", "start", "end", maintain_order=True),
        misses=pl.DataFrame([_miss_row(spec, g) for g in misses], schema=_miss_schema(spec)).sort(
            "doc", "start", "end", maintain_order=True
        ),
        rules=rule_table(out, n_gold, ()),
    )


# --- per rule ------------------------------------------------------------------------------------


def rule_table(outcomes: pl.DataFrame, n_gold: int, rule_attrs: Sequence[str] = ()) -> pl.DataFrame:
    """One row per rule_id: predictions, optional, strict, span_only, fp, precision, recall and
    the accuracy of each of `rule_attrs` on the rule's matched (strict or span-only) rows."""
    is_ = {o: (pl.col("outcome") == o).sum().cast(pl.Int64).alias(o) for o in OUTCOMES}
    matched = pl.col("outcome").is_in([STRICT, SPAN_ONLY])
    aggs = [
        pl.len().cast(pl.Int64).alias("predictions"),
        is_[OPTIONAL],
        is_[STRICT],
        is_[SPAN_ONLY],
        is_[FP],
        *[pl.col(f"{a}_ok").filter(matched).mean().round(4).alias(a) for a in rule_attrs],
    ]
    scored = pl.col("predictions") - pl.col(OPTIONAL)
    return (
        outcomes.group_by("rule_id")
        .agg(aggs)
        .with_columns(
            precision=pl.when(scored > 0).then((pl.col(STRICT) / scored).round(4)),
            recall=(pl.col(STRICT) / n_gold).round(4) if n_gold else pl.lit(None, pl.Float64),
        )
        .select("rule_id", "predictions", OPTIONAL, STRICT, SPAN_ONLY, FP, "precision", "recall", *rule_attrs)
        .sort("rule_id", nulls_last=True)
    )


# --- everything ----------------------------------------------------------------------------------


def evaluate(gold: Mapping[str, Sequence[Row]], tables: Mapping[str, pl.DataFrame]) -> Evaluation:
    """Score `tables` (warehouse tables by name, including ``documents``) against `gold`.

    `gold` maps gold file stems ("figures", "periods", "authorities", "ratings") to their
    rows as read from JSON Lines; a missing stem counts as no gold. Tables missing from
    `tables` count as empty.
    """
    documents = tables.get("documents")
    result = Evaluation()
    for name in SPAN_GOLD:
        spec = SPECS[name]
        preds = rows_with_doc(tables.get(spec.table), documents)
        result.tables[name] = score_span_table(spec, list(gold.get(name, ())), preds)
    gold_r = list(gold.get(RATINGS, ()))
    gold_docs = {g["doc"] for n in GOLD_NAMES for g in gold.get(n, ())}
    result.tables[RATINGS] = score_ratings(gold_r, rows_with_doc(tables.get("ratings"), documents), gold_docs)
    return result
