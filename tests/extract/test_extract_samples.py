"""Every document of samples/corpus extracts cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_cases import SAMPLE_CORPUS

from extract.document import extract_document

SAMPLES = sorted(path for path in SAMPLE_CORPUS.iterdir() if path.is_file())


def test_corpus_covers_every_kind() -> None:
    assert {path.suffix for path in SAMPLES} >= {".txt", ".html", ".pdf"}


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_sample_extracts_ok(path: Path) -> None:
    doc = extract_document(path.name, path.read_bytes())
    assert doc.status == "ok", doc.reason
    assert doc.n_chars > 500
    assert "council" in doc.text.lower()


def test_sample_html_drops_boilerplate() -> None:
    path = SAMPLE_CORPUS / "haringey_fostering_press_release.html"
    text = extract_document(path.name, path.read_bytes()).text
    assert "London Borough of Haringey" in text
    for sentinel in (
        "COOKIE_SENTINEL",
        "COMMENT_SENTINEL",
        "SCRIPT_SENTINEL",
        "FOOTER_SENTINEL",
        "Bins and recycling",
    ):
        assert sentinel not in text


def test_sample_pdf_has_two_pages() -> None:
    path = SAMPLE_CORPUS / "northamptonshire_children_services_budget.pdf"
    doc = extract_document(path.name, path.read_bytes())
    assert doc.n_pages == 2 and doc.page_starts is not None
    assert doc.text[doc.page_starts[1] :].count("\f") == 0
    assert "judged inadequate by Ofsted in\n2013" in doc.text  # wrapped mid-sentence, as printed


def test_sample_pdf_is_reproducible() -> None:
    import importlib.util

    script = SAMPLE_CORPUS.parent / "make_sample_pdf.py"
    spec = importlib.util.spec_from_file_location("make_sample_pdf", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (
        module.build_pdf() == (SAMPLE_CORPUS / "northamptonshire_children_services_budget.pdf").read_bytes()
    )
