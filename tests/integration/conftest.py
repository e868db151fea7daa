"""Fixtures for whole-pipeline tests: the shared seeds, a CLI runner, a real Prefect server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds"
SCORER = SHARED / "eval" / "score.py"
CLI = [sys.executable, "-m", "csfacts.cli"]


def run_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `csfacts ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env = {k: v for k, v in full_env.items() if v is not None}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=REPO)


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory) -> Path:
    """A private PREFECT_HOME so tests never touch the user's Prefect database."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return home


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory, prefect_home) -> tuple[Path, subprocess.CompletedProcess]:
    """One CLI run over the shared seeds (no Prefect server configured: temporary server)."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds not present")
    data = tmp_path_factory.mktemp("seeds-data")
    env = {"PREFECT_API_URL": None}
    proc = run_cli("run", str(SEEDS), "--data-dir", str(data), "--json", env=env)
    return data, proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory, prefect_home):
    """A real `prefect server start` on a free loopback port, stopped (with children) at the end."""
    port = free_port()
    home = tmp_path_factory.mktemp("server-home")
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    proc = subprocess.Popen(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("prefect server exited during start-up")
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("prefect server did not become healthy in 120 s")
    yield url
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=10)
