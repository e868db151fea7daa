"""Text layer of a PDF via pypdf: one string, pages separated by a form feed, plus page offsets.

A form feed inside a page's own text is replaced by a newline, so ``text.split("\\f")`` gives the
pages back and ``page_starts[i]`` is where page ``i`` begins (a code-point index into the text).
Line breaks are pypdf's: a sentence wrapped across lines keeps its ``\\n``.
"""

from __future__ import annotations

import io
from typing import Final

import pypdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from extract.errors import PdfCorruptError, PdfEncryptedError, PdfNoTextLayerError

PYPDF: Final = f"pypdf {pypdf.__version__}"
PAGE_SEPARATOR: Final = "\f"


def pdf_to_text(data: bytes) -> tuple[str, list[int]]:
    """The text of every page joined by form feeds and each page's start offset, or a typed PdfError."""
    reader = _open(data)
    pages: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            page_text = page.extract_text()
        except FileNotDecryptedError as exc:
            raise PdfEncryptedError(str(exc)) from exc
        # pypdf raises many exception types on damaged content streams; all mean "corrupt".
        except Exception as exc:
            raise PdfCorruptError(f"page {number}: {type(exc).__name__}: {exc}") from exc
        pages.append(page_text.replace(PAGE_SEPARATOR, "\n"))
    if not any(page.strip() for page in pages):
        raise PdfNoTextLayerError(len(pages))
    starts: list[int] = []
    offset = 0
    for page_text in pages:
        starts.append(offset)
        offset += len(page_text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), starts


def _open(data: bytes) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
        if len(reader.pages) == 0:
            raise PdfCorruptError("no pages")
    except (PdfCorruptError, PdfEncryptedError):
        raise
    except (FileNotDecryptedError, pypdf.errors.DependencyError) as exc:
        raise PdfEncryptedError(str(exc)) from exc
    except PdfReadError as exc:
        raise PdfCorruptError(str(exc)) from exc
    # Damaged cross-reference tables and objects surface as arbitrary exception types.
    except Exception as exc:
        raise PdfCorruptError(f"{type(exc).__name__}: {exc}") from exc
    return reader


def _decrypt(reader: pypdf.PdfReader) -> None:
    # Many published PDFs are encrypted with an empty user password (owner restrictions only).
    if reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise PdfEncryptedError("a password is required to open it")
