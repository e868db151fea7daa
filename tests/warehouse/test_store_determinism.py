"""Same table content gives byte-identical Parquet files, whatever the row order, run or process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from warehouse.schema import SCHEMAS
from warehouse.store import COMPRESSION, PART_FILENAME, publish, stage_version

ROOT = Path(__file__).parents[2]


def _files(data_dir: Path) -> dict[str, bytes]:
    return {
        table: (data_dir / "warehouse" / table / PART_FILENAME).read_bytes() for table in SCHEMAS
    }


def test_same_content_same_bytes(tmp_path: Path, tables: dict[str, pl.DataFrame]) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    publish(first, stage_version(first, tables, version_id="20260101T000000000000Z-aaaaaa"))
    shuffled = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=7).select(sorted(frame.columns))
        for name, frame in tables.items()
    }
    publish(second, stage_version(second, shuffled))
    assert _files(first) == _files(second)


def test_another_process_writes_the_same_bytes(
    tmp_path: Path, tables: dict[str, pl.DataFrame]
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    publish(here, stage_version(here, tables))
    script = (
        "import sys; from pathlib import Path; "
        "from tests.warehouse.warehouse_samples import document_batch; "
        "from warehouse.store import publish, stage_version; d = Path(sys.argv[1]); "
        "publish(d, stage_version(d, document_batch(['c', 'b', 'a'], gen=0, run_id='run-0')))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(there)],
        check=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "123"},
    )
    assert _files(here) == _files(there)


def test_metadata_holds_nothing_that_varies(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    publish(data_dir, stage_version(data_dir, tables))
    for table in SCHEMAS:
        meta = pq.read_metadata(data_dir / "warehouse" / table / PART_FILENAME)
        assert set(meta.metadata) == {b"ARROW:schema"}  # the Arrow schema, nothing else
        assert meta.created_by.startswith("parquet-cpp-arrow version")
        for group in range(meta.num_row_groups):
            for column in range(meta.num_columns):
                assert meta.row_group(group).column(column).compression == COMPRESSION.upper()
