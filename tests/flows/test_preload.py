"""The background import of Great Expectations (flows.preload)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from flows.preload import MODULES, start_validation_import
assert "great_expectations" not in sys.modules
first = start_validation_import()
assert start_validation_import() is first  # once per process
first.join(120)
assert not first.is_alive()
missing = [name for name in MODULES if name not in sys.modules]
assert not missing, missing
print("ok")
"""


def test_background_import_loads_validation_modules_once() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
