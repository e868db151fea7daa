"""`csfacts serve` against a real `prefect server start`: files dropped into the inbox reach
the warehouse through events, a corrupt one is quarantined, events go out, and nothing is
left running afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import polars as pl
import pytest

from flows.service import descendants
from tests.integration.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.server]
SAMPLES = REPO / "samples" / "corpus"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read(data: Path, table: str) -> pl.DataFrame:
    files = sorted((data / "warehouse" / table).glob("**/*.parquet"))
    return pl.read_parquet(files) if files else pl.DataFrame()


def wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # tables may not exist yet
            value = None
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def start_serve(data: Path, env_extra: dict) -> subprocess.Popen:
    env = {**os.environ, **env_extra, "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.Popen(
        [sys.executable, "-m", "csfacts.cli", "serve", "--data-dir", str(data), "--settle-seconds", "0.5"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop_and_check_no_leftovers(proc: subprocess.Popen) -> str:
    tree = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out[-3000:]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(p) for p in tree):
        time.sleep(0.5)
    assert not [p for p in tree if alive(p)], f"processes left behind: {[p for p in tree if alive(p)]}"
    return out


def test_inbox_to_warehouse_through_events(prefect_server, tmp_path):
    data = tmp_path / "data"
    inbox = data / "inbox"
    proc = start_serve(data, {"PREFECT_API_URL": prefect_server})
    try:
        wait_for(lambda: httpx.post(f"{prefect_server}/deployments/filter", json={}, timeout=5).json().__len__() >= 3, 120, "3 deployments")
        inbox.mkdir(parents=True, exist_ok=True)
        # atomic-rename convention for one file, plain copies for the others
        txt = SAMPLES / "kingston_ofsted_inspection_summary.txt"
        (inbox / (txt.name + ".part")).write_bytes(txt.read_bytes())
        os.replace(inbox / (txt.name + ".part"), inbox / txt.name)
        html = SAMPLES / "haringey_fostering_press_release.html"
        (inbox / html.name).write_bytes(html.read_bytes())
        (inbox / "scan.pdf").write_bytes(b"%PDF-1.7\n%broken beyond repair")

        def landed():
            files = read(data, "source_files")
            names = dict(zip(files["source_name"], files["status"]))
            return names.get(txt.name) == "ok" and names.get(html.name) == "ok" and names.get("scan.pdf") == "quarantined"

        wait_for(landed, 420, "both documents in the warehouse and the corrupt one quarantined")
        docs = read(data, "documents")
        assert {txt.name, html.name} <= set(docs.filter(pl.col("status") == "ok")["source_name"])
        reason = read(data, "source_files").filter(pl.col("source_name") == "scan.pdf")["reason"][0]
        assert "PDF" in reason
        assert list((data / "quarantine").glob("*scan.pdf.reason.json"))
        # the inspection summary is an inspection report: its row and the latest-judgements page follow the inbox
        ins = read(data, "inspections").join(docs.select("doc_id", "source_name"), on="doc_id")
        row = ins.filter(pl.col("source_name") == txt.name).row(0, named=True)
        assert (row["authority"], row["gss_code"], str(row["inspection_start"])) == ("Kingston upon Thames", "E09000021", "2017-11-06")
        page = wait_for(lambda: (lambda p: p if p.exists() and "Kingston upon Thames" in p.read_text() else None)(
            data / "reports" / "inspections" / "inspections.html"), 60, "the latest-judgements page")
        assert "good" in page.read_text()

        def events():
            r = httpx.post(f"{prefect_server}/events/filter", json={"filter": {"event": {"prefix": ["csfacts."]}}, "limit": 50}, timeout=10)
            return {e["event"] for e in r.json()["events"]}

        seen = wait_for(lambda: (lambda s: s if {"csfacts.document.received", "csfacts.warehouse.updated"} <= s else None)(events()), 60, "events")
        assert "csfacts.document.received" in seen
        # the failure automation exists (created idempotently by serve)
        autos = httpx.post(f"{prefect_server}/automations/filter", json={}, timeout=10).json()
        assert any(a["name"].startswith("csfacts-validation-failed-") for a in autos)

        # A real critical fault: a published figures file is tampered with, so a span no longer
        # matches its document. `csfacts validate` must fail, emit csfacts.validation.failed,
        # and the automation must pause reconcile-corpus.
        def quiet():
            soon = datetime.now(timezone.utc) + timedelta(seconds=60)
            runs = httpx.post(f"{prefect_server}/flow_runs/filter", json={"limit": 200}, timeout=10).json()
            busy = [
                r for r in runs
                if r["state_type"] in ("RUNNING", "PENDING")
                or (r["state_type"] == "SCHEDULED" and datetime.fromisoformat(r["expected_start_time"]) < soon)
            ]
            return not busy

        wait_for(quiet, 240, "triggered flow runs to finish")
        fig_file = sorted((data / "warehouse" / "figures").glob("**/*.parquet"))[0]
        figures = pl.read_parquet(fig_file)
        tampered = figures.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("tampered")).otherwise(pl.col("text")).alias("text"))
        tmp = fig_file.with_name("tampered.tmp")
        tampered.write_parquet(tmp)
        os.replace(tmp, fig_file)
        check = subprocess.run(
            [sys.executable, "-m", "csfacts.cli", "validate", "--data-dir", str(data)],
            cwd=REPO, env={**os.environ, "PREFECT_API_URL": prefect_server}, capture_output=True, text=True, timeout=300,
        )
        assert check.returncode == 3, check.stdout[-2000:] + check.stderr[-2000:]
        assert "critical" in check.stdout
        wait_for(lambda: "csfacts.validation.failed" in events(), 60, "csfacts.validation.failed")

        def reconcile_paused():
            deps = httpx.post(f"{prefect_server}/deployments/filter", json={}, timeout=10).json()
            return any(d["name"] == "reconcile-corpus" and d["paused"] for d in deps)

        wait_for(reconcile_paused, 90, "the automation to pause reconcile-corpus")
    finally:
        if proc.poll() is None:
            stop_and_check_no_leftovers(proc)


def test_serve_starts_and_stops_its_own_server(tmp_path, prefect_home):
    data = tmp_path / "data"
    proc = start_serve(data, {"PREFECT_API_URL": None})
    wait_for(lambda: (data / ".prefect").is_dir() and "serving" in (data / "reports" / "serve.log").read_text(), 240, "serve to start its own server")
    out = stop_and_check_no_leftovers(proc)
    assert "stopped" in out
