"""Periods: years, UK fiscal years, months, dates, ranges, open 'since' periods and relative
durations, with ISO start/end dates where the text determines them."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from transform.numbers import words_value
from transform.reference_data import load_yaml
from transform.rules import rules_for
from transform.scan import drop_overlaps, scan
from transform.sentences import attach_sentence, with_span_text
from transform.shadow import to_original

COLUMNS = ["period_id", "doc_id", "start", "end", "text", "kind", "start_date", "end_date", "rule_id", "sentence_id"]


@lru_cache(maxsize=1)
def _calendar() -> dict:
    return load_yaml("calendar.yaml")


def _month(col: str) -> pl.Expr:
    months = {k: int(v) for k, v in _calendar()["months"].items()}
    return pl.col(col).str.to_lowercase().str.strip_chars(".").replace_strict(months, default=None, return_dtype=pl.Int32)


def _year2(first: str, second: str) -> pl.Expr:
    """Second year of a pair, expanding two digits against the first ('2016', '17' -> 2017)."""
    y1 = pl.col(first).cast(pl.Int32)
    y2 = pl.col(second).cast(pl.Int32)
    century = (y1 // 100) * 100
    expanded = century + y2
    return pl.when(pl.col(second).str.len_chars() == 4).then(y2).when(expanded < y1).then(expanded + 100).otherwise(expanded)


def _date(y: pl.Expr, m: pl.Expr | int, d: pl.Expr | int) -> pl.Expr:
    """The date y-m-d, or null when the day does not exist in that month ('31 September', '29 February 2023'):
    a misprinted date must not stop the run."""
    day = d if isinstance(d, pl.Expr) else pl.lit(d)
    first = pl.date(y, m, 1)
    exists = (day >= 1) & (day <= first.dt.month_end().dt.day())
    return pl.when(exists).then(first + pl.duration(days=day - 1))


def _month_end(y: pl.Expr, m: pl.Expr) -> pl.Expr:
    return pl.date(y, m, 1).dt.month_end()


def _ensure(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    missing = [c for c in cols if c not in df.columns]
    return df.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])


def resolve(c: pl.DataFrame) -> pl.DataFrame:
    """Add kind, start_date and end_date to scanned period candidates."""
    c = _ensure(c, ["y1", "y1b", "y2", "y2b", "m1", "m1b", "m2", "d1", "d2", "sep", "unitword", "n", "q"])
    c = _ensure(c, ["d1b", "m1c", "y1c", "yy1"]).with_columns(
        # a two-digit year ('Mar-23', 'Q2 24/25') is in this century
        m1=pl.coalesce("m1", "m1b", "m1c"), y1=pl.coalesce("y1", "y1c", pl.lit("20") + pl.col("yy1")), d1=pl.coalesce("d1", "d1b")
    )
    fy = _calendar()["fiscal_year_start_month"]
    attr_kind = pl.col("rule_id").replace_strict(
        {r.id: r.attrs["kind"] for r in rules_for("periods") if "kind" in r.attrs}, default=None, return_dtype=pl.String
    )
    y1 = pl.col("y1").cast(pl.Int32)
    y1b = _year2("y1", "y1b")
    y2 = _year2("y1", "y2")
    consecutive = y2 == y1 + 1
    dash_kind = (
        pl.when(pl.col("sep") == "/").then(pl.lit("fiscal_year"))
        .when(pl.col("sep").is_in(["-", "–"]) & (pl.col("y2").str.len_chars() == 2) & consecutive).then(pl.lit("fiscal_year"))
        .otherwise(pl.lit("year_range"))
    )
    since_kind = (
        pl.when(pl.col("d1").is_not_null()).then(pl.lit("date"))
        .when(pl.col("m1").is_not_null()).then(pl.lit("month"))
        .when(pl.col("y1b").is_not_null() & (y1b == y1 + 1)).then(pl.lit("fiscal_year"))
        .otherwise(pl.lit("year"))
    )
    kind = (
        pl.when(pl.col("rule_id") == "PER-SINCE").then(since_kind)
        .when(pl.col("rule_id").is_in(["PER-YEAR-DASH-RANGE", "PER-YEAR-RANGE-WORDS"])).then(dash_kind)
        .when(pl.col("rule_id") == "PER-DEICTIC").then(pl.col("unitword").str.to_lowercase())
        # twelve months (or one year) to a date is a reporting year; other spans stay relative
        .when((pl.col("rule_id") == "PER-SPAN-TO-DATE") & (pl.col("n").is_in(["12", "twelve"]) & pl.col("unitword").str.starts_with("month") | pl.col("n").is_in(["1", "one"]) & pl.col("unitword").str.starts_with("year"))).then(pl.lit("fiscal_year"))
        .otherwise(attr_kind)
    )
    c = c.with_columns(kind=kind)
    m1, m2 = _month("m1"), _month("m2")
    d1, d2 = pl.col("d1").cast(pl.Int32), pl.col("d2").cast(pl.Int32)
    fy2_end = _year2("y2", "y2b")
    has_year = pl.col("y1").is_not_null()
    # a statistical 'reporting year 2024' ends with the fiscal year in that year (April 2023 - March 2024)
    reporting = pl.col("rule_id") == "PER-REPORTING-YEAR"
    ry = pl.col("y2").cast(pl.Int32)
    start = (
        pl.when(reporting).then(_date(ry - 1, fy, 1))
        .when(~has_year).then(None)
        .when(pl.col("rule_id").is_in(["PER-DATE", "PER-DATE-RANGE"]) | (pl.col("kind") == "date")).then(_date(y1, m1, d1))
        .when(pl.col("kind") == "month").then(_date(y1, m1, 1))
        .when(pl.col("rule_id") == "PER-MONTH-RANGE").then(_date(y1, m1, 1))
        .when(pl.col("kind").is_in(["fiscal_year", "fiscal_year_range"])).then(_date(y1, fy, 1))
        .when(pl.col("kind").is_in(["year", "year_range"])).then(_date(y1, 1, 1))
    )
    end = (
        pl.when(reporting).then(_date(ry, fy, 1).dt.offset_by("-1d"))
        .when(~has_year | (pl.col("rule_id") == "PER-SINCE")).then(None)
        .when(pl.col("rule_id") == "PER-DATE").then(_date(y1, m1, d1))
        .when(pl.col("rule_id") == "PER-DATE-RANGE").then(_date(y2, m2, d2))
        .when(pl.col("rule_id") == "PER-MONTH-RANGE").then(_month_end(y2, m2))
        .when(pl.col("kind") == "month").then(_month_end(y1, m1))
        .when(pl.col("kind") == "fiscal_year_range").then(_date(fy2_end, fy, 1).dt.offset_by("-1d"))
        .when((pl.col("kind") == "fiscal_year") & pl.col("y2").is_not_null()).then(_date(y2, fy, 1).dt.offset_by("-1d"))
        .when(pl.col("kind") == "fiscal_year").then(_date(y1b, fy, 1).dt.offset_by("-1d"))
        .when(pl.col("kind") == "year_range").then(_date(y2, 12, 31))
        .when(pl.col("kind") == "year").then(_date(y1, 12, 31))
    )
    c = c.with_columns(start_date=start, end_date=end)
    return _undated_if_inverted(_ending_periods(c, m1, d1, d2))


def _undated_if_inverted(c: pl.DataFrame) -> pl.DataFrame:
    """A range printed backwards ('December 2005 – April 2005') has no dates a reader can trust:
    the period is kept with null dates, as an impossible date is."""
    inverted = pl.col("start_date") > pl.col("end_date")
    return c.with_columns(
        start_date=pl.when(inverted).then(None).otherwise(pl.col("start_date")),
        end_date=pl.when(inverted).then(None).otherwise(pl.col("end_date")),
    )


def _ending_periods(c: pl.DataFrame, m1: pl.Expr, d1: pl.Expr, d2: pl.Expr) -> pl.DataFrame:
    """Dates of periods counted back from their last day or month ('year ending 31 March 2019',
    'the three years to March 2018'; a year to December is a calendar year) and of day and month ranges within one year."""
    y1 = pl.col("y1").cast(pl.Int32)
    last_day = pl.when(pl.col("d1").is_not_null()).then(_date(y1, m1, d1)).otherwise(_month_end(y1, m1))
    n = pl.coalesce(pl.col("n").str.replace_all(",", "").cast(pl.Int64, strict=False), words_value("n").cast(pl.Int64))
    back = pl.when(pl.col("rule_id") == "PER-YEAR-ENDING").then(pl.lit("-1y")).otherwise(
        pl.lit("-") + n.cast(pl.String) + pl.when(pl.col("unitword").str.to_lowercase().str.starts_with("year")).then(pl.lit("y")).otherwise(pl.lit("mo"))
    )
    counted = pl.col("rule_id").is_in(["PER-YEAR-ENDING", "PER-SPAN-TO-DATE"])
    day_range = pl.col("rule_id") == "PER-DAY-RANGE"
    days_across = pl.col("rule_id") == "PER-DAYS-ACROSS-MONTHS"
    months = pl.col("rule_id") == "PER-MONTHS-OF-YEAR"
    quarter = pl.col("rule_id") == "PER-FY-QUARTER"
    # fiscal quarter q of year y1/y1b starts (q - 1) * 3 months after the fiscal year start
    q_start = pl.date(y1, _calendar()["fiscal_year_start_month"], 1).dt.offset_by((pl.col("q").cast(pl.Int64) * 3 - 3).cast(pl.String) + "mo")
    return c.with_columns(
        start_date=pl.when(counted).then(last_day.dt.offset_by("1d").dt.offset_by(back))
        .when(day_range | days_across).then(_date(y1, m1, d1))
        .when(months).then(_date(y1, m1, 1))
        .when(quarter).then(q_start)
        .otherwise(pl.col("start_date")),
        end_date=pl.when(counted).then(last_day)
        .when(day_range).then(_date(y1, m1, d2))
        .when(days_across).then(_date(y1, _month("m2"), d2))
        .when(months).then(_month_end(y1, _month("m2")))
        .when(quarter).then(q_start.dt.offset_by("3mo").dt.offset_by("-1d"))
        .otherwise(pl.col("end_date")),
        # a year to December is a calendar year
        kind=pl.when((pl.col("rule_id") == "PER-YEAR-ENDING") & (m1 == 12)).then(pl.lit("year")).otherwise(pl.col("kind")),
    )


def periods_in_shadow(shadow: pl.DataFrame) -> pl.DataFrame:
    """Period rows in shadow offsets (s, e) with kind and dates, overlaps resolved."""
    c = scan(shadow, rules_for("periods"))
    return resolve_parliaments(drop_overlaps(resolve(c)))


def reference_years(periods: pl.DataFrame) -> pl.DataFrame:
    """Each document's reference year: the year most of its dated periods end in (ties: the later).

    A document rarely states its own date; the year it mostly reports on stands in for 'now'
    when a period is relative to it ('the last Parliament').
    """
    return (
        periods.filter(pl.col("end_date").is_not_null())
        .group_by("doc_id", ref_year=pl.col("end_date").dt.year())
        .len()
        .sort("len", "ref_year", descending=True)
        .unique("doc_id", keep="first")
        .select("doc_id", "ref_year")
    )


def resolve_parliaments(periods: pl.DataFrame) -> pl.DataFrame:
    """Dates of PER-PARLIAMENT rows: 'this' Parliament is the one sitting at the end of the
    document's reference year (start known, end open), 'last'/'previous' the one before it."""
    if "which" not in periods.columns:
        return periods
    is_parl = pl.col("rule_id") == "PER-PARLIAMENT"
    parl = pl.DataFrame(_calendar()["parliaments"], schema={"start": pl.Date, "end": pl.Date}).sort("start")
    parl = parl.with_columns(prev_start=pl.col("start").shift(1), prev_end=pl.col("end").shift(1))
    refs = reference_years(periods.filter(~is_parl)).with_columns(ref=pl.date(pl.col("ref_year"), 12, 31))
    found = (
        periods.filter(is_parl).select("doc_id", "s").join(refs, on="doc_id", how="inner").sort("ref")
        .join_asof(parl, left_on="ref", right_on="start", strategy="backward")
        .select("doc_id", "s", "start", "prev_start", "prev_end")
    )
    which = pl.col("which").str.to_lowercase()
    last = which.is_in(["last", "previous"])
    this = which.is_in(["this", "current", "present"])
    out = periods.join(found, on=["doc_id", "s"], how="left")
    return out.with_columns(
        start_date=pl.when(is_parl & last).then(pl.col("prev_start")).when(is_parl & this).then(pl.col("start"))
        .when(is_parl).then(None).otherwise(pl.col("start_date")),
        end_date=pl.when(is_parl & last).then(pl.col("prev_end")).when(is_parl).then(None).otherwise(pl.col("end_date")),
    ).drop("start", "prev_start", "prev_end")


def extract_periods(
    periods_shadow: pl.DataFrame, breaks: pl.DataFrame, documents: pl.DataFrame, sentences: pl.DataFrame
) -> pl.DataFrame:
    """The periods table with original offsets, text, ids and sentence ids."""
    c = attach_sentence(to_original(periods_shadow, breaks), sentences)
    c = with_span_text(c, documents).with_columns(
        period_id=pl.col("doc_id").str.slice(0, 16) + pl.lit("-P") + pl.col("start").cast(pl.String).str.zfill(7)
    )
    return c.select(*COLUMNS, "s", "e").sort("doc_id", "start")
