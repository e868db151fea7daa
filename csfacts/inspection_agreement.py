"""Agreement of csfacts' inspection judgements with another reading of the same reports.

The reference is a CSV with the ILACS scrape tool's columns (../shared/gold/ofsted-ilacs/README.md),
one row per report file. Every field the reference holds (a grade, one of its markers, a date or a
framework word) is compared with csfacts' value; fields it could not read (`data_unreadable`,
empty) are counted apart. Each disagreement is listed with csfacts' evidence: the words it read and
the page they are on. Pure: frames in, frames out.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transform.authorities import gazetteer, name_key
from transform.inspection_export import GRADE_COLUMNS

UNREADABLE = ("data_unreadable", "")
DATE_FIELDS = ("inspection_start_date", "inspection_end_date", "publication_date")
FIELDS = ("local_authority", "inspection_framework", *DATE_FIELDS, *GRADE_COLUMNS)
# csfacts column holding the evidence span of each field (start, end) in documents.text
EVIDENCE = {
    "local_authority": ("authority_start", "authority_end"),
    "inspection_start_date": ("dates_start", "dates_end"),
    "inspection_end_date": ("dates_start", "dates_end"),
    "inspection_framework": ("dates_start", "dates_end"),
    "publication_date": ("publication_start", "publication_end"),
}


def _council_key(col: pl.Expr) -> pl.Expr:
    return name_key(col.str.replace_all("&", " and "))


def _canonical(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`column` mapped to the gazetteer's canonical council name where it names one (else kept)."""
    gaz = gazetteer().select("key", _canon="canonical").unique("key")
    out = frame.with_columns(_key=_council_key(pl.col(column))).join(gaz, left_on="_key", right_on="key", how="left")
    return out.with_columns(pl.coalesce("_canon", column).alias(column)).drop("_key", "_canon")


def compare(export: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """One row per (file, field) of the reference: reference and csfacts values (as strings),
    `status` agree / disagree / not_read (the reference holds no value) / missing (no csfacts row)."""
    ref = _canonical(reference.with_columns(pl.all().cast(pl.String)), "local_authority")
    ours = _canonical(export.with_columns(pl.col(c).cast(pl.String) for c in FIELDS), "local_authority")
    ref_long = ref.select("file", *FIELDS).unpivot(index="file", variable_name="field", value_name="reference")
    ours_long = ours.select("file", "doc_id", *FIELDS).unpivot(index=["file", "doc_id"], variable_name="field", value_name="csfacts")
    both = ref_long.join(ours_long, on=["file", "field"], how="left")
    norm = lambda c: pl.col(c).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()  # noqa: E731
    unread = pl.col("reference").is_null() | norm("reference").is_in(list(UNREADABLE))
    return both.with_columns(
        status=pl.when(unread)
        .then(pl.lit("not_read"))
        .when(pl.col("doc_id").is_null())
        .then(pl.lit("missing"))
        .when(norm("reference") == norm("csfacts").fill_null(""))
        .then(pl.lit("agree"))
        .otherwise(pl.lit("disagree"))
    )


def summary(compared: pl.DataFrame) -> pl.DataFrame:
    """Per field: compared (the reference holds a value and csfacts has the report), agree, disagree,
    missing (no csfacts inspection row for the file: listed with the reason), not_read, agreement %."""
    counts = compared.group_by("field").agg(
        compared=pl.col("status").is_in(["agree", "disagree"]).sum(),
        agree=(pl.col("status") == "agree").sum(),
        disagree=(pl.col("status") == "disagree").sum(),
        missing=(pl.col("status") == "missing").sum(),
        not_read=(pl.col("status") == "not_read").sum(),
    )
    order = pl.DataFrame({"field": list(FIELDS), "_o": list(range(len(FIELDS)))})
    return (
        counts.join(order, on="field", how="left")
        .sort("_o")
        .drop("_o")
        .with_columns(agreement_pct=(100 * pl.col("agree") / pl.col("compared")).round(1))
    )


def with_evidence(compared: pl.DataFrame, inspections: pl.DataFrame, ratings: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Disagreements and misses with csfacts' evidence: `words` (the span it read) and `page` (1-based)."""
    bad = compared.filter(pl.col("status").is_in(["disagree", "missing"]))
    spans = []
    for field, (s, e) in EVIDENCE.items():
        spans.append(inspections.select("doc_id", pl.lit(field).alias("field"), pl.col(s).alias("_s"), pl.col(e).alias("_e")))
    area_of = {v: k for k, v in GRADE_COLUMNS.items()}
    table = ratings.filter((pl.col("judgement_source") == "table") & pl.col("judgement_area").is_in(list(area_of)))
    spans.append(
        table.sort("start").unique(["doc_id", "judgement_area"], keep="first").select(
            "doc_id", pl.col("judgement_area").replace_strict(area_of, default=None).alias("field"), _s="start", _e="end"
        )
    )
    ev = pl.concat(spans).drop_nulls("_s")
    out = bad.join(ev, on=["doc_id", "field"], how="left").join(documents.select("doc_id", "text"), on="doc_id", how="left")
    # a file with no inspection row: say why (its quarantine reason), where the documents table knows it
    reasons = documents.filter(pl.col("status") != "ok").select("source_name", _why=pl.col("reason")) if "reason" in documents.columns else None
    if reasons is not None:
        out = out.join(reasons.unique("source_name"), left_on="file", right_on="source_name", how="left")
    else:
        out = out.with_columns(_why=pl.lit(None, pl.String))
    out = out.with_columns(
        words=pl.when(pl.col("status") == "missing")
        .then(pl.lit("no inspection row: ") + pl.col("_why").fill_null("not read as an inspection report (or the same bytes as another file)"))
        .otherwise(pl.col("text").str.slice(pl.col("_s"), pl.col("_e") - pl.col("_s")).str.replace_all(r"\s+", " "))
    ).drop("text", "_e", "_why")
    return with_pages(out, documents, "_s").drop("_s")


def with_pages(frame: pl.DataFrame, documents: pl.DataFrame, offset: str) -> pl.DataFrame:
    """Add `page` (1-based) of the character offset column `offset`, from documents.page_starts."""
    if "page_starts" not in documents.columns:
        return frame.with_columns(page=pl.lit(None, pl.Int64))
    pages = (
        documents.select("doc_id", "page_starts")
        .explode("page_starts")
        .drop_nulls("page_starts")
        .with_columns(page=pl.int_range(1, pl.len() + 1).over("doc_id").cast(pl.Int64))
        .rename({"page_starts": "_ps"})
        .sort("_ps")
    )
    keyed = frame.with_row_index("_row")
    has = keyed.filter(pl.col(offset).is_not_null()).sort(offset)
    found = has.join_asof(pages, left_on=offset, right_on="_ps", by="doc_id", strategy="backward", check_sortedness=False)
    rest = keyed.filter(pl.col(offset).is_null()).with_columns(page=pl.lit(None, pl.Int64))
    return pl.concat([found.drop("_ps"), rest], how="diagonal_relaxed").sort("_row").drop("_row")


def score_gold(gold_dir: Path, inspections: pl.DataFrame, ratings: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """csfacts' judgements of the reports annotated in `gold_dir` (judgements.jsonl: file, area, label,
    rating, start, end of the grade word; reports.jsonl: file, framework, dates) against the annotation.

    One row per annotated item: `item` (an area, or a report field), gold and csfacts values, `right`.
    A judgement is right when csfacts has a table judgement of that area (and label) ending where the
    gold grade word ends, with the same rating; a table judgement of an annotated report that the
    annotation lacks is an extra row (item '<area> (extra)'), never right.
    """
    names = documents.select("doc_id", file="source_name")
    gold_j = pl.read_ndjson(gold_dir / "judgements.jsonl", schema={
        "file": pl.String, "area": pl.String, "label": pl.String, "rating": pl.String, "start": pl.Int64, "end": pl.Int64,
    })
    table = ratings.filter(pl.col("judgement_source") == "table").join(names, on="doc_id").select(
        "file", area="judgement_area", _label=pl.col("judgement_label").str.to_lowercase(), end="end", csfacts="rating"
    )
    label_ok = pl.col("label").is_null() | pl.col("_label").fill_null("").str.starts_with(pl.col("label").fill_null(""))
    j = (
        gold_j.join(table, on=["file", "area", "end"], how="left")
        .filter(label_ok | pl.col("csfacts").is_null())
        .unique(["file", "area", "label", "end"], keep="first")
        .select("file", item=pl.col("area") + pl.when(pl.col("label").is_not_null()).then(":" + pl.col("label")).otherwise(pl.lit("")),
                gold="rating", csfacts="csfacts")
    )
    gold_r = pl.read_ndjson(gold_dir / "reports.jsonl", infer_schema_length=None).with_columns(pl.all().cast(pl.String))
    ours = inspections.join(names, on="doc_id").with_columns(
        pl.col("inspection_start", "inspection_end").cast(pl.String),
        publication_date=pl.when(pl.col("publication_source") == "text").then(pl.col("publication_date").cast(pl.String)),
    )
    fields = [c for c in ("framework", "inspection_start", "inspection_end", "publication_date") if c in gold_r.columns]
    r = (
        gold_r.select("file", *fields).unpivot(index="file", variable_name="item", value_name="gold")
        .join(ours.select("file", *fields).unpivot(index="file", variable_name="item", value_name="csfacts"), on=["file", "item"], how="left")
    )
    # table judgements csfacts made in an annotated report that the annotation does not hold
    extra = (
        table.join(gold_j.select("file").unique(), on="file", how="semi")
        .join(gold_j.select("file", "area", "end"), on=["file", "area", "end"], how="anti")
        .select("file", item=pl.col("area") + pl.lit(" (extra)"), gold=pl.lit(None, pl.String), csfacts="csfacts")
    )
    both = pl.concat([j, r, extra])
    return both.with_columns(right=pl.col("gold").eq_missing(pl.col("csfacts"))).sort("file", "item")
