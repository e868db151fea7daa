"""Derived check columns and the Polars -> pandas conversion (no Great Expectations needed)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from validation_cases import DOC_ID, DOC_TEXT, empty_table, span, table, valid_tables

from expectations import frames
from warehouse.schema import SCHEMAS


def test_polars_slice_counts_code_points_not_bytes() -> None:
    text = "a’b£cd"
    got = pl.DataFrame({"s": [text]}).select(pl.col("s").str.slice(1, 3)).item()
    assert got == text[1:4] == "’b£"


def _figures(*rows: dict) -> pl.DataFrame:
    base = {"value": 1.0, "unit": "count", "role": "level", "rule_id": "r"}
    return table("figures", [{**base, **row} for row in rows])


def test_span_matches_uses_python_string_offsets_after_non_ascii() -> None:
    documents = valid_tables()["documents"]
    money = span("£9.6 million")
    assert DOC_TEXT.index("’") < money["start"]  # offsets come after non-ASCII characters
    byte_start = len(DOC_TEXT[: money["start"]].encode("utf-8"))
    assert byte_start != money["start"]
    figures = _figures(
        {"figure_id": "ok", **money},
        {"figure_id": "bytes", **money, "start": byte_start, "end": byte_start + 12},
        {"figure_id": "no-doc", **money, "doc_id": "missing"},
        {"figure_id": "negative", **money, "start": -3},
        {"figure_id": "reversed", **money, "start": money["end"], "end": money["start"]},
        {"figure_id": "past-end", "doc_id": DOC_ID, "start": len(DOC_TEXT),
         "end": len(DOC_TEXT) + 5, "text": "x"},
    )
    out = frames.validation_frame("figures", figures, documents)
    assert dict(zip(out["figure_id"], out[frames.SPAN_MATCHES])) == {
        "ok": True, "bytes": False, "no-doc": False, "negative": False, "reversed": False,
        "past-end": False,
    }
    assert out["figure_id"].to_list() == figures["figure_id"].to_list()  # order kept


def test_span_matches_is_false_without_documents() -> None:
    out = frames.validation_frame("figures", _figures({"figure_id": "f", **span("35%")}), None)
    assert out[frames.SPAN_MATCHES].to_list() == [False]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2015/16", "fiscal_year", True),
        ("2015/17", "fiscal_year", False),
        ("1999/00", "fiscal_year", True),
        ("2015-2016", "fiscal_year", True),
        ("2015 / 2017", "fiscal_year", False),
        ("2015/17", "year_range", None),
        ("the year to March 2016", "fiscal_year", None),
    ],
)
def test_fiscal_years_consecutive(text: str, kind: str, expected: bool | None) -> None:
    periods = table("periods", [{"period_id": "p", "doc_id": DOC_ID, "start": 0, "end": 1,
                                 "text": text, "kind": kind, "rule_id": "r"}])
    out = frames.validation_frame("periods", periods)
    assert out[frames.FISCAL_YEARS_CONSECUTIVE].to_list() == [expected]


def test_period_dates_ordered_and_years() -> None:
    d = dt.date
    periods = table("periods", [
        {"period_id": "ok", "start_date": d(2015, 4, 1), "end_date": d(2016, 3, 31)},
        {"period_id": "same", "start_date": d(2015, 4, 1), "end_date": d(2015, 4, 1)},
        {"period_id": "reversed", "start_date": d(2016, 4, 1), "end_date": d(2015, 3, 31)},
        {"period_id": "open", "start_date": d(2015, 4, 1)},
    ])
    out = frames.validation_frame("periods", periods)
    assert out[frames.DATES_ORDERED].to_list() == [True, True, False, None]
    assert out[frames.START_YEAR].to_list() == [2015, 2015, 2016, 2015]
    assert out[frames.END_YEAR].to_list() == [2016, 2015, 2015, None]


def test_row_id_aliases_the_id_column() -> None:
    for name, frame in valid_tables().items():
        out = frames.validation_frame(name, frame, valid_tables()["documents"])
        id_column = {"documents": "doc_id", "source_files": "source_path"}.get(name)
        expected = frame[id_column or SCHEMAS[name].names[0]].to_list()
        assert out[frames.ROW_ID].to_list() == expected
        assert out.columns == [*SCHEMAS[name].names, *frames.derived_columns(name)]


def test_derived_columns_survive_missing_input_columns() -> None:
    figures = _figures({"figure_id": "f", **span("35%")}).drop("start", "text")
    out = frames.validation_frame("figures", figures, valid_tables()["documents"])
    assert out[frames.SPAN_MATCHES].to_list() == [False]


@pytest.mark.parametrize("name", frames.VALIDATED_TABLES)
def test_pandas_dtypes_do_not_depend_on_nulls(name: str) -> None:
    """ArrowDtype columns: an all-null or empty column has the same dtype as a full one."""
    tables = valid_tables()
    full = frames.to_pandas(frames.validation_frame(name, tables[name], tables["documents"]))
    empty = frames.to_pandas(
        frames.validation_frame(name, empty_table(name), empty_table("documents"))
    )
    assert dict(full.dtypes.astype(str)) == dict(empty.dtypes.astype(str))
    expected = frames.expected_pandas_dtypes(name)
    assert {column: str(full.dtypes[column]) for column in SCHEMAS[name].names} == expected
    assert all(dtype.endswith("[pyarrow]") for dtype in expected.values())
