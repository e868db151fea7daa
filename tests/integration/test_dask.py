"""The flow on a local Dask cluster gives the same warehouse as the default thread runner."""

from __future__ import annotations

import pytest

from tests.integration.conftest import REPO, run_cli
from tests.integration.test_rerun_and_quarantine import _tables

pytestmark = pytest.mark.integration


def test_dask_runner_gives_the_same_warehouse(tmp_path, prefect_server):
    samples = REPO / "samples" / "corpus"
    threads, dask = tmp_path / "threads", tmp_path / "dask"
    a = run_cli("run", str(samples), "--data-dir", str(threads), "--batch-size", "2", env={"PREFECT_API_URL": prefect_server})
    assert a.returncode == 0, a.stderr[-3000:]
    b = run_cli("run", str(samples), "--data-dir", str(dask), "--batch-size", "2", "--task-runner", "dask", env={"PREFECT_API_URL": prefect_server})
    assert b.returncode == 0, b.stderr[-3000:]
    assert "DaskTaskRunner" in b.stderr or "dask" in b.stderr.lower()
    assert _tables(threads) == _tables(dask)
