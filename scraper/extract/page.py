"""Stage 0: decode the bytes once, parse once with lxml, and precompute what every field reads.

Like fundus's base parser: the tree, every ``<meta>``-like (name/property/itemprop + content) value
as a dict, and the JSON-LD objects flattened (``@graph`` expanded) with a search helper.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_ARABIC_CODECS = ("cp1256", "iso8859-6")
_ARTICLE_TYPES = re.compile(r"(News)?Article$|BlogPosting$|Report$", re.I)
_CDATA = re.compile(r"^\s*(?:<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:\]\]>|//\s*\]\]>)\s*$")


class UndecodablePage(ValueError):
    """The bytes are not text in any encoding we read (binary content)."""


def _codec(name: bytes | str | None) -> str | None:
    if not name:
        return None
    label = name.decode("ascii", "ignore") if isinstance(name, bytes) else name
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def _arabic_score(text: str) -> int:
    # "ال" (the article) is the commonest Arabic bigram: a mis-decoded page has almost none.
    return text.count("ال") * 4 + sum(1 for ch in text[:20000] if "\u0621" <= ch <= "\u064a") - 20 * text.count(
        "\ufffd"
    )


def decode(data: bytes) -> tuple[str, str]:
    """Text and the codec it was read with: BOM, then strict UTF-8, then the declared charset or the
    Arabic single-byte code page (windows-1256 / ISO-8859-6) that reads as the most Arabic."""
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, codec in boms:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), codec
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 10:
        raise UndecodablePage("binary content (NUL bytes), not an HTML page")
    try:
        return data.decode("utf-8"), "utf-8"  # valid non-ASCII UTF-8 is almost never an accident
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(head)
    declared = _codec(match.group(1)) if match else None
    candidates = [c for c in (declared, *_ARABIC_CODECS) if c and c != "utf-8"]
    best = max(candidates, key=lambda c: _arabic_score(data.decode(c, "replace")))
    text = data.decode(best, "replace")
    if _arabic_score(text) < 0 and declared is None:
        text, best = data.decode("utf-8", "replace"), "utf-8"
    return text, best


def _walk_json(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_json(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _walk_json(graph, depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("@type", [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


@dataclass(slots=True)
class Page:
    url: str
    text: str
    encoding: str
    tree: Any  # lxml.html.HtmlElement (the <html> root)
    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)

    def meta_first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key.lower(), ()):
                if value.strip():
                    return value.strip()
        return None

    def meta_all(self, key: str) -> list[str]:
        return [v.strip() for v in self.meta.get(key.lower(), ()) if v.strip()]

    @property
    def articles_ld(self) -> list[dict[str, Any]]:
        """JSON-LD objects typed as an article (NewsArticle, ReportageNewsArticle, BlogPosting, ...)."""
        return [obj for obj in self.jsonld if any(_ARTICLE_TYPES.search(t) for t in _types(obj))]

    def ld_first(self, key: str, *, articles_only: bool = True) -> Any:
        pool = self.articles_ld if articles_only else self.jsonld
        for obj in pool:
            value = obj.get(key)
            if value not in (None, "", [], {}):
                return value
        return None


def _parse_jsonld(raw: str) -> list[dict[str, Any]]:
    raw = _CDATA.sub("", raw.strip())
    try:
        data = json.loads(raw, strict=False)
    except ValueError:
        return []
    return list(_walk_json(data))


def parse(html: bytes | str, url: str) -> Page:
    """Decode and parse once. Raises UndecodablePage for binary input, ValueError for no markup."""
    if isinstance(html, bytes):
        text, encoding = decode(html)
    else:
        text, encoding = html, "str"
    if not text.strip():
        raise UndecodablePage("empty page")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=False)
    root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    page = Page(url=url, text=text, encoding=encoding, tree=root)
    for el in root.xpath("//*[@content and (@name or @property or @itemprop)]"):
        content = el.get("content") or ""
        for attr in ("name", "property", "itemprop"):
            key = el.get(attr)
            if key:
                for one in key.lower().split():
                    page.meta.setdefault(one, []).append(html_lib.unescape(content))
    for script in root.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        page.jsonld.extend(_parse_jsonld(script.text or ""))
    return page


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: strings as is (HTML entities decoded), objects by their name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    if isinstance(value, (str, int, float)):
        return html_lib.unescape(str(value))
    return None


def is_element(node: Any) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)
