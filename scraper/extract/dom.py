"""Walking the tree as a reader sees it: lines of text in order, each with the block element that
holds it, its link share, and whether it sits in a heading. Iterative, so 10,000-deep nesting does
not hit Python's recursion limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from scraper.extract.data import NEGATIVE_CLASS_WORDS, POSITIVE_CLASS_WORDS
from scraper.text import clean_text

BLOCK_TAGS = frozenset(
    [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol", "li",
        "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "thead",
        "tbody", "tfoot", "tr", "td", "th", "figure", "figcaption", "form", "address", "center", "hr",
        "br", "details", "summary", "fieldset", "body", "html", "caption",
    ]
)
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# never text a reader reads as the article
SKIP_TAGS = frozenset(
    [
        "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "option",
        "textarea", "input", "object", "embed", "video", "audio", "canvas", "head", "title", "meta",
        "link", "map", "area", "label",
    ]
)
_HIDDEN_CLASSES = frozenset({"d-none", "hidden", "sr-only", "visually-hidden", "u-hide", "hide", "invisible"})
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_SPLIT = re.compile(r"[\s_\-:./]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NAME_ATTRS = ("class", "id", "role", "data-component", "itemprop")


def is_hidden(el: Any) -> bool:
    """Not shown: ``hidden``, ``aria-hidden``, ``display:none``, or a visibility utility class
    (``d-none``, ``sr-only``, ...). Called for every element: the common cases exit early."""
    keys = el.keys()
    if not keys:
        return False
    if "hidden" in keys or ("aria-hidden" in keys and el.get("aria-hidden") == "true"):
        return True
    if "style" in keys:
        style = el.get("style")
        if "display" in style and _DISPLAY_NONE.search(style):
            return True
    if "class" in keys:
        cls = el.get("class")
        # every hidden class holds one of these: a substring test in C before splitting
        if ("hid" in cls or "none" in cls or "only" in cls or "invis" in cls or "Hid" in cls) and not (
            _HIDDEN_CLASSES.isdisjoint(cls.lower().split())
        ):
            return True
    return False


def name_words(value: str) -> list[str]:
    """The whole words of a class/id value: split on spaces, ``-``, ``_`` and camelCase, so
    ``mostRead share-bar`` gives most, read, share, bar and ``position-relative`` gives no
    ``related``."""
    return [w for w in _SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower()) if w]


def class_words(el: Any) -> list[str]:
    words: list[str] = []
    for attr in _NAME_ATTRS:
        value = el.get(attr)
        if value:
            words.extend(name_words(value))
    return words


def chrome_reason(el: Any) -> str | None:
    """The first negative class/id word of ``el`` (share, related, comment, ...), or None.
    A hint about the element, not a verdict: callers weigh it with other evidence."""
    for word in class_words(el):
        if word in NEGATIVE_CLASS_WORDS:
            return word
    return None


def class_weight(el: Any) -> int:
    """-1 when the element's names hold a negative word (and no positive one), +1 for a positive
    word alone, else 0."""
    words = class_words(el)
    if not words:
        return 0
    negative = any(w in NEGATIVE_CLASS_WORDS for w in words)
    positive = any(w in POSITIVE_CLASS_WORDS for w in words)
    return (positive and not negative) - (negative and not positive)


@dataclass(slots=True)
class Line:
    text: str
    owner: Any  # nearest block element holding the text
    link_chars: int
    heading: bool

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def iter_lines(root: Any, skip: Callable[[Any], bool], *, clean: bool = True) -> list[Line]:
    """Lines of visible text under root in document order; a line ends at every block boundary and
    at every <br>. ``skip(el)`` drops an element's subtree (its tail text still counts).
    ``clean=False`` only collapses whitespace: enough for scoring, and the hot path of the
    extractor. Walks with ``etree.iterwalk`` (no recursion, so 10,000-deep nesting is fine)."""
    lines: list[Line] = []
    parts: list[str] = []
    link_chars = 0
    blocks: list[Any] = [root]
    link_depth = 0
    heading_depth = 0
    skipped = None

    def flush() -> None:
        nonlocal link_chars
        if parts:
            joined = "".join(parts)
            text = clean_text(joined) if clean else " ".join(joined.split())
            if text:
                lines.append(Line(text, blocks[-1], min(link_chars, len(text)), heading_depth > 0))
            parts.clear()
        link_chars = 0

    walker = etree.iterwalk(root, events=("start", "end"))
    next(walker)  # the root's own start: never skipped
    if root.text:
        parts.append(root.text)
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag in SKIP_TAGS or not isinstance(tag, str) or skip(el):
                walker.skip_subtree()
                skipped = el
                continue
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                blocks.append(el)
                if tag in HEADINGS:
                    heading_depth += 1
            elif tag == "a":
                link_depth += 1
            text = el.text
            if text:
                if text.isspace():  # indentation: a word break at most, never a line of its own
                    if parts:
                        parts.append(" ")
                else:
                    parts.append(text)
                    if link_depth:
                        link_chars += len(text.strip())
            continue
        if el is skipped:
            skipped = None
        elif tag in BLOCK_TAGS:
            if parts:
                flush()
            blocks.pop()
            if tag in HEADINGS:
                heading_depth -= 1
        elif tag == "a":
            link_depth -= 1
        if el is root:
            break
        tail = el.tail
        if tail:
            if tail.isspace():
                if parts:
                    parts.append(" ")
            else:
                parts.append(tail)
                if link_depth:
                    link_chars += len(tail.strip())
    flush()
    return lines


def skip_hidden(el: Any) -> bool:
    return is_hidden(el)


def ancestors(el: Any, limit: int = 10_000) -> list[Any]:
    out = []
    node = el.getparent()
    while node is not None and len(out) < limit:
        out.append(node)
        node = node.getparent()
    return out


def common_ancestor(a: Any, b: Any) -> Any:
    chain = [a, *ancestors(a)]  # keep the proxies alive: lxml reuses ids of freed ones
    members = set(chain)
    for node in [b, *ancestors(b)]:
        if node in members:
            return node
    return None


def element_text(el: Any) -> str:
    return clean_text(" ".join(el.itertext()))


def find_marked(
    root: Any,
    words: tuple[str, ...],
    *,
    tags: frozenset[str] = frozenset(),
    attributes: tuple[tuple[str, str], ...] = (),
    id_words: tuple[str, ...] | None = None,
) -> list[Any]:
    """Elements, in document order, whose class (or id) contains one of ``words`` case-insensitively,
    whose tag is in ``tags``, or whose attribute contains a value of ``attributes``.

    One pass in Python: XPath's translate() for case-folding costs ten times more on large pages.
    The ``attributes`` are read by XPath from their attribute nodes first (few elements carry
    them; three ``get`` calls on every element cost more than the rest of the pass).
    """
    found = []
    class_match = _words_pattern(words)
    # no id words: the id is never read
    id_words = words if id_words is None else id_words
    id_match = _words_pattern(id_words) if id_words else None
    carrying = set()
    if attributes:
        wanted: dict[str, list[str]] = {}
        for name, value in attributes:
            wanted.setdefault(name, []).append(value)
        for present in _attribute_nodes(tuple(wanted))(root):
            if any(value in present for value in wanted[present.attrname]):
                carrying.add(present.getparent())
    for el in root.iter(etree.Element):
        if el.tag in tags or (carrying and el in carrying):
            found.append(el)
            continue
        classes = el.get("class")
        if classes and class_match(classes.lower()):
            found.append(el)
            continue
        if id_match is not None:
            ident = el.get("id")
            if ident and id_match(ident.lower()):
                found.append(el)
    return found


_ATTRIBUTE_NODES: dict[tuple[str, ...], Any] = {}


def _attribute_nodes(names: tuple[str, ...]) -> Any:
    """A compiled XPath for the ``names`` attributes at and under an element, in one pass."""
    if names not in _ATTRIBUTE_NODES:
        _ATTRIBUTE_NODES[names] = etree.XPath(" | ".join(f"descendant-or-self::*/@{name}" for name in names))
    return _ATTRIBUTE_NODES[names]


_PATTERNS: dict[tuple[str, ...], Any] = {}


def _words_pattern(words: tuple[str, ...]) -> Any:
    """One regex search for any of ``words`` in a lower-cased value (a generator of ``in`` tests
    per element cost more than the rest of the pass; re.IGNORECASE more still)."""
    if words not in _PATTERNS:
        _PATTERNS[words] = (
            re.compile("|".join(re.escape(w.lower()) for w in words)).search if words else (lambda _: None)
        )
    return _PATTERNS[words]


