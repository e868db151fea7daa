"""The README's commands and snippet are the ones CI and users run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.integration.conftest import REPO

pytestmark = pytest.mark.integration
README = (REPO / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> str:
    m = re.search(re.escape(marker) + r"\s*```\w*\n(.*?)```", README, re.S)
    assert m, f"no fenced block after {marker}"
    return m.group(1)


def test_readme_snippet_reads_the_warehouse(seeds_run, tmp_path):
    data, proc = seeds_run
    assert proc.returncode == 0
    code = _block_after("<!-- readme-snippet -->")
    (tmp_path / "data").symlink_to(data)  # the snippet reads ./data/warehouse, as after the quick start
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert "percent" in out.stdout and "E0" in out.stdout  # a unit and a GSS code were printed


def test_ci_runs_the_readme_test_command():
    cmd = _block_after("<!-- test-command -->").strip()
    assert "pytest" in cmd and "venv" in cmd
    ci = (REPO / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "README.md" in ci


def test_readme_main_command_uses_shipped_samples():
    assert "csfacts run samples/corpus" in README
    assert (REPO / "samples" / "corpus").is_dir()
