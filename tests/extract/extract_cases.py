"""Fixture builders of the extract tests: the committed cases folder and PDFs made with fpdf2."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

CASES = Path(__file__).parent / "cases"
SAMPLE_CORPUS = Path(__file__).parents[2] / "samples" / "corpus"

# Two pages of made-up report text; multi_cell wraps each paragraph into several lines.
PAGE_ONE = (
    "Leeds City Council spent £126m on children's social care in 2016/17. The number of "
    "children in care fell from 1,450 to 1,264 since March 2011."
)
PAGE_TWO = "Essex County Council was rated 'Good' by Ofsted in 2014; nearly half of its carers are new."


def make_pdf(
    pages: list[str] | None = None,
    *,
    owner_password: str | None = None,
    user_password: str | None = None,
) -> bytes:
    """A small PDF with one page per string (an empty string makes a page with a box and no text)."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    for text in pages if pages is not None else [PAGE_ONE, PAGE_TWO]:
        pdf.add_page()
        if text:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(90, 6, text)
        else:
            pdf.rect(20, 20, 80, 60, style="F")  # an "image" with no text layer
    if owner_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(pdf.output())
