"""`csfacts run` against a real `prefect server start` on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import REPO, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.server]


def test_run_against_running_server(prefect_server, tmp_path):
    proc = run_cli("run", str(REPO / "samples" / "corpus"), "--data-dir", str(tmp_path), env={"PREFECT_API_URL": prefect_server})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "run " in proc.stdout and "report:" in proc.stdout
    runs = httpx.post(f"{prefect_server}/flow_runs/filter", json={"limit": 10}, timeout=10).json()
    states = [r["state_type"] for r in runs]
    assert "COMPLETED" in states
    tasks = httpx.post(f"{prefect_server}/task_runs/filter", json={"limit": 50}, timeout=10).json()
    names = {t["name"].split("-")[0] for t in tasks}
    assert {"extract", "transform", "validate", "load"} <= names
