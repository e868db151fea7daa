"""Child process of the SIGKILL test: waits for "go" on stdin, then stages and publishes forever.

Usage, from the repository root: python -m tests.warehouse.writer_loop DATA_DIR.
Versions alternate between generation 0 and 1 of warehouse_samples.CHANGED;
every other table is hard-linked from the previous version.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from tests.warehouse.warehouse_samples import changed_tables
from warehouse.lock import writer_lock
from warehouse.store import publish, stage_version


def main(data_dir: Path) -> None:
    """Stage and publish alternating generations until killed."""
    states = [changed_tables(0), changed_tables(1)]
    print("ready", flush=True)
    sys.stdin.readline()
    for i in itertools.count():
        with writer_lock(data_dir, timeout_s=10):
            publish(data_dir, stage_version(data_dir, states[i % 2]))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
