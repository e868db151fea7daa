"""Pure helpers of the pipeline flow: what changed, what to remove, which events to emit."""

from __future__ import annotations

import polars as pl

from flows.events import VALIDATION_FAILED, WAREHOUSE_UPDATED, run_payloads, warehouse_resource_id
from flows.pipeline import _only_changed, _removed_doc_ids
from flows.service_flows import inbox_changes
from flows.watcher import file_sha256


def test_only_changed_keeps_new_and_changed_paths():
    known = pl.DataFrame({"source_path": ["/in/a", "/in/b"], "doc_id": ["A", "B"]})
    new = {
        "source_files": pl.DataFrame({"source_path": ["/in/a", "/in/b", "/in/c"], "doc_id": ["A", "B2", "C"]}),
        "documents": pl.DataFrame({"doc_id": ["A", "B2", "C"]}),
        "figures": pl.DataFrame({"doc_id": ["A", "A", "B2", "C"], "figure_id": ["1", "2", "3", "4"]}),
        # checks name their documents in a list
        "checks": pl.DataFrame({"check_id": ["x", "y", "z"], "doc_ids": [["A"], ["A", "C"], ["B2"]]}),
    }
    out = _only_changed(new, known)
    assert out["source_files"]["source_path"].to_list() == ["/in/b", "/in/c"]
    assert out["documents"]["doc_id"].to_list() == ["B2", "C"]
    assert out["figures"]["figure_id"].to_list() == ["3", "4"]
    assert out["checks"]["check_id"].to_list() == ["y", "z"]


def test_removed_doc_ids_for_deleted_paths():
    current = pl.DataFrame({"source_path": ["/in/a", "/in/b", "/in/copy-of-b"], "doc_id": ["A", "B", "B"]})
    none = current.head(0)
    assert _removed_doc_ids(current, none, ["/in/a"]) == ["A"]
    assert _removed_doc_ids(current, none, ["/in/b"]) == []  # still referenced by the copy
    assert _removed_doc_ids(current, none, ["/in/b", "/in/copy-of-b"]) == ["B"]


def test_run_payloads():
    summary = {"run_id": "r", "outcome": "failed", "published": False, "rows": {"figures": 3}, "n_documents": 1,
               "n_quarantined": 0, "n_failed_critical": 2, "n_failed_warning": 1, "failed_expectations": ["x"], "report_path": "/r"}
    events = run_payloads(summary)
    assert [e for e, _ in events] == [VALIDATION_FAILED]
    assert events[0][1]["report_path"] == "/r" and events[0][1]["n_failed_critical"] == 2
    ok = {**summary, "published": True, "outcome": "ok", "n_failed_critical": 0}
    assert [e for e, _ in run_payloads(ok)] == [WAREHOUSE_UPDATED]
    assert warehouse_resource_id("/a/b") == warehouse_resource_id("/a/b/../b")


def test_inbox_changes(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "same.txt").write_text("same")
    (inbox / "changed.txt").write_text("v2")
    (inbox / "new.txt").write_text("new")
    (inbox / "x.txt.part").write_text("partial")
    same = inbox / "same.txt"
    known = {
        str(same.resolve()): (same.stat().st_size, file_sha256(same)),
        str((inbox / "changed.txt").resolve()): (2, "0" * 64),
        str((inbox / "deleted.txt").resolve()): (5, "1" * 64),
        "/elsewhere/outside.txt": (1, "2" * 64),  # not under the inbox: never removed by reconcile
    }
    todo, gone = inbox_changes(inbox.resolve(), known)
    assert sorted(p.rsplit("/", 1)[1] for p in todo) == ["changed.txt", "new.txt"]
    assert gone == [str((inbox / "deleted.txt").resolve())]
