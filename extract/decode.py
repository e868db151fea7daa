"""Bytes of a plain-text document to the exact string whose code-point offsets the warehouse stores.

Decoding is bytes-exact: nothing is normalised. In particular newlines are NOT translated
(``open(path)`` in text mode turns ``\\r\\n`` into ``\\n``; we keep ``\\r\\n``), so every span
``text[start:end]`` maps back to the same characters of the file whatever its line endings.
A UTF-8 byte-order mark is kept as the character U+FEFF at offset 0, exactly as
``open(path, encoding="utf-8", newline="").read()`` returns it.
"""

from __future__ import annotations

import codecs

from extract.errors import DecodeError

__all__ = ["DecodeError", "decode_text"]

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode `data` by BOM, then strict UTF-8, then cp1252, returning (text, encoding) or raising DecodeError.

    Rules, in order:

    - UTF-32 / UTF-16 byte-order mark: decoded with ``utf-32`` / ``utf-16`` (the mark is consumed,
      as ``open(path, encoding="utf-16")`` does); encoding ``"utf-32"`` / ``"utf-16"``.
    - UTF-8 byte-order mark: decoded with ``utf-8`` so U+FEFF stays at offset 0; encoding
      ``"utf-8-sig"`` records that the mark is there.
    - valid UTF-8: encoding ``"utf-8"``.
    - otherwise cp1252 (Windows Western, a superset of the printable Latin-1 range), unless the
      bytes hold a NUL (binary data, or UTF-16 without a mark) or a byte cp1252 leaves undefined.

    >>> decode_text(b"caf\\xc3\\xa9\\r\\n")
    ('café\\r\\n', 'utf-8')
    >>> decode_text(b"caf\\xe9 \\x93quoted\\x94")
    ('café “quoted”', 'cp1252')
    """
    for bom, codec in zip(_UTF32_BOMS + _UTF16_BOMS, ("utf-32", "utf-32", "utf-16", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}: "
                    f"{exc.reason} at byte {exc.start}",
                    (codec,),
                ) from exc
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
        if encoding == "utf-8-sig":
            raise DecodeError(
                f"starts with a UTF-8 byte-order mark but is not valid UTF-8: {utf8_error}", ("utf-8",)
            ) from exc
    if b"\x00" in data:
        raise DecodeError(
            f"not UTF-8 ({utf8_error}) and holds NUL bytes: binary data, or UTF-16 without a byte-order mark",
            ("utf-8",),
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"not UTF-8 ({utf8_error}) nor cp1252 (byte 0x{data[exc.start]:02x} at {exc.start} is undefined)",
            ("utf-8", "cp1252"),
        ) from exc
