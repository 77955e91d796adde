"""Harder versions of a saved page, built in memory, for ``akhbar eval`` and for tests.

Each variant is a pure function ``html bytes -> html bytes`` that keeps what a reader sees and takes
away one kind of help an extractor may lean on:

- :func:`bare`: no metadata. JSON-LD, every ``<meta>`` but the charset declaration, microdata and
  RDFa attributes, ``<time datetime>``, ``rel=canonical`` and ``<html lang>`` are removed; the
  visible text (the printed date of a ``<time>`` included) stays as it was.
- :func:`scrambled`: bare, and every class and id token replaced by a meaningless hash token, as
  CSS-in-JS builds emit them (one original token, one stable replacement, so equal classes stay
  equal), and so are word-like ``data-*`` values (``data-component="headline"``).
- :func:`reencoded`: the page decoded right and written as windows-1256, its charset declaration
  changed to say so; characters outside the code page become numeric character references.

The page is decoded the way a browser would (BOM, declared charset, then UTF-8, through
``w3lib.encoding.html_to_unicode``), parsed with lxml's forgiving HTML parser and serialized
back. bare and scrambled are written in the page's own encoding, so only the metadata differs
from the plain page. Bytes lxml cannot make a document of (empty input) come back unchanged:
there is nothing in them to take away.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

Variant = Callable[[bytes], bytes]

TARGET_ENCODING = "windows-1256"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?[^\"';\s]*", re.IGNORECASE)
_XML_ENCODING = re.compile(r"""encoding\s*=\s*["'][^"']*["']""", re.IGNORECASE)
# microdata and RDFa: structured data riding on visible elements
_METADATA_ATTRS = (
    "itemprop", "itemscope", "itemtype", "itemref", "itemid",
    "property", "typeof", "resource", "about", "vocab", "prefix", "datatype",
)  # fmt: skip
# A data-* value made of identifier words (``headline``, ``article-body main``), not a URL, a number
# or a JSON blob: the kind of value a build tool names components with.
_WORDLIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*(?:\s+[A-Za-z][A-Za-z0-9_\-]*)*$")
# huge_tree: libxml2 otherwise stops at 256 levels of nesting and drops the rest of the page; with it
# the cap is libxml2's hard limit (2048), beyond any real page
_PARSER = lxml.html.HTMLParser(huge_tree=True)
# attributes that refer to ids, renamed with them so the page's own references keep working
_ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "headers")


# --- the variants ---------------------------------------------------------------------------


def plain(html: bytes) -> bytes:
    """The page as saved."""
    return html


def bare(html: bytes) -> bytes:
    """The page without its metadata; visible text unchanged."""
    page = _Page.parse(html)
    if page is None:
        return html
    _strip_metadata(page.root)
    return page.serialize(page.encoding)


def scrambled(html: bytes) -> bytes:
    """:func:`bare`, with every class and id (and word-like ``data-*`` value) a meaningless token."""
    page = _Page.parse(html)
    if page is None:
        return html
    _strip_metadata(page.root)
    _scramble_names(page.root)
    return page.serialize(page.encoding)


def reencoded(html: bytes) -> bytes:
    """The page as windows-1256 bytes, declaring windows-1256; the text is unchanged."""
    page = _Page.parse(html)
    if page is None:
        return html
    _declare_charset(page.root, TARGET_ENCODING)
    if page.xml_declaration:
        page.xml_declaration = _XML_ENCODING.sub(f'encoding="{TARGET_ENCODING}"', page.xml_declaration)
    return page.serialize(TARGET_ENCODING)


VARIANTS: dict[str, Variant] = {"plain": plain, "bare": bare, "scrambled": scrambled, "reencoded": reencoded}


def token(name: str) -> str:
    """The stable meaningless stand-in for one class/id token: a letter and five hex digits."""
    return "c" + hashlib.blake2s(name.encode("utf-8"), digest_size=3).hexdigest()[:5]


# --- parsing and writing back ---------------------------------------------------------------


class _Page:
    def __init__(self, root: Any, encoding: str, xml_declaration: str | None, doctype: str | None) -> None:
        self.root = root
        self.encoding = encoding
        self.xml_declaration = xml_declaration
        self.doctype = doctype

    @classmethod
    def parse(cls, html: bytes) -> _Page | None:
        encoding, text = html_to_unicode(None, html)
        # lxml refuses a str that carries an XML encoding declaration; it is put back on output
        declaration = _XML_DECLARATION.match(text)
        if declaration:
            text = text[declaration.end() :]
        try:
            root = lxml.html.document_fromstring(text, parser=_PARSER)
        except (etree.ParserError, ValueError):
            return None
        # libxml2 invents an HTML 4.0 doctype for a page without one: keep only a real one
        doctype = root.getroottree().docinfo.doctype if _DOCTYPE.search(text, 0, 4096) else None
        return cls(root, encoding, declaration.group(0).strip() if declaration else None, doctype or None)

    def serialize(self, encoding: str) -> bytes:
        # etree's serializer, not lxml.html's: the latter drops <meta http-equiv="Content-Type">
        text = etree.tostring(self.root, encoding="unicode", method="html")
        if self.doctype:
            text = self.doctype + "\n" + text
        if self.xml_declaration:
            text = self.xml_declaration + "\n" + text
        # characters the code page lacks become &#NNNN;, which every HTML parser reads back
        return text.encode(_python_codec(encoding), errors="xmlcharrefreplace")


def _python_codec(encoding: str) -> str:
    try:
        "".encode(encoding)
    except LookupError:
        return "utf-8"
    return encoding


# --- the transformations --------------------------------------------------------------------


def _is_charset_meta(el: Any) -> bool:
    if el.get("charset") is not None:
        return True
    return (el.get("http-equiv") or "").strip().lower() == "content-type"


def _strip_metadata(root: Any) -> None:
    doomed = []
    for el in root.iter(etree.Element):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "meta":
            if not _is_charset_meta(el):
                doomed.append(el)
                continue
            for name in ("itemprop", "property", "name"):  # a charset meta keeps only its charset
                el.attrib.pop(name, None)
            continue
        if tag == "script" and (el.get("type") or "").split(";")[0].strip().lower() == "application/ld+json":
            doomed.append(el)
            continue
        if tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            doomed.append(el)
            continue
        for name in _METADATA_ATTRS:
            el.attrib.pop(name, None)
        el.attrib.pop("content", None)  # off a <meta>, only RDFa uses it: the machine value beside the printed one
        if tag == "time":
            el.attrib.pop("datetime", None)
            el.attrib.pop("pubdate", None)
    for name in ("lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang"):
        root.attrib.pop(name, None)
    for el in doomed:
        _drop_keeping_tail(el)


def _drop_keeping_tail(el: Any) -> None:
    """Remove an element but not the text that follows it (lxml keeps that text on the element)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _scramble_names(root: Any) -> None:
    for el in root.iter(etree.Element):
        for name, value in el.attrib.items():
            named = name in ("class", "id") or name in _ID_REFERENCES
            if named or (name.startswith("data-") and _WORDLIKE.match(value.strip())):
                el.set(name, " ".join(token(t) for t in value.split()))
        href = el.get("href")
        if href and href.startswith("#") and len(href) > 1:
            el.set("href", "#" + token(href[1:]))


def _declare_charset(root: Any, encoding: str) -> None:
    """Point every charset declaration at ``encoding``; add one when the page had none."""
    declared = False
    for el in root.iter("meta"):
        if el.get("charset") is not None:
            el.set("charset", encoding)
            declared = True
        elif (el.get("http-equiv") or "").strip().lower() == "content-type":
            content = el.get("content") or "text/html"
            if _CHARSET_PARAM.search(content):
                content = _CHARSET_PARAM.sub(f"charset={encoding}", content)
            else:
                content = content.rstrip("; ") + f"; charset={encoding}"
            el.set("content", content)
            declared = True
    if not declared:
        head = root.find("head")
        if head is None:
            head = etree.Element("head")
            root.insert(0, head)
        meta = etree.Element("meta", charset=encoding)
        head.insert(0, meta)
