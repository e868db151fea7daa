"""Version directories: hard links, pruning, leftovers, discard, hand-made D/warehouse."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from csfacts.settings import KEEP_VERSIONS
from warehouse.schema import SCHEMAS
from warehouse.store import (
    PART_FILENAME,
    VersionError,
    WarehouseLayoutError,
    current_version,
    discard,
    new_version_id,
    publish,
    read_table,
    read_tables,
    stage_version,
)


def _part(version_dir: Path, table: str) -> Path:
    return version_dir / table / PART_FILENAME


def _entries(data_dir: Path) -> list[str]:
    return sorted(os.listdir(data_dir / ".versions"))


def test_untouched_tables_are_hard_links(data_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    first = stage_version(data_dir, tables)
    publish(data_dir, first)
    second = stage_version(data_dir, {"documents": tables["documents"].head(1)})
    assert second.written == ("documents",)
    for table in SCHEMAS:
        same = os.stat(_part(first.path, table)).st_ino == os.stat(_part(second.path, table)).st_ino
        assert same is (table != "documents"), table


def test_copies_when_the_file_system_refuses_links(
    data_dir: Path, tables: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = stage_version(data_dir, tables)
    publish(data_dir, first)

    def refuse(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    second = stage_version(data_dir, {"documents": tables["documents"].head(1)})
    publish(data_dir, second)
    figures = _part(second.path, "figures")
    assert os.stat(figures).st_ino != os.stat(_part(first.path, "figures")).st_ino
    assert figures.read_bytes() == _part(first.path, "figures").read_bytes()


def test_symlink_is_relative_so_the_data_dir_can_move(
    data_dir: Path, tables: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    staged = stage_version(data_dir, tables)
    publish(data_dir, staged)
    assert os.readlink(data_dir / "warehouse") == f".versions/{staged.version_id}"
    moved = tmp_path / "moved"
    data_dir.rename(moved)
    assert current_version(moved) == staged.version_id
    assert read_table(moved, "figures").height == tables["figures"].height


def test_prune_keeps_current_and_the_newest_previous(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    ids = [f"2026010{i}T000000000000Z-000000" for i in range(1, 7)]
    for version_id in ids:
        publish(data_dir, stage_version(data_dir, {"documents": tables["documents"]}, version_id))
    assert _entries(data_dir) == ids[-(KEEP_VERSIONS + 1) :]
    # Publishing an id older than all the others: it is current, so it survives.
    oldest = "20250101T000000000000Z-000000"
    publish(data_dir, stage_version(data_dir, {"documents": tables["documents"].head(1)}, oldest))
    assert current_version(data_dir) == oldest
    assert _entries(data_dir) == [oldest, *ids[-KEEP_VERSIONS:]]
    assert read_table(data_dir, "documents").height == 1


def test_killed_before_publish_leaves_old_state_and_leftovers_next_run_removes(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    publish(data_dir, stage_version(data_dir, tables))
    before = read_tables(data_dir)
    # What a run killed mid-write leaves: a half-written staging dir, a half-deleted
    # directory and the temporary symlink it was about to swap in.
    partial = data_dir / ".versions" / ".staging-20260101T000000000000Z-dead00" / "figures"
    partial.mkdir(parents=True)
    (partial / PART_FILENAME).write_bytes(b"PAR1 half a file")
    (data_dir / ".versions" / ".trash-20200101T000000000000Z-000000" / "runs").mkdir(parents=True)
    os.symlink(".versions/nowhere", data_dir / ".warehouse.tmp-20260101T000000000000Z-dead00")
    for table, frame in read_tables(data_dir).items():
        assert_frame_equal(frame, before[table])

    staged = stage_version(data_dir, {"documents": tables["documents"].head(1)})
    assert _entries(data_dir) == sorted([current_version(data_dir) or "", staged.version_id])
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".warehouse")] == []


def test_discard_deletes_or_keeps_for_inspection(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    publish(data_dir, stage_version(data_dir, tables))
    gone = stage_version(data_dir, {"documents": tables["documents"].head(1)})
    assert discard(gone) is None
    assert not gone.path.exists()
    with pytest.raises(VersionError, match="does not exist"):
        publish(data_dir, gone)

    kept = stage_version(data_dir, {"documents": tables["documents"].head(1)})
    rejected = discard(kept, keep_for_inspection=True)
    assert rejected == data_dir / ".versions" / f".rejected-{kept.version_id}"
    assert (rejected / "documents" / PART_FILENAME).is_file()
    assert read_table(data_dir, "documents").height == 3


def test_current_version_cannot_be_discarded(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    staged = stage_version(data_dir, tables)
    publish(data_dir, staged)
    with pytest.raises(VersionError, match="current"):
        discard(staged)


def test_version_ids_sort_by_time_and_are_checked(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    ids = [new_version_id() for _ in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    with pytest.raises(VersionError, match="must match"):
        stage_version(data_dir, tables, version_id="../escape")
    stage_version(data_dir, tables, version_id="v1")
    with pytest.raises(VersionError, match="already exists"):
        stage_version(data_dir, tables, version_id="v1")


def test_hand_made_warehouse_directory_is_refused_and_kept(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    manual = data_dir / "warehouse" / "documents"
    manual.mkdir(parents=True)
    (manual / "mine.parquet").write_bytes(b"user data")
    with pytest.raises(WarehouseLayoutError, match="not the symlink") as caught:
        stage_version(data_dir, tables)
    assert "mv " in str(caught.value) and caught.value.path == data_dir / "warehouse"
    with pytest.raises(WarehouseLayoutError):
        read_table(data_dir, "documents")
    assert (manual / "mine.parquet").read_bytes() == b"user data"


def test_publish_refuses_a_hand_made_warehouse_directory(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    staged = stage_version(data_dir, tables)
    (data_dir / "warehouse").mkdir()
    with pytest.raises(WarehouseLayoutError):
        publish(data_dir, staged)
    assert (data_dir / "warehouse").is_dir() and not (data_dir / "warehouse").is_symlink()


def test_dangling_symlink_is_a_layout_error(data_dir: Path) -> None:
    data_dir.mkdir()
    os.symlink(".versions/missing", data_dir / "warehouse")
    with pytest.raises(WarehouseLayoutError, match="points to"):
        current_version(data_dir)


def test_table_missing_from_the_current_version_reads_empty_and_is_written_empty(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    """A table added to SCHEMAS after the current version was written."""
    first = stage_version(data_dir, tables)
    publish(data_dir, first)
    shutil.rmtree(first.path / "ratings")
    assert read_table(data_dir, "ratings").height == 0
    second = stage_version(data_dir, {"documents": tables["documents"]})
    assert (second.path / "ratings" / PART_FILENAME).is_file()


def test_columns_added_to_a_table_since_a_version_was_written_read_as_null(
    data_dir: Path, tables: dict[str, pl.DataFrame]
) -> None:
    """A version written under contract v1 has ratings without the judgement columns of v2."""
    first = stage_version(data_dir, tables)
    publish(data_dir, first)
    part = _part(first.path, "ratings")
    old = pl.read_parquet(part).drop("judgement_area", "inspection_id", "judgement_source", "judgement_label")
    part.unlink()  # a hard link shared with nothing else here; write the older file in its place
    old.write_parquet(part)
    got = read_table(data_dir, "ratings")
    assert got.columns == SCHEMAS["ratings"].names and got.height == tables["ratings"].height
    assert got["judgement_area"].null_count() == got.height
