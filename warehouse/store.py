"""Versioned, atomically published Parquet storage of the warehouse tables.

Layout under a data directory ``D``::

    D/.versions/<version_id>/<table>/part-00000.parquet   a complete version (one file a table)
    D/.versions/.staging-<version_id>/                    a version still being written
    D/.versions/.rejected-<version_id>/                   a discarded version kept for inspection
    D/.versions/.trash-<name>/                            a directory being deleted
    D/.warehouse.tmp-<version_id>                         the symlink about to replace D/warehouse
    D/warehouse -> .versions/<version_id>                 relative symlink to the current version

A run writes its tables into a staging directory, fsyncs them, renames the directory to its
final name and swaps ``D/warehouse`` with ``os.replace`` of a new symlink, so a reader sees the
whole old version or the whole new one and never a partly written file. Files are never changed
once written, which is what makes hard-linking untouched tables from the previous version safe.
Every leftover of a killed run starts with a dot and is removed by the next run. Writers are
serialised by :func:`warehouse.lock.writer_lock`; the functions here assume the caller holds it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from csfacts.settings import KEEP_VERSIONS, VERSIONS_DIRNAME, WAREHOUSE_DIRNAME
from warehouse.schema import ID_COLUMNS, SCHEMAS

PART_FILENAME = "part-00000.parquet"
COMPRESSION = "zstd"
STAGING_PREFIX = ".staging-"
REJECTED_PREFIX = ".rejected-"
TRASH_PREFIX = ".trash-"
LINK_TMP_PREFIX = f".{WAREHOUSE_DIRNAME}.tmp-"
# Row order of the tables without a single id column.
COMPOSITE_KEYS: dict[str, tuple[str, ...]] = {
    "validation_results": ("run_id", "suite", "table", "expectation_type", "column"),
}
_VERSION_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.+-]*")

TableData: TypeAlias = pl.DataFrame | pa.Table


class WarehouseError(Exception):
    """Base class of the warehouse storage errors."""


class UnknownTableError(WarehouseError):
    """A table name that is not in ``warehouse.schema.SCHEMAS``."""

    def __init__(self, table: str) -> None:
        self.table = table
        super().__init__(f"unknown warehouse table {table!r}; known tables: {', '.join(SCHEMAS)}")


class SchemaMismatchError(WarehouseError):
    """A frame that does not fit ``SCHEMAS[table]``: a column missing, extra, uncastable or null."""

    def __init__(self, table: str, column: str, problem: str) -> None:
        self.table = table
        self.column = column
        self.problem = problem
        super().__init__(f"table {table!r}, column {column!r}: {problem}")


class WarehouseLayoutError(WarehouseError):
    """``D/warehouse`` is not the symlink into ``D/.versions`` that this module manages."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path} {problem}")


class VersionError(WarehouseError):
    """A version id that is malformed or taken, or a staged version that cannot be used."""

    def __init__(self, version_id: str, problem: str) -> None:
        self.version_id = version_id
        self.problem = problem
        super().__init__(f"version {version_id!r}: {problem}")


@dataclass(frozen=True)
class StagedVersion:
    """A complete, fsynced version directory that is not (yet) the current one."""

    data_dir: Path
    version_id: str
    written: tuple[str, ...]

    @property
    def path(self) -> Path:
        """The version's directory, ``D/.versions/<version_id>``."""
        return _versions_dir(self.data_dir) / self.version_id


# --- schemas and row order -------------------------------------------------------------------


def table_schema(table: str) -> pa.Schema:
    """The Arrow schema of `table`, raising UnknownTableError for a name not in SCHEMAS."""
    try:
        return SCHEMAS[table]
    except KeyError:
        raise UnknownTableError(table) from None


def sort_columns(table: str) -> list[str]:
    """Columns that order a table's rows: its key, then other flat columns as tie-breakers."""
    schema = table_schema(table)
    id_column = ID_COLUMNS.get(table)
    key = [id_column] if id_column else list(COMPOSITE_KEYS.get(table, ()))
    return key + [f.name for f in schema if f.name not in key and not pa.types.is_nested(f.type)]


def empty_frame(table: str) -> pl.DataFrame:
    """An empty Polars frame with the columns and types of `table`."""
    return pl.DataFrame(schema=_frame_schema(table))


@functools.cache
def _frame_schema(table: str) -> pl.Schema:
    """The Polars schema that ``pl.from_arrow`` gives an empty table of ``SCHEMAS[table]``."""
    return _to_frame(table_schema(table).empty_table()).schema


def conform(table: str, data: TableData) -> pa.Table:
    """Cast and reorder `data` to exactly ``SCHEMAS[table]``, else raise SchemaMismatchError."""
    schema = table_schema(table)
    arrow = data.to_arrow() if isinstance(data, pl.DataFrame) else data
    extra = [name for name in arrow.column_names if name not in schema.names]
    if extra:
        raise SchemaMismatchError(table, extra[0], "is not a column of the table")
    columns = []
    for field in schema:
        if field.name not in arrow.column_names:
            raise SchemaMismatchError(table, field.name, "is missing")
        column = arrow.column(field.name)
        try:
            column = column.cast(field.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise SchemaMismatchError(
                table, field.name, f"cannot be cast from {column.type} to {field.type}: {exc}"
            ) from exc
        if not field.nullable and column.null_count:
            raise SchemaMismatchError(
                table, field.name, f"has {column.null_count} null value(s) but is not nullable"
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def conform_frame(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with exactly the columns and Polars types of `table` (as is when it has them)."""
    if frame.schema == _frame_schema(table):
        return frame
    return _to_frame(conform(table, frame))


def _sorted(table: str, data: pa.Table) -> pa.Table:
    keys = [(name, "ascending") for name in sort_columns(table)]  # nulls last, Arrow's default
    if data.num_rows > 1:
        data = data.take(pc.sort_indices(data, sort_keys=keys))
    return data.combine_chunks()


def _to_frame(data: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(data)
    assert isinstance(frame, pl.DataFrame)
    return frame


# --- reading -----------------------------------------------------------------------------------


def current_version(data_dir: Path) -> str | None:
    """The id of the current version, or None before the first publish."""
    link = _link_path(data_dir)
    if not link.is_symlink():
        if link.exists():
            raise WarehouseLayoutError(
                link,
                "is a real directory or file, not the symlink csfacts publishes versions through. "
                "csfacts will not touch it: move it aside (for example "
                f"`mv {link} {link}.manual`) and rerun; load its tables with a run if you "
                "need them.",
            )
        return None
    target = os.readlink(link)
    parent, _, version_id = target.rpartition("/")
    well_formed = parent == VERSIONS_DIRNAME and _VERSION_ID.fullmatch(version_id)
    if not well_formed or not (_versions_dir(data_dir) / version_id).is_dir():
        raise WarehouseLayoutError(
            link,
            f"points to {target!r}, not to an existing {VERSIONS_DIRNAME}/<version_id> directory",
        )
    return version_id


def read_table(data_dir: Path, table: str) -> pl.DataFrame:
    """The current version's `table`, or an empty frame with its schema if there is none."""
    return read_tables(data_dir, [table])[table]


def read_tables(data_dir: Path, tables: Iterable[str] | None = None) -> dict[str, pl.DataFrame]:
    """The current version's tables (all of SCHEMAS by default), all read from the same version."""
    names = list(SCHEMAS) if tables is None else list(tables)
    version = current_version(data_dir)
    if version is None:
        return {name: empty_frame(name) for name in names}
    root = _versions_dir(data_dir) / version
    return {name: _read_version_table(root, name) for name in names}


def _read_version_table(version_dir: Path, table: str) -> pl.DataFrame:
    table_dir = version_dir / table
    if not any(table_dir.rglob("*.parquet")):
        return empty_frame(table)
    frame = pl.read_parquet(table_dir / "**/*.parquet", hive_partitioning=True)
    # a version written under an older contract lacks the nullable columns added since: they read as null
    added = [f for f in table_schema(table) if f.nullable and f.name not in frame.columns]
    if added:
        frame = frame.with_columns(pl.lit(None).alias(f.name) for f in added)
    return conform_frame(table, frame)


# --- writing -----------------------------------------------------------------------------------


def new_version_id() -> str:
    """A fresh version id that sorts by creation time: UTC timestamp plus a random suffix."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def stage_version(
    data_dir: Path, tables: Mapping[str, TableData], version_id: str | None = None
) -> StagedVersion:
    """Write `tables` into a new complete version; hard-link the rest from the current one."""
    data_dir = Path(data_dir)
    # Check every table before touching the disk: a bad frame leaves nothing behind.
    conformed = {name: _sorted(name, conform(name, data)) for name, data in tables.items()}
    current = current_version(data_dir)
    version_id = version_id or new_version_id()
    if not _VERSION_ID.fullmatch(version_id):
        raise VersionError(version_id, f"must match {_VERSION_ID.pattern}")
    versions = _versions_dir(data_dir)
    _make_dir(versions)
    remove_leftovers(data_dir)
    final = versions / version_id
    if final.exists() or (versions / f"{REJECTED_PREFIX}{version_id}").exists():
        raise VersionError(version_id, "already exists")
    previous = versions / current if current else None

    staging = versions / f"{STAGING_PREFIX}{version_id}"
    staging.mkdir()
    for name in SCHEMAS:
        target = staging / name
        if name not in conformed and previous is not None and (previous / name).is_dir():
            _link_tree(previous / name, target)
        else:
            data = conformed.get(name, table_schema(name).empty_table())
            target.mkdir()
            _write_parquet(target / PART_FILENAME, data)
        _fsync(target)
    _fsync(staging)
    os.rename(staging, final)
    _fsync(versions)
    return StagedVersion(data_dir, version_id, tuple(conformed))


def publish(data_dir: Path, staged: StagedVersion) -> None:
    """Make `staged` the current version with one atomic symlink swap, then prune old versions."""
    data_dir = Path(data_dir)
    current_version(data_dir)  # refuses a hand-made D/warehouse before anything changes
    if not data_dir.is_dir() or not os.path.samefile(data_dir, staged.data_dir):
        raise VersionError(staged.version_id, f"was staged in {staged.data_dir}, not in {data_dir}")
    if not staged.path.is_dir():
        raise VersionError(
            staged.version_id, f"{staged.path} does not exist (discarded or pruned?)"
        )
    tmp_link = data_dir / f"{LINK_TMP_PREFIX}{staged.version_id}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(f"{VERSIONS_DIRNAME}/{staged.version_id}", tmp_link)
    os.replace(tmp_link, _link_path(data_dir))
    _fsync(data_dir)
    prune(data_dir)


def discard(staged: StagedVersion, *, keep_for_inspection: bool = False) -> Path | None:
    """Delete an unpublished staged version, or move it to ``.rejected-<id>`` and return that."""
    if staged.version_id == current_version(staged.data_dir):
        raise VersionError(staged.version_id, "is the current version and cannot be discarded")
    if not staged.path.is_dir():
        raise VersionError(staged.version_id, f"{staged.path} does not exist")
    if not keep_for_inspection:
        _remove_dir(staged.path)
        return None
    versions = _versions_dir(staged.data_dir)
    target = versions / f"{REJECTED_PREFIX}{staged.version_id}"
    os.rename(staged.path, target)
    _fsync(versions)
    return target


def prune(data_dir: Path, keep: int = KEEP_VERSIONS) -> list[str]:
    """Delete all versions but the current and the `keep` newest others; return their names."""
    current = current_version(data_dir)
    versions = _versions_dir(data_dir)
    if not versions.is_dir():
        return []
    remove_leftovers(data_dir)
    names = sorted(entry.name for entry in versions.iterdir() if entry.is_dir())
    complete = [name for name in names if not name.startswith(".") and name != current]
    rejected = [name for name in names if name.startswith(REJECTED_PREFIX)]
    doomed = complete[: max(len(complete) - keep, 0)] + rejected[: max(len(rejected) - keep, 0)]
    for name in doomed:
        _remove_dir(versions / name)
    return doomed


def remove_leftovers(data_dir: Path) -> None:
    """Delete what killed runs left behind: staging and trash directories and temporary symlinks."""
    versions = _versions_dir(data_dir)
    if versions.is_dir():
        for entry in sorted(versions.iterdir()):
            if entry.name.startswith((STAGING_PREFIX, TRASH_PREFIX)):
                _remove_dir(entry)
    if data_dir.is_dir():
        for entry in data_dir.iterdir():
            if entry.name.startswith(LINK_TMP_PREFIX) and entry.is_symlink():
                entry.unlink()


# --- file system helpers ---------------------------------------------------------------------


def _versions_dir(data_dir: Path) -> Path:
    return Path(data_dir) / VERSIONS_DIRNAME


def _link_path(data_dir: Path) -> Path:
    return Path(data_dir) / WAREHOUSE_DIRNAME


def _write_parquet(path: Path, data: pa.Table) -> None:
    pq.write_table(data, path, compression=COMPRESSION)
    _fsync(path)


def _link_tree(source: Path, target: Path) -> None:
    """Recreate `source` at `target` with hard links (copies where the file system refuses them)."""
    target.mkdir()
    for entry in sorted(source.iterdir()):
        destination = target / entry.name
        if entry.is_dir():
            _link_tree(entry, destination)
            _fsync(destination)
            continue
        try:
            os.link(entry, destination)
        except OSError:  # EXDEV, EPERM or EMLINK: fall back to a private copy
            shutil.copyfile(entry, destination)
            _fsync(destination)


def _make_dir(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        _fsync(path.parent)


def _remove_dir(path: Path) -> None:
    """Rename `path` to a ``.trash-`` name first so a half-deleted directory is recognisable."""
    if path.name.startswith(TRASH_PREFIX):
        shutil.rmtree(path)
        return
    trash = path.with_name(f"{TRASH_PREFIX}{path.name}")
    if trash.exists():
        shutil.rmtree(trash)
    os.rename(path, trash)
    shutil.rmtree(trash)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
