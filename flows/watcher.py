"""Inbox watcher: emits csfacts.document.received once a file has finished landing.

A file counts as landed when both hold:
1. **Name convention.** Its name is final. Writers should write `name.part` (or `.tmp`)
   and rename it to `name` when complete: a rename within one file system is atomic, so
   the final name never points to a half-written file. Names that are hidden (`.x`),
   Office lock files (`~$x`) or temporary (`.part`, `.tmp`, `.crdownload`, `.swp`) are
   never inputs.
2. **Stability debounce.** For writers that cannot rename (a plain `cp`, an SMB share),
   the file's size and modification time must stay unchanged for `settle_s` seconds.

On start the watcher catches up: every inbox file whose content hash is not what the
warehouse holds for that path (new, or changed while the watcher was down) is queued like a
fresh arrival.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from flows.io import discover, is_ignored

log = logging.getLogger("csfacts.watcher")


def file_sha256(path: Path) -> str:
    """Content hash of a file (the warehouse's doc_id for it)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class InboxWatcher:
    """Watch `inbox` and call `on_landed(path, sha256, size)` once per landed (path, content)."""

    def __init__(
        self,
        inbox: Path,
        on_landed: Callable[[Path, str, int], None],
        settle_s: float = 1.0,
        poll_s: float = 0.2,
    ) -> None:
        self.inbox = Path(inbox).resolve()
        self.on_landed = on_landed
        self.settle_s = settle_s
        self.poll_s = poll_s
        self._pending: dict[Path, tuple[int, int, float]] = {}
        self._emitted: dict[Path, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = None
        self._thread: threading.Thread | None = None

    def offer(self, path: Path) -> None:
        """Note a path that may have changed; it is checked until it settles."""
        path = Path(path)
        if is_ignored(path) or any(part.startswith(".") for part in path.relative_to(self.inbox).parts[:-1]):
            return
        with self._lock:
            self._pending.setdefault(path, (-1, -1, time.monotonic()))

    def catch_up(self, known: Mapping[str, str]) -> int:
        """Queue inbox files whose hash differs from `known` (source_path -> doc_id); returns how many."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        files, _ = discover([self.inbox])
        n = 0
        for f in files:
            try:
                if known.get(str(f)) == file_sha256(f):
                    self._emitted[f] = known[str(f)]
                    continue
            except OSError:
                continue
            self.offer(f)
            n += 1
        return n

    def check_once(self) -> list[Path]:
        """One pass over pending files: hand over those stable for settle_s; returns them."""
        now = time.monotonic()
        ready: list[Path] = []
        with self._lock:
            items = list(self._pending.items())
        for path, (size, mtime, since) in items:
            try:
                st = path.stat()
            except FileNotFoundError:
                with self._lock:
                    self._pending.pop(path, None)
                continue
            if not path.is_file():
                continue
            sig = (st.st_size, st.st_mtime_ns)
            with self._lock:
                if sig != (size, mtime):
                    self._pending[path] = (sig[0], sig[1], now)
                    continue
                if now - since < self.settle_s:
                    continue
                self._pending.pop(path, None)
            ready.append(path)
        for path in ready:
            try:
                sha = file_sha256(path)
                size = path.stat().st_size
            except OSError:
                continue
            if self._emitted.get(path) == sha:
                continue  # same content delivered again
            self._emitted[path] = sha
            self.on_landed(path, sha, size)
        return ready

    def start(self) -> None:
        """Start the watchdog observer and the settle checker (both daemon threads)."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory:
                    return
                target = getattr(event, "dest_path", "") or event.src_path
                if event.event_type in ("created", "modified", "moved", "closed"):
                    watcher.offer(Path(str(target)))

        self.inbox.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        observer.schedule(Handler(), str(self.inbox), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._loop, name="csfacts-inbox-settle", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.check_once()
            except Exception:  # keep watching; a bad file must not stop the service
                log.exception("inbox check failed")

    def stop(self) -> None:
        """Stop both threads."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
