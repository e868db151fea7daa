"""The inbox watcher (real watchdog observer on a temporary folder)."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flows.watcher import InboxWatcher, file_sha256


class Landed:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, int]] = []
        self.event = threading.Event()

    def __call__(self, path: Path, sha: str, size: int) -> None:
        self.items.append((path.name, sha, size))
        self.event.set()

    def names(self) -> list[str]:
        return [n for n, _, _ in self.items]


@contextmanager
def running(inbox: Path, settle_s: float):
    """A started watcher on inbox and the list of what it reported; stopped on exit."""
    landed = Landed()
    w = InboxWatcher(inbox, landed, settle_s=settle_s, poll_s=0.05)
    w.start()
    try:
        yield landed
    finally:
        w.stop()


def wait_until(cond, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_atomic_rename_lands_once_and_temp_files_are_ignored(tmp_path):
    with running(tmp_path, 0.3) as landed:
        (tmp_path / "report.pdf.part").write_bytes(b"%PDF half")
        (tmp_path / ".hidden.txt").write_text("x")
        (tmp_path / "~$draft.txt").write_text("x")
        time.sleep(0.6)
        assert landed.items == []
        os.replace(tmp_path / "report.pdf.part", tmp_path / "report.pdf")
        assert wait_until(lambda: landed.names() == ["report.pdf"])
        time.sleep(0.6)
        assert landed.names() == ["report.pdf"]  # once
        assert landed.items[0][1] == file_sha256(tmp_path / "report.pdf")


def test_growing_file_waits_until_stable(tmp_path):
    with running(tmp_path, 0.5) as landed:
        target = tmp_path / "notes.txt"
        with open(target, "w") as fh:
            for i in range(6):
                fh.write(f"line {i}\n")
                fh.flush()
                time.sleep(0.2)
                assert landed.items == [], "emitted while the file was still being written"
        assert wait_until(lambda: landed.names() == ["notes.txt"])
        assert landed.items[0][2] == target.stat().st_size


def test_same_content_delivered_twice_is_emitted_once_changed_content_again(tmp_path):
    with running(tmp_path, 0.2) as landed:
        f = tmp_path / "a.txt"
        f.write_text("first")
        assert wait_until(lambda: len(landed.items) == 1)
        f.write_text("first")  # same bytes again
        time.sleep(0.6)
        assert len(landed.items) == 1
        f.write_text("second version")
        assert wait_until(lambda: len(landed.items) == 2)


def test_catch_up_queues_new_and_changed_files_only(tmp_path):
    (tmp_path / "known.txt").write_text("same")
    (tmp_path / "changed.txt").write_text("new content")
    (tmp_path / "new.txt").write_text("never seen")
    known = {
        str((tmp_path / "known.txt").resolve()): file_sha256(tmp_path / "known.txt"),
        str((tmp_path / "changed.txt").resolve()): "0" * 64,
    }
    landed = Landed()
    w = InboxWatcher(tmp_path, landed, settle_s=0.0, poll_s=0.05)
    assert w.catch_up(known) == 2
    w.check_once()
    w.check_once()
    assert sorted(landed.names()) == ["changed.txt", "new.txt"]
