"""html_to_text: boilerplate removal, paragraphs, tables, charsets, the lxml fallback, no text."""

from __future__ import annotations

import codecs

import pytest
from extract_cases import CASES

from extract.errors import HtmlNoTextError
from extract.html_text import LXML_FALLBACK, TRAFILATURA, decode_html, html_main_text, html_to_text

SENTINELS = (
    "COOKIE_SENTINEL",
    "NAV_SENTINEL",
    "COMMENT_SENTINEL",
    "SCRIPT_SENTINEL",
    "STYLE_SENTINEL",
    "FOOTER_SENTINEL",
)


@pytest.fixture(scope="module")
def page_text() -> str:
    return html_to_text((CASES / "boilerplate_page.html").read_bytes())


@pytest.mark.parametrize("sentinel", SENTINELS)
def test_boilerplate_is_removed(page_text: str, sentinel: str) -> None:
    assert sentinel not in page_text


def test_article_text_is_kept_in_paragraphs(page_text: str) -> None:
    paragraphs = page_text.split("\n\n")
    assert paragraphs[0] == "Essex adoption figures published"
    assert (
        "Essex County Council placed 84 children with adoptive families in 2016-17, "
        "compared with 71 in 2015/16, an increase of 18 per cent."
    ) in paragraphs
    assert "The council spent £3.2m on adoption support" in page_text  # entity decoded
    assert paragraphs[-1] == "Children's services in Essex have been rated 'Good' by Ofsted since 2014."


def test_tables_are_kept_as_rows(page_text: str) -> None:
    assert "| Year | Adoptions |\n|---|---|\n| 2015/16 | 71 |\n| 2016-17 | 84 |" in page_text


def test_declared_cp1252_charset() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
        "<body><p>Calderdale MBC saved \u00a32.1 million, a \u201crecord\u201d.</p></body></html>"
    ).encode("cp1252")
    assert decode_html(html)[1] == "cp1252"
    assert html_to_text(html) == "Calderdale MBC saved £2.1 million, a “record”."


def test_xml_declaration_charset() -> None:
    html = b'<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Caf\xe9 in Calderdale: \xa35m.</p></body></html>'
    assert decode_html(html)[1] == "cp1252"  # Latin-1 labels decode as windows-1252
    assert html_to_text(html) == "Café in Calderdale: £5m."


def test_mislabelled_utf8_page_is_decoded_as_utf8() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Haringey spent £4.2m.</p></body></html>'
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")


def test_bom_wins_over_declaration() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>£600,000</p></body></html>'
    assert decode_html(codecs.BOM_UTF8 + html.encode("utf-8")) == (html, "utf-8-sig")


def test_undeclared_non_utf8_is_detected() -> None:
    html = "<html><body><p>Essex spent £8.6bn – nearly half – on “care”.</p></body></html>".encode("cp1252")
    markup, encoding = decode_html(html)
    assert "£8.6bn" in markup and encoding != "utf-8"


def test_fragment_falls_back_to_body_text() -> None:
    text, extractor = html_main_text((CASES / "fragment.html").read_text(encoding="utf-8"))
    assert extractor == LXML_FALLBACK
    assert text == (
        "Leeds adoptions\n\nLeeds City Council placed 12 children for adoption in 2016-17, up from 9 in 2015/16."
    )


def test_fallback_drops_cookie_and_comment_containers_only() -> None:
    markup = (
        '<div><div class="statistics-commentary"><p>Calderdale MBC: 17 per cent.</p>'
        '<p id="cookie-notice">We use cookies.</p><div class="user_comments">Nice.</div></div></div>'
    )
    assert html_main_text(markup) == ("Calderdale MBC: 17 per cent.", LXML_FALLBACK)


def test_page_without_main_text_raises() -> None:
    data = (CASES / "no_main_text.html").read_bytes()
    assert html_main_text(decode_html(data)[0]) == ("", TRAFILATURA)
    with pytest.raises(HtmlNoTextError) as caught:
        html_to_text(data)
    assert caught.value.encoding == "utf-8"
    assert caught.value.n_bytes == len(data)
    assert "no main text" in caught.value.reason


@pytest.mark.parametrize("data", [b"", b"   \n", b"<html></html>"])
def test_empty_markup_raises(data: bytes) -> None:
    with pytest.raises(HtmlNoTextError):
        html_to_text(data)
