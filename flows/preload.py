"""Import Great Expectations in the background while the run does other work.

``import great_expectations`` costs about 3-5 s of a run, and validation is the last stage. A
daemon thread started early (before the Prefect server is up, or at the start of the flow)
does the import while the main thread waits on the server or extracts documents; when
validation starts, the modules are loaded, or the import finishes under Python's per-module
import locks. Nothing else is shared, so the only effect is time.
"""

from __future__ import annotations

import importlib
import threading

# What validation imports: GX itself and the modules expectations.run pulls in lazily.
MODULES = (
    "great_expectations",
    "great_expectations.expectations",
    "great_expectations.checkpoint",
    "expectations.run",
)

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - validation imports again and reports the error itself
            return


def start_validation_import() -> threading.Thread:
    """Start the background import once per process; return its thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import_all, name="csfacts-preload-gx", daemon=True)
            _thread.start()
        return _thread
