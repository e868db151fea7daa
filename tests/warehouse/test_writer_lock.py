"""The writer lock: a second writer times out naming the holder; a killed one frees it at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from csfacts.settings import LOCK_FILENAME
from warehouse.lock import LockTimeoutError, writer_lock

HOLD = """
import sys, time
from pathlib import Path
from warehouse.lock import writer_lock
with writer_lock(Path(sys.argv[1]), timeout_s=5):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process that holds the writer lock of `data_dir` until killed."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        yield child
    finally:
        child.kill()
        child.communicate()


def test_second_process_times_out_naming_the_holder(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(LockTimeoutError) as caught, writer_lock(data_dir, timeout_s=0.3):
        pytest.fail("took a lock another process holds")
    assert 0.3 <= time.monotonic() - started < 3
    assert f"pid {holder.pid} " in caught.value.holder
    assert f"pid {holder.pid} " in str(caught.value) and "0.3 s" in str(caught.value)
    assert caught.value.lock_path == data_dir / LOCK_FILENAME


def test_killed_holder_releases_the_lock_at_once(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    holder.kill()
    holder.wait()
    assert str(holder.pid) in (data_dir / LOCK_FILENAME).read_text()  # stale details stay...
    started = time.monotonic()
    with writer_lock(data_dir, timeout_s=5):  # ...but the kernel dropped the flock
        assert time.monotonic() - started < 0.5
        assert f"pid {os.getpid()} " in (data_dir / LOCK_FILENAME).read_text()


def test_lock_is_released_after_the_block_and_not_reentrant(data_dir: Path) -> None:
    with writer_lock(data_dir, timeout_s=1) as path:
        assert path == data_dir / LOCK_FILENAME
        with pytest.raises(LockTimeoutError), writer_lock(data_dir, timeout_s=0.1):
            pass
    assert (data_dir / LOCK_FILENAME).read_text() == ""
    with writer_lock(data_dir, timeout_s=0.1):
        pass


def test_lock_is_released_when_the_block_raises(data_dir: Path) -> None:
    with pytest.raises(RuntimeError), writer_lock(data_dir, timeout_s=1):
        raise RuntimeError("run failed")
    with writer_lock(data_dir, timeout_s=0.1):
        pass
