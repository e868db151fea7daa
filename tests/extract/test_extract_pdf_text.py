"""pdf_to_text: page text joined by form feeds, page start offsets, typed failures."""

from __future__ import annotations

import pytest
from extract_cases import CASES, PAGE_ONE, PAGE_TWO, make_pdf

from extract.errors import PdfCorruptError, PdfEncryptedError, PdfError, PdfNoTextLayerError
from extract.pdf_text import pdf_to_text


def _words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def two_pages() -> tuple[str, list[int]]:
    return pdf_to_text(make_pdf())


def test_pages_are_joined_by_form_feed(two_pages: tuple[str, list[int]]) -> None:
    text, _ = two_pages
    pages = text.split("\f")
    assert len(pages) == 2
    # fpdf2 wraps lines mid-sentence; the words survive in order.
    assert _words(pages[0]) == _words(PAGE_ONE)
    assert _words(pages[1]) == _words(PAGE_TWO)
    assert "\n" in pages[0].strip()


def test_page_starts_are_code_point_offsets(two_pages: tuple[str, list[int]]) -> None:
    text, starts = two_pages
    assert starts[0] == 0
    assert text[starts[1] - 1] == "\f"
    assert text[starts[1] :].startswith("Essex County Council")
    assert text.index("£126m") < starts[1]


def test_owner_password_only_is_readable() -> None:
    text, starts = pdf_to_text(make_pdf([PAGE_TWO], owner_password="owner"))
    assert _words(text) == _words(PAGE_TWO)
    assert starts == [0]


def test_user_password_is_encrypted_error() -> None:
    with pytest.raises(PdfEncryptedError, match="password"):
        pdf_to_text(make_pdf([PAGE_TWO], owner_password="owner", user_password="secret"))


def test_scanned_pdf_has_no_text_layer() -> None:
    with pytest.raises(PdfNoTextLayerError) as caught:
        pdf_to_text(make_pdf(["", ""]))
    assert caught.value.n_pages == 2
    assert caught.value.reason.startswith("PDF has no text layer (scanned image?)")


@pytest.mark.parametrize(
    "data",
    [
        (CASES / "corrupt.pdf").read_bytes(),
        b"not a pdf at all",
        make_pdf()[:400],  # truncated download
    ],
    ids=["bad-structure", "not-pdf", "truncated"],
)
def test_corrupt_pdf_is_typed_error(data: bytes) -> None:
    with pytest.raises(PdfCorruptError) as caught:
        pdf_to_text(data)
    assert isinstance(caught.value, PdfError) and isinstance(caught.value, ValueError)
    assert caught.value.reason.startswith("PDF is corrupt or not a PDF")
