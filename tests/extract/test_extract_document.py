"""extract_document and documents_frame: dispatch, provenance, quarantine reasons, table schema."""

from __future__ import annotations

import hashlib

import polars as pl
import pytest
from extract_cases import CASES, make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from extract.document import ExtractedDocument, documents_frame, extract_document, has_text
from warehouse.schema import SCHEMAS

SCHEMA_FRAME = pl.DataFrame(pl.from_arrow(SCHEMAS["documents"].empty_table()))


def test_plain_text_document() -> None:
    data = "Leeds City Council\r\n£126m in 2016/17\r\n".encode()
    doc = extract_document("leeds.txt", data)
    assert doc.status == "ok"
    assert doc.text == "Leeds City Council\r\n£126m in 2016/17\r\n"
    assert doc.n_chars == len(doc.text)
    assert doc.doc_id == hashlib.sha256(data).hexdigest()
    assert (doc.media_type, doc.encoding, doc.extractor) == ("text/plain", "utf-8", "plain")
    assert (doc.n_pages, doc.page_starts, doc.reason) == (None, None, None)


def test_markdown_and_upper_case_suffix() -> None:
    assert extract_document("NOTES.MD", b"# Essex\n").media_type == "text/markdown"


def test_source_name_is_file_name_only() -> None:
    assert extract_document("inbox/2017/essex.txt", b"Essex").source_name == "essex.txt"


def test_html_document() -> None:
    doc = extract_document("essex.html", (CASES / "boilerplate_page.html").read_bytes())
    assert doc.status == "ok"
    assert doc.media_type == "text/html"
    assert doc.extractor is not None and doc.extractor.startswith("trafilatura ")
    assert "COOKIE_SENTINEL" not in doc.text and "84 children" in doc.text


def test_pdf_document() -> None:
    doc = extract_document("report.pdf", make_pdf())
    assert doc.status == "ok"
    assert doc.n_pages == 2
    assert doc.page_starts is not None and doc.page_starts[0] == 0
    assert doc.text[doc.page_starts[1] - 1] == "\f"
    assert doc.extractor is not None and doc.extractor.startswith("pypdf ")
    assert doc.encoding is None


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.docx", (CASES / "report.docx").read_bytes(), "unsupported file type '.docx'"),
        ("README", b"Leeds", "unsupported file type '(no suffix)'"),
        ("empty.txt", b"", "empty file (0 bytes)"),
        ("empty.pdf", b"", "empty file (0 bytes)"),
        ("blank.md", b" \r\n\t\n", "no text: the document holds only whitespace"),
        ("bom.txt", b"\xef\xbb\xbf\n", "no text: the document holds only whitespace"),
        ("bad.txt", b"\x81\x8d\x8f", "nor cp1252"),
        ("binary.txt", b"\x00\x01\xfe\xfa", "holds NUL bytes"),
        ("corrupt.pdf", (CASES / "corrupt.pdf").read_bytes(), "PDF is corrupt or not a PDF"),
        ("locked.pdf", make_pdf(owner_password="o", user_password="u"), "PDF is encrypted"),
        ("scan.pdf", make_pdf(["", ""]), "PDF has no text layer (scanned image?)"),
        ("nav.html", (CASES / "no_main_text.html").read_bytes(), "HTML page has no main text"),
        ("saved.pdf", (CASES / "no_main_text.html").read_bytes(), "the file holds an HTML page, not a PDF"),
    ],
)
def test_bad_input_is_quarantined_with_reason(name: str, data: bytes, reason: str) -> None:
    doc = extract_document(name, data)
    assert doc.status == "quarantined"
    assert doc.reason is not None and reason in doc.reason
    assert (doc.text, doc.n_chars) == ("", 0)
    assert doc.doc_id == hashlib.sha256(data).hexdigest()


def test_quarantine_keeps_context() -> None:
    assert extract_document("x.bin", b"abc").media_type == "application/octet-stream"
    scan = extract_document("scan.pdf", make_pdf(["", ""]))
    assert (scan.n_pages, scan.page_starts, scan.extractor) == (2, None, scan.extractor)
    assert scan.extractor is not None and scan.extractor.startswith("pypdf ")
    nav = extract_document("nav.html", (CASES / "no_main_text.html").read_bytes())
    assert nav.encoding == "utf-8"


def test_programmer_errors_raise() -> None:
    with pytest.raises(TypeError):
        extract_document("x.txt", "not bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no file name"):
        extract_document("", b"abc")


def test_model_rejects_inconsistent_rows() -> None:
    def row(text: str, n_chars: int, status: str, reason: str | None = None) -> ExtractedDocument:
        return ExtractedDocument.model_validate(
            {"doc_id": "d", "source_name": "a.txt", "media_type": "text/plain", "text": text}
            | {"n_chars": n_chars, "status": status, "reason": reason}
        )

    assert row("abc", 3, "ok").status == "ok"
    bad_rows = [("abc", 2, "ok", None), ("abc", 3, "quarantined", "x"), ("", 0, "quarantined", None)]
    for text, n_chars, status, reason in [*bad_rows, ("abc", 3, "maybe", None)]:
        with pytest.raises(ValidationError):
            row(text, n_chars, status, reason)


@given(st.text())
def test_plain_text_is_stored_exactly(text: str) -> None:
    doc = extract_document("x.txt", text.encode("utf-8"))
    if has_text(text):
        assert doc.status == "ok"
        assert doc.text == text
        assert doc.n_chars == len(text)
    else:
        assert doc.status == "quarantined"


HTML_WRAPPED = st.text(max_size=200).map(lambda t: f"<html><body><p>{t}</p></body></html>".encode())
PDF_LIKE = st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["a.html", "a.pdf", "a.txt", "a.md"]),
    st.one_of(st.binary(max_size=300), HTML_WRAPPED, PDF_LIKE),
)
def test_arbitrary_bytes_never_raise(name: str, data: bytes) -> None:
    doc = extract_document(name, data)
    assert (doc.status == "ok") == (doc.reason is None)
    assert doc.doc_id == hashlib.sha256(data).hexdigest()


def test_control_characters_in_html() -> None:
    doc = extract_document("a.html", b"<p>\x01Leeds \x0c2016-17\x00</p>")
    assert doc.status == "ok"
    assert doc.text == "Leeds 2016-17"


def test_documents_frame_schema() -> None:
    docs = [
        extract_document("a.txt", b"Essex County Council"),
        extract_document("b.pdf", make_pdf()),
        extract_document("c.docx", b"x"),
    ]
    frame = documents_frame(docs)
    assert frame.schema == SCHEMA_FRAME.schema
    assert frame.columns == SCHEMAS["documents"].names
    assert frame["status"].to_list() == ["ok", "ok", "quarantined"]
    assert frame["page_starts"].to_list()[0] is None
    assert frame["page_starts"].to_list()[1] == docs[1].page_starts
    assert frame["n_pages"].to_list() == [None, 2, None]
    # the frame casts back to the Arrow schema, nullability included
    assert frame.to_arrow().cast(SCHEMAS["documents"]).schema == SCHEMAS["documents"]


def test_documents_frame_empty_input_keeps_schema() -> None:
    frame = documents_frame([])
    assert frame.height == 0
    assert frame.schema == SCHEMA_FRAME.schema
