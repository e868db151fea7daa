"""Round trips through stage_version/publish/read_table, and conform's schema checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from warehouse.schema import SCHEMAS
from warehouse.store import (
    PART_FILENAME,
    SchemaMismatchError,
    UnknownTableError,
    conform,
    current_version,
    empty_frame,
    publish,
    read_table,
    read_tables,
    sort_columns,
    stage_version,
)


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_round_trip_keeps_rows_and_exact_schema(
    data_dir: Path, tables: dict[str, pl.DataFrame], table: str
) -> None:
    assert tables[table].height > 0
    shuffled = tables[table].reverse().select(reversed(tables[table].columns))
    staged = stage_version(data_dir, {table: shuffled})
    publish(data_dir, staged)

    file_schema = pq.read_schema(data_dir / "warehouse" / table / PART_FILENAME)
    assert file_schema.remove_metadata().equals(SCHEMAS[table])
    result = read_table(data_dir, table)
    assert result.schema == empty_frame(table).schema
    expected = tables[table].sort(sort_columns(table), nulls_last=True)
    assert_frame_equal(result, expected)


def test_reading_before_any_publish_gives_empty_frames(data_dir: Path) -> None:
    assert current_version(data_dir) is None
    for table, frame in read_tables(data_dir).items():
        assert frame.height == 0
        expected = pl.from_arrow(SCHEMAS[table].empty_table())
        assert isinstance(expected, pl.DataFrame) and frame.schema == expected.schema


def test_first_version_writes_every_table(data_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    publish(data_dir, stage_version(data_dir, {"documents": tables["documents"]}))
    for table in SCHEMAS:
        assert (data_dir / "warehouse" / table / PART_FILENAME).is_file()
    assert read_table(data_dir, "documents").height == 3
    assert read_table(data_dir, "figures").height == 0


def test_conform_casts_polars_types_and_reorders() -> None:
    frame = pl.DataFrame(
        {
            "text": ["abc"],
            "end": pl.Series([3], dtype=pl.Int32),
            "start": [0],
            "doc_id": ["d"],
            "sentence_id": ["s"],
        }
    )
    result = conform("sentences", frame)
    assert result.schema.equals(SCHEMAS["sentences"])


@pytest.mark.parametrize(
    ("change", "column", "problem"),
    [
        (lambda f: f.drop("unit"), "unit", "missing"),
        (lambda f: f.with_columns(pl.lit(1).alias("bogus")), "bogus", "not a column"),
        (lambda f: f.with_columns(pl.lit("x").alias("value")), "value", "cannot be cast"),
        (lambda f: f.with_columns(pl.lit(None, dtype=pl.String).alias("unit")), "unit", "null"),
    ],
)
def test_conform_names_table_and_column(
    tables: dict[str, pl.DataFrame],
    change: Callable[[pl.DataFrame], pl.DataFrame],
    column: str,
    problem: str,
) -> None:
    with pytest.raises(SchemaMismatchError, match=problem) as caught:
        conform("figures", change(tables["figures"]))
    assert (caught.value.table, caught.value.column) == ("figures", column)
    assert "'figures'" in str(caught.value) and repr(column) in str(caught.value)


def test_bad_frame_leaves_nothing_on_disk(data_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(SchemaMismatchError):
        stage_version(
            data_dir, {"documents": tables["documents"], "figures": tables["figures"].drop("unit")}
        )
    assert not data_dir.exists()


def test_unknown_table_is_a_typed_error(data_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(UnknownTableError, match="nope"):
        stage_version(data_dir, {"nope": tables["documents"]})
    with pytest.raises(UnknownTableError):
        read_table(data_dir, "nope")


def test_accepts_arrow_tables(data_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    arrow = tables["checks"].to_arrow()
    assert isinstance(arrow, pa.Table)
    publish(data_dir, stage_version(data_dir, {"checks": arrow}))
    assert_frame_equal(read_table(data_dir, "checks"), tables["checks"].sort("check_id"))
