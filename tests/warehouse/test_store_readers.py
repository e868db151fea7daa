"""The published tables are readable by the three readers the warehouse contract names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from polars.testing import assert_frame_equal

from warehouse.schema import SCHEMAS
from warehouse.store import conform, publish, read_table, stage_version


@pytest.fixture
def warehouse(data_dir: Path, tables: dict[str, pl.DataFrame]) -> Path:
    """A data directory with two published versions (the second rewrites only documents)."""
    publish(data_dir, stage_version(data_dir, tables))
    publish(data_dir, stage_version(data_dir, {"documents": tables["documents"].head(2)}))
    return data_dir / "warehouse"


def _as_schema(table: str, data: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(conform(table, data))
    assert isinstance(frame, pl.DataFrame)
    return frame


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_polars_scan_with_hive_partitioning(warehouse: Path, table: str) -> None:
    scanned = pl.scan_parquet(warehouse / table / "**/*.parquet", hive_partitioning=True).collect()
    assert_frame_equal(scanned, read_table(warehouse.parent, table))


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_duckdb_read_parquet_with_hive_partitioning(warehouse: Path, table: str) -> None:
    glob = str(warehouse / table / "**/*.parquet")
    with duckdb.connect() as con:
        arrow = con.sql(
            "SELECT * FROM read_parquet($glob, hive_partitioning=true)", params={"glob": glob}
        ).to_arrow_table()
    expected = read_table(warehouse.parent, table)
    assert arrow.column_names == expected.columns
    assert_frame_equal(_as_schema(table, arrow), expected)


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_pyarrow_dataset_with_hive_partitioning(warehouse: Path, table: str) -> None:
    arrow = ds.dataset(warehouse / table, format="parquet", partitioning="hive").to_table()
    assert arrow.schema.remove_metadata().equals(SCHEMAS[table])
    assert_frame_equal(_as_schema(table, arrow), read_table(warehouse.parent, table))


def test_documents_of_the_second_version_are_visible(warehouse: Path) -> None:
    assert read_table(warehouse.parent, "documents")["doc_id"].to_list() == ["a", "b"]
    assert read_table(warehouse.parent, "figures").height > 0
