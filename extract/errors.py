"""Typed failures of the extract stage: one class per kind, each carrying its context as attributes.

Every class derives from :class:`ExtractionError` (itself a ``ValueError``), whose ``reason`` is
the human sentence that :func:`extract.document.extract_document` stores when it quarantines a
document instead of raising.
"""

from __future__ import annotations


class ExtractionError(ValueError):
    """Bad input: the bytes hold no text the pipeline can use."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DecodeError(ExtractionError):
    """Bytes that are not text in any accepted encoding."""

    def __init__(self, reason: str, tried: tuple[str, ...]) -> None:
        super().__init__(f"undecodable text: {reason} (tried: {', '.join(tried)})")
        self.tried = tried


class HtmlNoTextError(ExtractionError):
    """An HTML page with no main text once boilerplate is removed."""

    def __init__(self, encoding: str, n_bytes: int) -> None:
        super().__init__(f"HTML page has no main text ({n_bytes} bytes, decoded as {encoding})")
        self.encoding = encoding
        self.n_bytes = n_bytes


class PdfError(ExtractionError):
    """A PDF that yields no text; the subclasses name why."""


class PdfCorruptError(PdfError):
    """A PDF that pypdf cannot parse."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"PDF is corrupt or not a PDF: {detail}")
        self.detail = detail


class PdfEncryptedError(PdfError):
    """A PDF that needs a password (or a decryption method) to be read."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"PDF is encrypted: {detail}")
        self.detail = detail


class PdfNoTextLayerError(PdfError):
    """A PDF whose pages hold no extractable text."""

    def __init__(self, n_pages: int) -> None:
        super().__init__(f"PDF has no text layer (scanned image?) ({n_pages} page(s))")
        self.n_pages = n_pages
