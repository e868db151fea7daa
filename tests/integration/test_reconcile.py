"""`csfacts reconcile`: new, changed and deleted inbox files, and a no-op when in line."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest

from tests.integration.conftest import REPO, run_cli

pytestmark = pytest.mark.integration
SAMPLES = REPO / "samples" / "corpus"


def _summary(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout[proc.stdout.index("{"):])


def test_reconcile_new_changed_deleted(tmp_path, prefect_server):
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    for name in ("kingston_ofsted_inspection_summary.txt", "calderdale_social_work_press_release.txt"):
        shutil.copy(SAMPLES / name, inbox / name)
    env = {"PREFECT_API_URL": prefect_server}  # a running server: no temporary server per command
    first = _summary(run_cli("reconcile", "--data-dir", str(data), "--json", env=env))
    assert first["n_documents"] == 2 and first["published"]

    again = _summary(run_cli("reconcile", "--data-dir", str(data), "--json", env=env))
    assert again.get("skipped") is True  # inbox and warehouse agree

    (inbox / "calderdale_social_work_press_release.txt").unlink()
    (inbox / "kingston_ofsted_inspection_summary.txt").write_text("Kingston upon Thames RBC spent £3m in 2016/17.", encoding="utf-8")
    shutil.copy(SAMPLES / "leeds_essex_statistics_commentary.md", inbox / "leeds.md")
    third = _summary(run_cli("reconcile", "--data-dir", str(data), "--json", env=env))
    assert third["published"]

    read = lambda t: pl.read_parquet(sorted((data / "warehouse" / t).glob("**/*.parquet")))  # noqa: E731
    files = read("source_files")
    assert sorted(files["source_name"]) == ["kingston_ofsted_inspection_summary.txt", "leeds.md"]
    docs = read("documents")
    assert docs.height == 2  # the deleted file's document and the old Kingston version are gone
    figures = read("figures")
    assert set(figures["doc_id"]) <= set(docs["doc_id"])
    kingston = docs.filter(pl.col("source_name") == "kingston_ofsted_inspection_summary.txt")["text"][0]
    assert kingston.startswith("Kingston upon Thames RBC spent")
