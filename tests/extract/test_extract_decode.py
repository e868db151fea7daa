"""decode_text: BOMs, UTF-8, cp1252 fallback, typed failures, bytes-exact newlines."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from extract_cases import CASES
from hypothesis import given
from hypothesis import strategies as st

from extract.decode import DecodeError, decode_text


def test_utf8() -> None:
    assert decode_text("Haringey: £4.2m, 10 per cent".encode()) == ("Haringey: £4.2m, 10 per cent", "utf-8")


def test_utf8_bom_is_kept_as_in_open(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + "Calderdale MBC\n£2.1 million".encode()
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    text, encoding = decode_text(data)
    assert encoding == "utf-8-sig"
    assert text[0] == "\ufeff"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + "Kingston-upon-Thames RBC: £1.3 million".encode(codec)
    assert decode_text(data) == ("Kingston-upon-Thames RBC: £1.3 million", "utf-16")


def test_utf16_case_file() -> None:
    assert decode_text((CASES / "utf16_bom.txt").read_bytes()) == ("Haringey: £4.2m", "utf-16")


def test_cp1252_fallback() -> None:
    assert decode_text(b"caf\xe9 \x93quoted\x94") == ("café “quoted”", "cp1252")


def test_crlf_is_not_translated() -> None:
    text, _ = decode_text((CASES / "cp1252.txt").read_bytes())
    assert text == "café “quoted” £5m in 2015/16\r\n"
    assert decode_text(b"a\r\nb\rc\n") == ("a\r\nb\rc\n", "utf-8")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x81\x8d not cp1252 either", "nor cp1252"),
        (b"\xff\x00binary\x00", "holds NUL bytes"),
        (codecs.BOM_UTF8 + b"caf\xe9", "UTF-8 byte-order mark but is not valid UTF-8"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),  # lone surrogate
    ],
)
def test_undecodable_raises_typed_error(data: bytes, fragment: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_text(data)
    assert fragment in caught.value.reason
    assert isinstance(caught.value, ValueError)
    assert caught.value.tried


@given(st.text())
def test_any_utf8_text_roundtrips(text: str) -> None:
    assert decode_text(text.encode("utf-8"))[0] == text
