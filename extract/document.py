"""One source file's bytes to one ``documents`` row: text extracted, or quarantined with a reason.

:func:`extract_document` never raises for bad input: an unsupported suffix, an empty file,
undecodable text, a corrupt or encrypted PDF, a scanned PDF or an HTML page without main text
all become ``status="quarantined"`` with ``text=""`` and a human ``reason``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Final, Literal

import polars as pl
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, model_validator

from csfacts.settings import SUPPORTED_SUFFIXES
from extract.decode import decode_text
from extract.errors import ExtractionError, HtmlNoTextError, PdfCorruptError, PdfNoTextLayerError
from extract.html_text import TRAFILATURA, decode_html, html_main_text
from extract.pdf_text import PYPDF, pdf_to_text
from warehouse.schema import SCHEMAS

PLAIN: Final = "plain"
UNKNOWN_MEDIA_TYPE: Final = "application/octet-stream"

Status = Literal["ok", "quarantined"]


class ExtractedDocument(BaseModel):
    """A source document's text and provenance, shaped like a row of the ``documents`` table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str
    source_name: str
    media_type: str
    text: str
    n_chars: int
    status: Status
    encoding: str | None = None
    extractor: str | None = None
    n_pages: int | None = None
    page_starts: list[int] | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExtractedDocument:
        if self.n_chars != len(self.text):
            raise ValueError(f"n_chars={self.n_chars} but the text has {len(self.text)} characters")
        if self.status == "ok" and (self.reason is not None or not self.text):
            raise ValueError("an ok document has text and no reason")
        if self.status == "quarantined" and (self.text or not self.reason):
            raise ValueError("a quarantined document has a reason and no text")
        if self.page_starts is not None and len(self.page_starts) != self.n_pages:
            raise ValueError(f"{len(self.page_starts)} page starts for n_pages={self.n_pages}")
        return self


# A reader takes the raw bytes and returns (text, encoding, extractor, page_starts); it raises
# ExtractionError for bad input.
_Read = tuple[str, str | None, str, list[int] | None]


def _read_plain(data: bytes) -> _Read:
    text, encoding = decode_text(data)
    return text, encoding, PLAIN, None


def _read_html(data: bytes) -> _Read:
    markup, encoding = decode_html(data)
    text, extractor = html_main_text(markup)
    if not text:
        raise HtmlNoTextError(encoding, len(data))
    return text, encoding, extractor, None


def _read_pdf(data: bytes) -> _Read:
    head = data[:1024].lstrip().lower()
    if b"%pdf" not in head and head.startswith((b"<!doctype html", b"<html")):
        raise PdfCorruptError("the file holds an HTML page, not a PDF (a web page saved under a .pdf name)")
    text, page_starts = pdf_to_text(data)
    return text, None, PYPDF, page_starts


_READERS: Final[dict[str, tuple[Callable[[bytes], _Read], str]]] = {
    "text/plain": (_read_plain, PLAIN),
    "text/markdown": (_read_plain, PLAIN),
    "text/html": (_read_html, TRAFILATURA),
    "application/pdf": (_read_pdf, PYPDF),
}


def doc_id_of(data: bytes) -> str:
    """The stable id of a document: the SHA-256 hex digest of its raw bytes."""
    return hashlib.sha256(data).hexdigest()


def has_text(text: str) -> bool:
    """Whether `text` holds anything but whitespace and byte-order marks."""
    return bool(text.replace("\ufeff", "").strip())


def extract_document(source_name: str, data: bytes) -> ExtractedDocument:
    """Extract the text of one file's bytes by its suffix, quarantining (never raising on) bad input."""
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    name = PurePath(source_name).name
    if not name:
        raise ValueError(f"source_name {source_name!r} has no file name")
    suffix = PurePath(name).suffix.lower()
    media_type = SUPPORTED_SUFFIXES.get(suffix, UNKNOWN_MEDIA_TYPE)
    doc_id = doc_id_of(data)

    def quarantined(
        reason: str, extractor: str | None, encoding: str | None = None, n_pages: int | None = None
    ) -> ExtractedDocument:
        return ExtractedDocument(
            doc_id=doc_id,
            source_name=name,
            media_type=media_type,
            text="",
            n_chars=0,
            status="quarantined",
            encoding=encoding,
            extractor=extractor,
            n_pages=n_pages,
            reason=reason,
        )

    if media_type not in _READERS:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return quarantined(f"unsupported file type {suffix or '(no suffix)'!r}; supported: {supported}", None)
    read, extractor = _READERS[media_type]
    if not data:
        return quarantined("empty file (0 bytes)", extractor)
    try:
        text, encoding, extractor, page_starts = read(data)
    except PdfNoTextLayerError as exc:
        return quarantined(exc.reason, extractor, n_pages=exc.n_pages)
    except HtmlNoTextError as exc:
        return quarantined(exc.reason, extractor, encoding=exc.encoding)
    except ExtractionError as exc:
        return quarantined(exc.reason, extractor)
    n_pages = None if page_starts is None else len(page_starts)
    if not has_text(text):
        return quarantined("no text: the document holds only whitespace", extractor, encoding=encoding)
    return ExtractedDocument(
        doc_id=doc_id,
        source_name=name,
        media_type=media_type,
        text=text,
        n_chars=len(text),
        status="ok",
        encoding=encoding,
        extractor=extractor,
        n_pages=n_pages,
        page_starts=page_starts,
    )


def documents_frame(docs: Iterable[ExtractedDocument]) -> pl.DataFrame:
    """A Polars frame of `docs` with exactly the columns and types of ``SCHEMAS["documents"]``."""
    schema = SCHEMAS["documents"]
    table = pa.Table.from_pylist([doc.model_dump() for doc in docs], schema=schema)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame
