"""Reruns give identical tables; bad files are quarantined with a reason and the run goes on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.integration.conftest import REPO, run_cli
from warehouse.schema import CONTENT_TABLES

pytestmark = pytest.mark.integration
SAMPLES = REPO / "samples" / "corpus"


def _tables(data: Path) -> dict[str, bytes]:
    out = {}
    for t in CONTENT_TABLES:
        files = sorted((data / "warehouse" / t).glob("**/*.parquet"))
        out[t] = b"".join(f.read_bytes() for f in files)
    return out


@pytest.fixture(scope="module")
def mixed_inbox(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    for f in SAMPLES.iterdir():
        shutil.copy(f, inbox / f.name)
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (inbox / "minutes.docx").write_bytes(b"PK\x03\x04 not supported")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / ".hidden.txt").write_text("hidden notes", encoding="utf-8")
    (inbox / "landing.pdf.part").write_bytes(b"partial")
    return inbox


def test_bad_files_quarantined_and_run_goes_on(mixed_inbox, tmp_path, prefect_server):
    proc = run_cli("run", str(mixed_inbox), "--data-dir", str(tmp_path), "--json", env={"PREFECT_API_URL": prefect_server})
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout[proc.stdout.index("{"):])
    n_samples = len(list(SAMPLES.iterdir()))
    assert summary["n_documents"] == n_samples
    assert summary["n_quarantined"] == 3
    assert summary["n_ignored"] == 2
    files = pl.read_parquet(tmp_path / "warehouse" / "source_files" / "**" / "*.parquet")
    bad = files.filter(pl.col("status") == "quarantined")
    assert sorted(bad["source_name"].to_list()) == ["broken.pdf", "empty.txt", "minutes.docx"]
    assert bad["reason"].null_count() == 0 and all(len(r) > 10 for r in bad["reason"])
    notes = sorted(p.name for p in (tmp_path / "quarantine").glob("*.reason.json"))
    assert len(notes) == 3
    docs = pl.read_parquet(tmp_path / "warehouse" / "documents" / "**" / "*.parquet")
    assert set(docs["status"]) == {"ok", "quarantined"}


def test_rerun_gives_identical_tables(tmp_path, prefect_server):
    first = run_cli("run", str(SAMPLES), "--data-dir", str(tmp_path), env={"PREFECT_API_URL": prefect_server})
    assert first.returncode == 0, first.stderr[-3000:]
    before = _tables(tmp_path)
    second = run_cli("run", str(SAMPLES), "--data-dir", str(tmp_path), env={"PREFECT_API_URL": prefect_server})
    assert second.returncode == 0, second.stderr[-3000:]
    after = _tables(tmp_path)
    assert before == after
    runs = pl.read_parquet(tmp_path / "warehouse" / "runs" / "**" / "*.parquet")
    assert runs.height == 2


def test_a_document_whose_transform_fails_is_quarantined_and_the_run_goes_on(tmp_path, prefect_home, monkeypatch):
    """The flow runs in this process so that a transform fault can be injected (no real input is known to cause
    one); the failing file is quarantined with the error as reason and the other files are published."""
    from flows.pipeline import run_pipeline
    from tests.transform.conftest import inject_transform_fault

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text("Wigan looked after 512 children in 2024.", encoding="utf-8")
    (inbox / "bad.txt").write_text("FAULT Bolton looked after 300 children in 2024.", encoding="utf-8")
    inject_transform_fault(monkeypatch, "FAULT", RuntimeError("injected transform fault"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    summary = run_pipeline(paths=[str(inbox)], data_dir=str(tmp_path / "data"))
    assert summary["n_documents"] == 1 and summary["n_quarantined"] == 1
    files = pl.read_parquet(tmp_path / "data" / "warehouse" / "source_files" / "**" / "*.parquet")
    bad = files.filter(pl.col("status") == "quarantined")
    assert bad["source_name"].to_list() == ["bad.txt"]
    assert bad["reason"][0] == "transform failed: RuntimeError: injected transform fault"
    figures = pl.read_parquet(tmp_path / "data" / "warehouse" / "figures" / "**" / "*.parquet")
    assert figures["text"].to_list() == ["512"]
    assert len(list((tmp_path / "data" / "quarantine").glob("*.reason.json"))) == 1
