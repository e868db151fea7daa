"""Validation frames: warehouse tables plus derived check columns, and their pandas form for GX.

This is the one place where Polars data becomes pandas for Great Expectations. The path is
Polars -> Arrow (:func:`to_arrow`) -> Parquet view -> pandas with ``pd.ArrowDtype`` columns
(:data:`PANDAS_READ_OPTIONS`, :func:`read_view`). GX reads the Parquet views itself with the same
options, so every dtype name an expectation checks comes from :func:`to_pandas`, never from
hand-written literals, and does not depend on whether a column happens to contain nulls.

Derived columns are computed here with Polars, before conversion:

- ``row_id`` (all tables): the table's id column as text. The checkpoint's result format names
  one ``unexpected_index_column_names`` for every table, so each view carries the same alias.
- ``span_matches`` (span tables): ``row.text == documents.text[start:end]`` with Python slicing
  semantics (code points; ``pl.Expr.str.slice`` counts characters, not bytes). False when the
  document is missing or the span cannot be evaluated.
- ``dates_ordered``, ``start_year``, ``end_year``, ``fiscal_years_consecutive`` (periods).
- ``inspection_dates_ordered`` (start <= end), ``published_after_end`` (end <= publication date)
  (inspections).
- ``judgement_unique`` (one table judgement per area per report), ``grade_fits_framework`` (the grade is
  one its report's framework uses), ``restated_agrees`` (a judgement restated in the report's body
  equals the table's: the cross_reference check of judgements) (ratings; null on other rows).

Everything here is pure: frames in, frames out, no file I/O.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import IO, Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.schema import ID_COLUMNS, SCHEMAS, SPAN_TABLES

# Options for ``pd.read_parquet`` (used by GX's Parquet assets and by :func:`read_view`).
PANDAS_READ_OPTIONS: dict[str, Any] = {"dtype_backend": "pyarrow"}

ROW_ID = "row_id"
SPAN_MATCHES = "span_matches"
DATES_ORDERED = "dates_ordered"
START_YEAR = "start_year"
END_YEAR = "end_year"
FISCAL_YEARS_CONSECUTIVE = "fiscal_years_consecutive"
INSPECTION_DATES_ORDERED = "inspection_dates_ordered"
PUBLISHED_AFTER_END = "published_after_end"
JUDGEMENT_UNIQUE = "judgement_unique"
GRADE_FITS_FRAMEWORK = "grade_fits_framework"
RESTATED_AGREES = "restated_agrees"

# A fiscal year written with both years, e.g. "2015/16", "2015-2016", "2015 / 16".
FISCAL_YEAR_PATTERN = r"(\d{4})\s*[/-]\s*(\d{2,4})"
FISCAL_YEAR_KIND = "fiscal_year"

# Tables that validate_tables checks (the run logs are written by the pipeline itself).
VALIDATED_TABLES: tuple[str, ...] = tuple(
    name for name in SCHEMAS if name not in ("runs", "validation_results")
)


def derived_columns(table: str) -> tuple[str, ...]:
    """Names of the columns :func:`validation_frame` adds to ``table``, in order."""
    names = [ROW_ID]
    if table in SPAN_TABLES:
        names.append(SPAN_MATCHES)
    if table == "periods":
        names += [DATES_ORDERED, START_YEAR, END_YEAR, FISCAL_YEARS_CONSECUTIVE]
    if table == "inspections":
        names += [INSPECTION_DATES_ORDERED, PUBLISHED_AFTER_END]
    if table == "ratings":
        names += [JUDGEMENT_UNIQUE, GRADE_FITS_FRAMEWORK, RESTATED_AGREES]
    return tuple(names)


def _check_no_clash() -> None:
    for table in VALIDATED_TABLES:
        clash = set(derived_columns(table)) & set(SCHEMAS[table].names)
        if clash:
            raise RuntimeError(f"derived columns {sorted(clash)} clash with table {table!r}")


_check_no_clash()


def empty_frame(table: str) -> pl.DataFrame:
    """An empty Polars frame with exactly the Arrow schema of ``table``."""
    return pl.from_arrow(SCHEMAS[table].empty_table())  # type: ignore[return-value]


def _has(frame: pl.DataFrame, column: str, kind: str) -> bool:
    """Whether ``frame`` has ``column`` with a dtype usable for a derived check."""
    if column not in frame.columns:
        return False
    dtype = frame.schema[column]
    if kind == "int":
        return dtype.is_integer()
    if kind == "str":
        return dtype == pl.String
    if kind == "date":
        return dtype == pl.Date
    raise ValueError(f"unknown kind {kind!r}")


def _row_id(frame: pl.DataFrame, table: str) -> pl.Expr:
    id_column = ID_COLUMNS.get(table)
    if id_column is None or id_column not in frame.columns:
        return pl.lit(None, dtype=pl.String).alias(ROW_ID)
    return pl.col(id_column).cast(pl.String, strict=False).alias(ROW_ID)


def with_span_matches(frame: pl.DataFrame, documents: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``span_matches``: the row's text equals ``documents.text[start:end]`` (code points)."""
    usable = (
        documents is not None
        and _has(documents, "doc_id", "str")
        and _has(documents, "text", "str")
        and _has(frame, "doc_id", "str")
        and _has(frame, "text", "str")
        and _has(frame, "start", "int")
        and _has(frame, "end", "int")
    )
    if not usable or frame.height == 0:
        return frame.with_columns(pl.lit(False).alias(SPAN_MATCHES))
    assert documents is not None
    doc_text = "__doc_text"
    texts = documents.select("doc_id", pl.col("text").alias(doc_text)).unique(
        "doc_id", keep="first", maintain_order=True
    )
    joined = frame.join(texts, on="doc_id", how="left", maintain_order="left")
    start, end, text = pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64), pl.col("text")
    evaluable = (
        start.is_not_null()
        & end.is_not_null()
        & text.is_not_null()
        & pl.col(doc_text).is_not_null()
        & (start >= 0)
        & (end >= start)
    )
    # Only evaluable rows reach str.slice (a negative offset would count from the end).
    safe_start = pl.when(evaluable).then(start).otherwise(0)
    safe_length = pl.when(evaluable).then(end - start).otherwise(0)
    matches = pl.col(doc_text).str.slice(safe_start, safe_length) == text
    return joined.with_columns(
        pl.when(evaluable).then(matches).otherwise(False).fill_null(False).alias(SPAN_MATCHES)
    ).drop(doc_text)


def with_period_checks(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``dates_ordered``, ``start_year``, ``end_year`` and ``fiscal_years_consecutive``.

    Each is null where it does not apply (a missing date; a period that is not a fiscal year
    written as two years), so the expectation on it skips that row.
    """
    if _has(frame, "start_date", "date") and _has(frame, "end_date", "date"):
        ordered = (
            pl.when(pl.col("start_date").is_not_null() & pl.col("end_date").is_not_null())
            .then(pl.col("start_date") <= pl.col("end_date"))
            .otherwise(None)
        )
    else:
        ordered = pl.lit(None, dtype=pl.Boolean)
    years = [
        pl.col(col).dt.year().cast(pl.Int64) if _has(frame, col, "date") else pl.lit(None, pl.Int64)
        for col in ("start_date", "end_date")
    ]
    if _has(frame, "kind", "str") and _has(frame, "text", "str"):
        first = pl.col("text").str.extract(FISCAL_YEAR_PATTERN, 1)
        second = pl.col("text").str.extract(FISCAL_YEAR_PATTERN, 2)
        first_year = first.cast(pl.Int64, strict=False)
        second_year = second.cast(pl.Int64, strict=False)
        consecutive = (
            pl.when(
                (pl.col("kind") != FISCAL_YEAR_KIND) | first_year.is_null() | second_year.is_null()
            )
            .then(None)
            .when(second.str.len_chars() == 2)
            .then(second_year == (first_year + 1) % 100)
            .otherwise(second_year == first_year + 1)
        )
    else:
        consecutive = pl.lit(None, dtype=pl.Boolean)
    return frame.with_columns(
        ordered.alias(DATES_ORDERED),
        years[0].alias(START_YEAR),
        years[1].alias(END_YEAR),
        consecutive.alias(FISCAL_YEARS_CONSECUTIVE),
    )


def with_inspection_checks(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``inspection_dates_ordered`` and ``published_after_end`` (null where a date is missing)."""
    if not all(_has(frame, c, "date") for c in ("inspection_start", "inspection_end", "publication_date")):
        return frame.with_columns(pl.lit(None, pl.Boolean).alias(INSPECTION_DATES_ORDERED), pl.lit(None, pl.Boolean).alias(PUBLISHED_AFTER_END))
    start, end, published = pl.col("inspection_start"), pl.col("inspection_end"), pl.col("publication_date")
    return frame.with_columns(
        (start <= end).alias(INSPECTION_DATES_ORDERED),
        (end <= published).alias(PUBLISHED_AFTER_END),
    )


def with_judgement_checks(frame: pl.DataFrame, inspections: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``judgement_unique``, ``grade_fits_framework`` and ``restated_agrees`` to ratings rows that are
    judgements of an inspection report (null on the other rows, so their expectations skip them)."""
    from transform.inspections import reference

    needed = ("inspection_id", "judgement_area", "judgement_source", "judgement_label", "rating")
    if not all(_has(frame, c, "str") for c in needed) or inspections is None or not _has(inspections, "framework", "str"):
        return frame.with_columns(pl.lit(None, pl.Boolean).alias(c) for c in (JUDGEMENT_UNIQUE, GRADE_FITS_FRAMEWORK, RESTATED_AGREES))
    is_judgement = pl.col("inspection_id").is_not_null()
    table = pl.col("judgement_source") == "table"
    key = [pl.col("inspection_id"), pl.col("judgement_area"), pl.col("judgement_label").fill_null("")]
    allowed = pl.DataFrame(
        [(f, g) for f, grades in reference()["framework_grades"].items() for g in grades],
        schema={"_framework": pl.String, "rating": pl.String},
        orient="row",
    ).with_columns(_fits=pl.lit(True))
    frameworks = inspections.select("inspection_id", _framework="framework").unique("inspection_id")
    out = (
        frame.with_row_index("_row")
        .join(frameworks, on="inspection_id", how="left")
        .join(allowed, on=["_framework", "rating"], how="left")
        .with_columns(
            _n_table=table.sum().over(key),
            _table_rating=pl.when(table).then(pl.col("rating")).otherwise(None).drop_nulls().first().over(key),
        )
        .sort("_row")
    )
    known = pl.col("_framework").is_in(list(reference()["framework_grades"]))
    return out.with_columns(
        pl.when(is_judgement & table).then(pl.col("_n_table") == 1).otherwise(None).alias(JUDGEMENT_UNIQUE),
        pl.when(is_judgement & known).then(pl.col("_fits").fill_null(False)).otherwise(None).alias(GRADE_FITS_FRAMEWORK),
        pl.when(is_judgement & ~table & pl.col("_table_rating").is_not_null())
        .then(pl.col("rating") == pl.col("_table_rating"))
        .otherwise(None)
        .alias(RESTATED_AGREES),
    ).drop("_row", "_framework", "_fits", "_n_table", "_table_rating")


def validation_frame(
    table: str, frame: pl.DataFrame, documents: pl.DataFrame | None = None, inspections: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``frame`` with the derived check columns of ``table`` appended (input columns untouched).

    ``documents`` is the documents table, needed for ``span_matches`` of span tables;
    ``inspections`` the inspections table, for the judgement checks of ratings.
    """
    if table not in VALIDATED_TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {VALIDATED_TABLES}")
    out = frame.with_columns(_row_id(frame, table))
    if table in SPAN_TABLES:
        out = with_span_matches(out, documents)
    if table == "periods":
        out = with_period_checks(out)
    if table == "inspections":
        out = with_inspection_checks(out)
    if table == "ratings":
        out = with_judgement_checks(out, inspections)
    return out


def validation_frames(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """:func:`validation_frame` for every table of ``tables`` (documents joined for spans,
    inspections for the judgement checks of ratings)."""
    documents, inspections = tables.get("documents"), tables.get("inspections")
    return {
        name: validation_frame(name, frame, documents, inspections) for name, frame in tables.items()
    }


def to_arrow(frame: pl.DataFrame) -> pa.Table:
    """Polars -> Arrow, types as Polars exports them (a wrong dtype is for GX to report)."""
    return frame.to_arrow()


def read_view(source: str | IO[bytes] | Any) -> pd.DataFrame:
    """Read a Parquet view into pandas the way GX's Parquet assets read it."""
    return pd.read_parquet(source, **PANDAS_READ_OPTIONS)


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Polars -> pandas exactly as GX sees a view (through an in-memory Parquet file)."""
    buffer = io.BytesIO()
    pq.write_table(to_arrow(frame), buffer)
    buffer.seek(0)
    return read_view(buffer)


def expected_pandas_dtypes(table: str) -> dict[str, str]:
    """Pandas dtype name of each schema column of ``table`` as GX will observe it."""
    return dict(_expected_pandas_dtypes(table))


@lru_cache(maxsize=None)
def _expected_pandas_dtypes(table: str) -> tuple[tuple[str, str], ...]:
    sample = validation_frame(table, empty_frame(table), empty_frame("documents"), empty_frame("inspections"))
    dtypes = to_pandas(sample).dtypes
    return tuple((name, str(dtypes[name])) for name in SCHEMAS[table].names)


def is_list_column(table: str, column: str) -> bool:
    """Whether ``column`` of ``table`` is an Arrow list (its pandas dtype name is not parseable)."""
    return pa.types.is_list(SCHEMAS[table].field(column).type)
