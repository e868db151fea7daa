"""A run killed at any moment leaves every table readable and as it was before or after the run."""

from __future__ import annotations

import io
import itertools
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from csfacts.settings import KEEP_VERSIONS
from tests.warehouse.warehouse_samples import changed_tables, document_batch
from warehouse.schema import SCHEMAS
from warehouse.store import publish, remove_leftovers, stage_version

ROOT = Path(__file__).parents[2]
Files = dict[str, dict[str, bytes]]


@pytest.fixture
def states(tmp_path: Path) -> dict[int, Files]:
    """The warehouse files after publishing generation 0, then generation 1, of CHANGED."""
    scratch = tmp_path / "scratch"
    publish(scratch, stage_version(scratch, document_batch(["a", "b", "c"], gen=0, run_id="run-0")))
    before = _files(scratch)
    publish(scratch, stage_version(scratch, changed_tables(1)))
    return {0: before, 1: _files(scratch)}


def _files(data_dir: Path) -> Files:
    """Every file a reader of D/warehouse sees, by table (bytes identify content)."""
    return {
        table: {
            p.name: p.read_bytes()
            for p in (data_dir / "warehouse" / table).rglob("*")
            if p.is_file()
        }
        for table in SCHEMAS
    }


def _generation(data_dir: Path, states: dict[int, Files]) -> int:
    """The generation all tables of the current warehouse equal, failing if they disagree."""
    files = _files(data_dir)
    matches = [gen for gen, state in states.items() if files == state]
    assert len(matches) == 1, (
        "tables of mixed generations, or files that are not a complete version"
    )
    return matches[0]


def _leftovers(data_dir: Path) -> list[str]:
    hidden = [name for name in os.listdir(data_dir / ".versions") if name.startswith(".")]
    return hidden + [name for name in os.listdir(data_dir) if name.startswith(".warehouse.tmp")]


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so no `except Exception` cleanup runs."""


# Every file-system step stage_version and publish take (shutil.rmtree and Path use the os ones).
STEPS = [
    (os, name)
    for name in ("mkdir", "link", "fsync", "rename", "symlink", "replace", "unlink", "rmdir")
]


def _crash_at(step: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch the file-system steps so that call number `step` dies; return the completed calls."""
    done: list[str] = []
    write_table = pq.write_table

    def wrap(name: str, call: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            if len(done) + 1 == step:
                raise Killed(name)
            result = call(*args, **kwargs)
            done.append(name)
            return result

        return wrapper

    def write_half(table: object, where: object, **kwargs: object) -> None:
        if len(done) + 1 == step:
            buffer = io.BytesIO()
            write_table(table, buffer, **kwargs)
            Path(str(where)).write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
            raise Killed("write_table")
        write_table(table, where, **kwargs)
        done.append("write_table")

    for module, name in STEPS:
        monkeypatch.setattr(module, name, wrap(name, getattr(module, name)))
    monkeypatch.setattr(pq, "write_table", write_half)
    return done


def test_crash_at_every_file_system_step(
    data_dir: Path, states: dict[int, Files], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kill just before or after an fsync looks the same to readers: skip the (slow) real syncs.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    publish(
        data_dir, stage_version(data_dir, document_batch(["a", "b", "c"], gen=0, run_id="run-0"))
    )
    tables = {gen: changed_tables(gen) for gen in states}
    target = 1
    for step in itertools.count(1):
        with monkeypatch.context() as patch:
            done = _crash_at(step, patch)
            try:
                publish(data_dir, stage_version(data_dir, tables[target]))
                completed = True
            except Killed:
                completed = False
        # The swap is the one moment the run becomes visible.
        current = _generation(data_dir, states)
        assert current == (target if "replace" in done else 1 - target), (step, done)
        if completed:
            break
        # Clean up as the next run would first, so that run takes the same steps as this one.
        remove_leftovers(data_dir)
        assert _leftovers(data_dir) == []
        target = 1 - current
    assert step > 40  # every step of a whole run was tried
    assert _leftovers(data_dir) == []


@pytest.fixture
def writers(data_dir: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Child processes that import everything, then wait for "go" to stage and publish in a loop."""
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.warehouse.writer_loop", str(data_dir)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        yield children
    finally:
        for child in children:
            child.kill()
            child.communicate()


def test_sigkill_at_random_moments(
    data_dir: Path, states: dict[int, Files], writers: list[subprocess.Popen[str]]
) -> None:
    publish(
        data_dir, stage_version(data_dir, document_batch(["a", "b", "c"], gen=0, run_id="run-0"))
    )
    rng = random.Random(20260101)
    for child in writers:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline() == "ready\n", child.communicate()[1]
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0.02, 0.4))
        assert child.poll() is None, child.communicate()[1]  # still looping, not crashed
        child.kill()
        child.wait()
        _generation(data_dir, states)
        for table in SCHEMAS:  # and the readers read every table
            pl.scan_parquet(
                data_dir / "warehouse" / table / "**/*.parquet", hive_partitioning=True
            ).collect()
    publish(data_dir, stage_version(data_dir, changed_tables(0)))
    assert _generation(data_dir, states) == 0
    assert _leftovers(data_dir) == []
    assert len(os.listdir(data_dir / ".versions")) <= 1 + KEEP_VERSIONS
