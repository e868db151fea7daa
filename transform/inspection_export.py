"""Inspection judgements in the shape data teams keep them: one row per report, one column per area.

`reference_frame` gives the columns of the public ILACS scrape tool's export
(../shared/gold/ofsted-ilacs/README.md), so a team can swap that scrape for csfacts; the extra
columns say the council's GSS code, the framework, csfacts' ids and the grades of areas the scrape
does not read (adoption, LSCB, the 2012–13 overall judgements). Pure: frames in, frame out.
"""

from __future__ import annotations

import polars as pl

# scrape-tool column <- judgement_area
GRADE_COLUMNS = {
    "overall_effectiveness_grade": "overall_effectiveness",
    "impact_of_leaders_grade": "leadership",
    "help_and_protection_grade": "help_and_protection",
    "in_care_grade": "children_in_care",
    "care_leavers_grade": "care_leavers",
}
EXTRA_AREAS = ("adoption", "lscb", "safeguarding_overall", "looked_after_overall", "capacity_to_improve")
# the scrape tool's markers for a judgement a report cannot have
PRE_DATES = "inspection_pre_dates_judgement"
POST_REFORM = "not_reported_post_reform"
REFERENCE_COLUMNS = [
    "file", "urn", "local_authority", "publication_date", "inspection_framework", "inspection_start_date",
    "inspection_end_date", *GRADE_COLUMNS,
]


def grade_words(rating: pl.Expr) -> pl.Expr:
    """The vocabulary's rating as the scrape tool writes it ('requires_improvement' -> 'requires improvement')."""
    return rating.str.replace_all("_", " ")


def area_grades(ratings: pl.DataFrame) -> pl.DataFrame:
    """One row per inspection: the table judgement of each area (wide), from the ratings table."""
    table = ratings.filter(pl.col("inspection_id").is_not_null() & (pl.col("judgement_source") == "table"))
    areas = [*GRADE_COLUMNS.values(), *EXTRA_AREAS]
    if table.is_empty():
        return pl.DataFrame(schema={"inspection_id": pl.String, **{a: pl.String for a in areas}})
    wide = (
        table.filter(pl.col("judgement_area").is_in(areas))
        .sort("start")
        .group_by("inspection_id", "judgement_area")
        .agg(pl.col("rating").first())
        .pivot(on="judgement_area", index="inspection_id", values="rating")
    )
    return wide.with_columns(*[pl.lit(None, pl.String).alias(a) for a in areas if a not in wide.columns])


def reference_frame(inspections: pl.DataFrame, ratings: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The scrape tool's columns (REFERENCE_COLUMNS) plus csfacts' own, one row per inspection report.

    `file` is the source file name; `urn` the leading digits of a name in Ofsted's '<URN>_…' form, else
    null; `inspection_framework` 'standard' / 'short' for ILACS reports. A care-leavers grade absent
    from a report that judges children in care and care leavers together is PRE_DATES; the overall
    grade of a post-April-2026 report is POST_REFORM.
    """
    grades = area_grades(ratings)
    out = (
        inspections.join(documents.select("doc_id", "source_name"), on="doc_id", how="left")
        .join(grades, on="inspection_id", how="left")
        .with_columns(
            file=pl.col("source_name"),
            urn=pl.col("source_name").str.extract(r"^(\d+)_", 1),
            local_authority=pl.col("authority"),
            inspection_framework=pl.col("inspection_type"),
            inspection_start_date=pl.col("inspection_start"),
            inspection_end_date=pl.col("inspection_end"),
        )
    )
    ilacs = pl.col("framework").str.starts_with("ilacs")
    cols = {}
    for column, area in GRADE_COLUMNS.items():
        value = grade_words(pl.col(area))
        if area == "care_leavers":
            value = pl.when(pl.col(area).is_null() & ilacs & pl.col("children_in_care").is_not_null()).then(pl.lit(PRE_DATES)).otherwise(value)
        if area == "overall_effectiveness":
            value = pl.when(pl.col("framework") == "ilacs_post_2026").then(pl.lit(POST_REFORM)).otherwise(value)
        cols[column] = value
    out = out.with_columns(**cols)
    extra = [
        "gss_code", "framework", "report_type", "lead_inspector", "inspection_id", "doc_id",
        *[pl.col(a).alias(f"{a}_grade") for a in EXTRA_AREAS],
    ]
    return out.select(*REFERENCE_COLUMNS, *extra).sort("local_authority", "inspection_start_date", nulls_last=True)


def latest_and_history(export: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(each council's latest report with judgements, every council's reports newest first) from reference_frame."""
    history = export.filter(pl.col("local_authority").is_not_null()).sort(
        ["local_authority", "inspection_end_date"], descending=[False, True], nulls_last=True
    )
    graded = pl.any_horizontal(*[pl.col(c).is_in(["outstanding", "good", "requires improvement", "adequate", "inadequate"]) for c in [*GRADE_COLUMNS, *[f"{a}_grade" for a in EXTRA_AREAS]]])
    latest = history.filter(graded).unique("local_authority", keep="first", maintain_order=True)
    return latest, history
