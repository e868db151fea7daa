"""Main text of a saved web page: charset decoding, then trafilatura boilerplate removal.

trafilatura drops scripts, styles, navigation, cookie banners, footers and comment sections and
keeps headings, paragraphs, lists and tables (rendered as ``| a | b |`` rows). Each block it keeps
becomes one paragraph of the output; paragraphs are separated by a blank line. When trafilatura
finds nothing (tiny pages, bare fragments) the visible text of ``<body>`` is used instead, with
script, style, nav, header, footer and cookie/comment containers removed.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

import charset_normalizer
import lxml
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from extract.errors import HtmlNoTextError

TRAFILATURA: Final = f"trafilatura {trafilatura.__version__}"
LXML_FALLBACK: Final = f"lxml {lxml.__version__} (body text fallback)"

# Site navigation is never main text; pruning it also keeps it out of trafilatura's "baseline"
# rescue, which dumps the whole page when the article is under ~250 characters.
_PRUNE_XPATH: Final = ["//nav", "//*[@role='navigation']", "//*[@role='banner']"]

# The encoding prescan looks this far into the file (the HTML standard says 1024 bytes; pages
# with long <head> sections put the declaration later).
_PRESCAN_BYTES: Final = 4096
_CHARSET_RE: Final = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_XML_DECLARATION_RE: Final = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters lxml refuses (XML 1.0 allows only tab, LF and CR); never visible text.
_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Labels that browsers decode as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252: Final = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Fallback: elements whose text is never main text.
_DROP_TAGS: Final = ("script", "style", "noscript", "template", "nav", "header", "footer", "head")
# Words of an id/class that mark a container as boilerplate ("cookie-banner", "comments"; not "commentary").
_DROP_MARKERS: Final = frozenset({"cookie", "cookies", "consent", "comment", "comments"})
_MARKER_SPLIT_RE: Final = re.compile(r"[\s_-]+")
_BLOCK_TAGS: Final = frozenset(
    ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure")
    + ("form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section")
    + ("table", "td", "th", "tr", "ul")
)
_SPACES_RE: Final = re.compile(r"[ \t\r\f\v\u00a0]+")


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes by BOM, declared charset, UTF-8, then detection, returning (markup, encoding).

    A page declaring a single-byte charset (Latin-1, ASCII, cp1252) whose bytes are valid UTF-8
    with non-ASCII content is decoded as UTF-8: mislabelled pages are common, and cp1252 text
    with accented letters is practically never valid UTF-8. Never raises: as a last resort,
    undecodable bytes are replaced (encoding ``"utf-8 (errors replaced)"``).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    declared = _declared_charset(data)
    is_utf8 = _is_utf8(data)
    if declared and not (declared in _AS_CP1252 and is_utf8 and not data.isascii()):
        codec = "cp1252" if declared in _AS_CP1252 else declared
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    if is_utf8:
        return data.decode("utf-8"), "utf-8"
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        detected = _codec_name(best.encoding)
        if detected is not None:
            try:
                return data.decode(detected), detected
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8 (errors replaced)"


def html_main_text(markup: str) -> tuple[str, str]:
    """The main text of decoded HTML and the extractor that found it, or ("", TRAFILATURA) if none."""
    markup = _CONTROL_RE.sub("", _XML_DECLARATION_RE.sub("", markup, count=1))
    text = _trafilatura_text(markup)
    if text:
        return text, TRAFILATURA
    text = _body_text(markup)
    if text:
        return text, LXML_FALLBACK
    return "", TRAFILATURA


def html_to_text(data: bytes | str) -> str:
    """The main text of an HTML page (bytes are decoded first), raising HtmlNoTextError if it has none."""
    if isinstance(data, bytes):
        markup, encoding = decode_html(data)
        n_bytes = len(data)
    else:
        markup, encoding, n_bytes = data, "str", len(data.encode("utf-8", errors="replace"))
    text, _ = html_main_text(markup)
    if not text:
        raise HtmlNoTextError(encoding, n_bytes)
    return text


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[:_PRESCAN_BYTES])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    return _codec_name(label)


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A declared "utf-16" without a BOM is a lie (the standard decodes such pages as UTF-8).
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _trafilatura_text(markup: str) -> str:
    if not markup.strip():
        return ""
    # Recall over precision; tables kept; comments, links, images and formatting off.
    document = trafilatura.bare_extraction(
        markup,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        include_formatting=False,
        with_metadata=False,
        deduplicate=False,
        prune_xpath=_PRUNE_XPATH,
    )
    if not isinstance(document, Document) or document.body is None:
        return ""
    blocks = (_tidy(xmltotxt(block, False)) for block in document.body)
    return "\n\n".join(block for block in blocks if block)


def _body_text(markup: str) -> str:
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    if body is None:
        return ""
    for element in list(body.iter(*_DROP_TAGS)) + [e for e in body.iter() if _is_boilerplate(e)]:
        if element.getparent() is not None:
            element.drop_tree()
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = (_SPACES_RE.sub(" ", line).strip() for line in body.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)


def _is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return False
    words = _MARKER_SPLIT_RE.split(f"{element.get('id', '')} {element.get('class', '')}".lower())
    return not _DROP_MARKERS.isdisjoint(words)


def _tidy(block: str) -> str:
    return "\n".join(line.rstrip() for line in block.strip().splitlines())
