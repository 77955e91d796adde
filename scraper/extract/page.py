"""Stage 0: decode the bytes once, parse once with lxml, and precompute what every field reads.

Like fundus's base parser: the tree, every ``<meta>``-like (name/property/itemprop + content) value
as a dict, and the JSON-LD objects flattened (``@graph`` expanded) with a search helper.
"""

from __future__ import annotations

import codecs
import contextlib
import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from w3lib.encoding import html_to_unicode

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-:.]+)", re.I)
_ARABIC_CODECS = ("cp1256", "iso8859-6")
_ARTICLE_TYPES = re.compile(r"(News)?Article$|BlogPosting$|Report$", re.I)
_CDATA = re.compile(r"^\s*(?:<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:\]\]>|//\s*\]\]>)\s*$")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
# UTF-8 bytes of Arabic read as windows-1256 turn every letter into ط or ظ plus one more
# character; read as Latin-1/cp1252 into Ø or Ù plus one: a page of those is mojibake.
_MOJIBAKE_1256 = re.compile(r"[طظ][\u0080-\u00ff\u0600-\u06ff\u2000-\u206f\u0152-\u0192]")
_MOJIBAKE_LATIN = re.compile(r"[ØÙ][\u0080-\u00bf]")
MAX_DEPTH = 1000  # nesting kept when a page is deeper than the parser allows (libxml2: 256, 2048)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param",
                   "source", "track", "wbr"})


# every <meta>-like value: name/property/itemprop with content (microdata on any element too), and
# the elements declaring the article body (itemprop/property ``articleBody``), in one pass over the
# attribute nodes: an element test with attribute predicates per element of the page costs far
# more, and each XPath pass over a large page costs about 0.3 ms. Compiled once.
_NAMED = etree.XPath("//@content | //@itemprop | //@property")


class UndecodablePage(ValueError):
    """The bytes are not text in any encoding we read (binary content, mojibake)."""


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
    sample = text[:200_000]
    return sample.count("ال") * 4 + len(_ARABIC_LETTER.findall(sample[:20000])) - 20 * sample.count("\ufffd")


def mojibake_reason(text: str) -> str | None:
    """Why ``text`` is not readable text (UTF-8 read in a single-byte code page, code-page soup,
    replacement characters), or None."""
    sample = text[:50_000]
    suspects_1256 = sample.count("ط") + sample.count("ظ")
    suspects_latin = sample.count("Ø") + sample.count("Ù")
    replaced = sample.count("\ufffd")
    articles = sample.count("ال")
    garbled_1256 = suspects_1256 >= 20 and articles < suspects_1256 / 4
    garbled_latin = suspects_latin >= 20
    if articles >= 50 and not garbled_1256 and not garbled_latin:
        letters = 0  # plainly Arabic words: nothing more to count
    else:
        letters = len(_ARABIC_LETTER.findall(sample[:20_000])) + 1
    if garbled_1256:
        bad = len(_MOJIBAKE_1256.findall(sample))
        if bad >= 20 and bad > 0.3 * letters / 2:
            return f"mojibake: UTF-8 text read as windows-1256 ({bad} garbled letters)"
    if garbled_latin:
        bad = len(_MOJIBAKE_LATIN.findall(sample))
        if bad >= 20 and bad > letters:
            return f"mojibake: UTF-8 text read as Latin-1 ({bad} garbled letters)"
    # Arabic letters that never make the definite article: code-page soup, not Arabic words
    # (real Arabic prose has "ال" every 15-20 letters)
    if letters > 500 and sample[:20_000].count("ال") < letters * 0.005:
        return f"mojibake: {letters} Arabic letters but no Arabic words (text decoded with the wrong code page)"
    if replaced >= 20 and replaced > 0.01 * len(sample.strip()):
        return f"undecodable text: {replaced} replacement characters (U+FFFD)"
    return None


def _utf16(data: bytes, declared: str | None) -> str | None:
    """UTF-16 without a BOM: NUL bytes at every other position, the byte order told by which."""
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    # ASCII markup in UTF-16 puts its NULs all on one side; binary data has them on both
    if max(even, odd) < 8 or min(even, odd) > max(even, odd) // 10:
        return None
    codec = "utf-16-be" if even > odd else "utf-16-le"
    text = data.decode(codec, "replace")
    if declared and declared.startswith("utf-16"):
        return text
    inner = _CHARSET.search(text[:2048].encode("ascii", "ignore"))
    if inner and (_codec(inner.group(1)) or "").startswith("utf-16"):
        return text
    if re.match(r"\s*<(?:!doctype|html)", text, re.I):  # undeclared, but plainly HTML in UTF-16
        return text
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Text and the codec it was read with, as a browser would (``w3lib.encoding.html_to_unicode``:
    BOM, the Content-Type header, the page's declaration, UTF-8), then checked: a page that reads
    as mojibake or replacement characters is tried as strict UTF-8 and as the Arabic single-byte
    code pages (windows-1256, ISO-8859-6), and the reading with the most Arabic wins. Raises
    UndecodablePage for binary data and for text no reading makes sense of."""
    match = _HEADER_CHARSET.search(content_type or "")
    header = _codec(match.group(1)) if match else None
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    head = data[:4096]
    if b"\x00" in head and not data.startswith(boms):
        text = _utf16(data, header)
        if text is not None:
            return text, "utf-16"
        # A stray NUL in a text page is noise (stripped); many of them mean the file is not text.
        if head.count(b"\x00") > max(4, len(head) // 100):
            raise UndecodablePage("binary content (NUL bytes), not an HTML page")
        data = data.replace(b"\x00", b"")
    encoding, text = html_to_unicode(content_type, data)
    codec = _codec(encoding) or encoding
    if text.find("\ufffd", 0, 200_000) < 0 and mojibake_reason(text) is None:
        return text, codec
    candidates: list[tuple[str, str]] = [(codec, text)]
    with contextlib.suppress(UnicodeDecodeError):
        candidates.append(("utf-8", data.decode("utf-8")))
    meta = _CHARSET.search(data[:4096])
    declared = _codec(meta.group(1)) if meta else None
    for name in (declared, *_ARABIC_CODECS):
        if name and name not in {c for c, _ in candidates}:
            candidates.append((name, data.decode(name, "replace")))
    readable = [(c, t) for c, t in candidates if mojibake_reason(t) is None]
    if not readable:
        raise UndecodablePage(mojibake_reason(text) or "undecodable text")
    best, best_text = max(readable, key=lambda ct: _arabic_score(ct[1]))
    return best_text, best


def flatten_deep(text: str, limit: int = MAX_DEPTH) -> str:
    """The markup with elements nested deeper than ``limit`` unwrapped (their text kept): the
    parser drops whatever lies below its depth limit, which would lose the article."""
    out: list[str] = []
    depth = 0
    unwrapped: dict[str, int] = {}
    last = 0
    for match in _TAG.finditer(text):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        drop = False
        if name in _VOID or selfclosing:
            pass
        elif not closing:
            if depth >= limit:
                unwrapped[name] = unwrapped.get(name, 0) + 1
                drop = True
            else:
                depth += 1
        elif unwrapped.get(name):
            unwrapped[name] -= 1
            drop = True
        else:
            depth = max(0, depth - 1)
        if drop:
            out.append(text[last : match.start()])
            last = match.end()
    out.append(text[last:])
    return "".join(out)


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
    tree: Any  # lxml.etree._Element, the <html> root (plain etree: no lxml.html methods)
    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    # elements (not <meta>) whose itemprop or property names articleBody, in document order
    declared_body: list[Any] = field(default_factory=list)

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


def parse(html: bytes | str, url: str, content_type: str | None = None) -> Page:
    """Decode and parse once. Raises UndecodablePage for binary input or mojibake.

    ``huge_tree``: a text node over 10 MB is kept whole (libxml2 otherwise stops there and the rest
    of the document is silently lost); the parse is of HTML, where the entity expansion that
    huge_tree would let through does not apply. A page nested deeper than the parser's limit is
    parsed again with the excess nesting unwrapped, so its text is not dropped."""
    if isinstance(html, bytes):
        text, encoding = decode(html, content_type)
    else:
        text, encoding = html, "str"
        reason = mojibake_reason(text)
        if reason:
            raise UndecodablePage(reason)
    if not text or text.isspace():  # isspace stops at the first letter; strip copies the page
        raise UndecodablePage("empty page")
    # plain etree elements: lxml.html's element classes cost a Python lookup per proxy created
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    if isinstance(html, bytes) and encoding == "utf-8" and "\ufffd" not in text:
        data = html[3:] if html.startswith(codecs.BOM_UTF8) else html  # the same bytes: no re-encoding
    else:
        data = text.encode("utf-8", "replace")
    root = etree.fromstring(data, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # deeper than libxml2 nests (2048 with huge_tree): what lay below was dropped
        root = etree.fromstring(flatten_deep(text).encode("utf-8", "replace"), parser=parser)
    if root is None:
        raise UndecodablePage("no HTML markup in the page")
    page = Page(url=url, text=text, encoding=encoding, tree=root)
    for attribute in _NAMED(root):
        el = attribute.getparent()
        if attribute.attrname != "content":
            if ("articleBody" in attribute or "articlebody" in attribute) and el.tag != "meta" and (
                not page.declared_body or page.declared_body[-1] is not el
            ):
                page.declared_body.append(el)
            continue
        content = el.get("content") or ""
        for attr in ("name", "property", "itemprop"):
            key = el.get(attr)
            if key:
                for one in key.lower().split():
                    page.meta.setdefault(one, []).append(html_lib.unescape(content))
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
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
