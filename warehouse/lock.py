"""Single-writer lock on a data directory, so only one run stages and publishes at a time."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csfacts.settings import LOCK_FILENAME


class LockTimeoutError(Exception):
    """Another process held the writer lock for longer than the caller was willing to wait."""

    def __init__(self, lock_path: Path, timeout_s: float, holder: str) -> None:
        self.lock_path = lock_path
        self.timeout_s = timeout_s
        self.holder = holder
        super().__init__(
            f"gave up waiting {timeout_s:g} s for the writer lock {lock_path}, held by {holder}; "
            "wait for that run to finish or stop it (a killed holder releases the lock at once)"
        )


@contextmanager
def writer_lock(data_dir: Path, timeout_s: float = 600, poll_s: float = 0.05) -> Iterator[Path]:
    """Hold the exclusive writer lock of `data_dir` in the with-block; wait at most `timeout_s` s.

    The lock is ``fcntl.flock(LOCK_EX)`` on ``D/<LOCK_FILENAME>``, tried with ``LOCK_NB`` every
    `poll_s` seconds. The kernel releases a flock when its holder exits or is killed, which is the
    whole stale-lock recovery: the file itself stays, and the pid, host and start time written
    into it only name the holder in the LockTimeoutError message. The lock is per open file, so
    it is not re-entrant: taking it again inside the block waits for itself and times out.
    Like any flock it is only reliable on a local file system (not on NFS or other hosts).
    """
    lock_path = Path(data_dir) / LOCK_FILENAME
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockTimeoutError(lock_path, timeout_s, _holder(lock_path)) from None
                time.sleep(min(poll_s, remaining))
        os.ftruncate(fd, 0)
        os.pwrite(fd, _describe_self().encode(), 0)
        try:
            yield lock_path
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def _describe_self() -> str:
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"pid {os.getpid()} on {socket.gethostname()} since {started}\n"


def _holder(lock_path: Path) -> str:
    try:
        text = lock_path.read_text(errors="replace").strip()
    except OSError:
        text = ""
    return text or "an unknown process (it has not written its details yet)"
