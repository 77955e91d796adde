"""The inline pieces of one line of text. A line ends only at block boundaries, so adjacent inline
elements with no space between them run together (``<span>بقلم: سامي خليل</span><time>1 مايو</time>``
reads ``بقلم: سامي خليل1 مايو``). Styled apart on the page, they are separate to a reader: bylines
and photo credits are read from the pieces when the whole line does not make sense."""

from __future__ import annotations

from typing import Any

from lxml import etree

from scraper.extract.dom import BLOCK_TAGS, SKIP_TAGS, is_hidden
from scraper.text import clean_text


def inline_pieces(owner: Any) -> list[str]:
    """The texts of ``owner``'s own text run and of each of its child elements, when the owner is
    one line (no block or ``<br>`` inside) of two or more pieces; else []."""
    pieces: list[str] = [owner.text or ""]
    for child in owner:
        if not isinstance(child, etree._Element) or not isinstance(child.tag, str):
            pieces.append(child.tail or "")
            continue
        if child.tag in BLOCK_TAGS:
            return []
        if child.tag not in SKIP_TAGS and not is_hidden(child):
            if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in child.iterdescendants()):
                return []
            pieces.append(" ".join(child.itertext()))
        pieces.append(child.tail or "")
    found = [clean_text(p) for p in pieces if clean_text(p)]
    return found if len(found) >= 2 else []
