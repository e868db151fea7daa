"""Discovery of input files, quarantine notes, the run report, and replaced-document logic."""

from __future__ import annotations

import json

import polars as pl
import pytest

from flows.io import discover, quarantine, write_failures_report
from flows.pipeline import _removed_doc_ids
from warehouse.schema import SCHEMAS


def _empty(table: str) -> pl.DataFrame:
    return pl.from_arrow(SCHEMAS[table].empty_table())


def test_discover_ignores_hidden_and_partial_files(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>x</p>")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "c.pdf.part").write_text("x")
    (tmp_path / "~$draft.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    found, ignored = discover([tmp_path])
    assert [p.name for p in found] == ["a.txt", "b.html"]
    assert sorted(p.name for p in ignored) == [".hidden.txt", "c.pdf.part", "config", "~$draft.txt"]


def test_discover_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        discover([tmp_path / "nope"])


def test_removed_doc_ids_only_when_no_other_path_references_them():
    current = pl.DataFrame({"source_path": ["/a", "/b", "/c"], "doc_id": ["d1", "d2", "d2"]})
    new = pl.DataFrame({"source_path": ["/a", "/b"], "doc_id": ["d9", "d8"]})
    # /a changed: d1 no longer referenced -> removed; /b changed but /c still holds d2 -> kept
    assert _removed_doc_ids(current, new) == ["d1"]
    assert _removed_doc_ids(current, current) == []


def test_quarantine_copies_file_with_reason(tmp_path):
    src = tmp_path / "in" / "bad.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-broken")
    files = pl.DataFrame(
        {"source_path": [str(src)], "source_name": ["bad.pdf"], "doc_id": ["ab" * 32], "size_bytes": [11],
         "status": ["quarantined"], "reason": ["PDF is corrupt or not a PDF: test"]}
    )
    written = quarantine(files, tmp_path / "q")
    assert written[0].read_bytes() == b"%PDF-broken"
    note = json.loads((tmp_path / "q" / (written[0].name + ".reason.json")).read_text())
    assert note["reason"].startswith("PDF is corrupt")


def test_failures_report_shows_rows_and_sentence(tmp_path):
    text = "In 2016 the rate was 140% of the target."
    docs = pl.DataFrame({"doc_id": ["d1"], "source_name": ["x.txt"], "text": [text]})
    figures = pl.DataFrame({"figure_id": ["d1-F0000021"], "doc_id": ["d1"], "start": [21], "end": [25], "text": ["140%"]})
    results = pl.DataFrame(
        {"run_id": ["r1"], "suite": ["figures"], "table": ["figures"], "expectation_type": ["expect_column_values_to_be_between"],
         "column": ["value"], "severity": ["warning"], "success": [False], "element_count": [1], "unexpected_count": [1],
         "unexpected_ids": [["d1-F0000021"]], "details": ['{"rule": "percent_level_range"}']}
    )
    out = write_failures_report(tmp_path / "r1", "r1", results, {"documents": docs, "figures": figures}, None)
    page = out.read_text()
    assert "d1-F0000021" in page and "x.txt" in page
    assert "<mark>140%</mark>" in page and "the rate was" in page


def test_unreadable_file_is_quarantined_not_fatal(tmp_path):
    from flows.pipeline import extract_batch

    good = tmp_path / "ok.txt"
    good.write_text("Leeds spent £2m.", encoding="utf-8")
    gone = tmp_path / "gone.txt"  # discovered, then deleted before extraction
    docs, files = extract_batch.fn([str(good), str(gone)])
    assert docs["source_name"].to_list() == ["ok.txt"]
    row = files.filter(pl.col("source_name") == "gone.txt").row(0, named=True)
    assert row["status"] == "quarantined" and row["reason"].startswith("could not read file")
