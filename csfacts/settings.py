"""Project-wide constants: paths, environment variable names, table names, batching.

Library code (extract/, transform/) never reads the environment; only the CLI and the
flows call :func:`data_dir_from_env` and pass paths down as parameters.
"""

from __future__ import annotations

import os
from pathlib import Path

CONTRACT_VERSION = "2"

DATA_DIR_ENV = "CSFACTS_DATA_DIR"
DEFAULT_DATA_DIR = Path("data")

WAREHOUSE_DIRNAME = "warehouse"
VERSIONS_DIRNAME = ".versions"
REPORTS_DIRNAME = "reports"
QUARANTINE_DIRNAME = "quarantine"
INBOX_DIRNAME = "inbox"
LOCK_FILENAME = ".csfacts.lock"

# Documents per Prefect task: 10,000 documents make 10,000 / BATCH_SIZE tasks per stage.
BATCH_SIZE = 250
# Previous warehouse versions kept beside the current one (readers that opened an
# older version keep reading it until it is pruned).
KEEP_VERSIONS = 3

SUPPORTED_SUFFIXES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}


def data_dir_from_env(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the explicit argument, else $CSFACTS_DATA_DIR, else ./data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR
