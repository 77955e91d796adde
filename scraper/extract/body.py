"""Stage 2: the body. Find the container (the page's own structure first: a site rule, then
``itemprop=articleBody``; else the element under which the most prose sits, scored on Arabic
punctuation and length), then read its lines in order with the chrome left out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scraper.article import Block
from scraper.extract.data import BLOCK_CONTAINS, BLOCK_STARTS, fold
from scraper.extract.dom import BLOCK_TAGS, HEADINGS, Line, element_text, iter_lines, skip_chrome
from scraper.extract.page import Page
from scraper.text import fingerprint_text

# Arabic and Latin sentence punctuation: prose has it, menus and link lists do not.
_PUNCT = re.compile(r"[،؛؟.!?,:;]")
_CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "td", "body", "span", "font", "center"})
MIN_LINE = 25  # characters; shorter lines are labels, not evidence of prose
_PROSE_XPATH = (
    f".//text()[string-length(normalize-space()) >= {MIN_LINE}]"
    "[not(ancestor::a or ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    " or ancestor::*[@hidden] or ancestor::*[@aria-hidden='true'])]"
)


@dataclass(slots=True)
class BodyResult:
    container: Any | None
    lines: list[Line]
    blocks: list[Block]


def _line_score(line: Line) -> float:
    if len(line.text) < MIN_LINE or line.link_density > 0.4:
        return 0.0
    return 1.0 + len(_PUNCT.findall(line.text)) + min(len(line.text) / 80, 4.0)


def find_container(page: Page, rule: Callable[[Any], list[Any]] | None = None) -> Any | None:
    if rule is not None:
        found = rule(page.tree)
        if found:
            return found[0]
    body = page.tree.find("body")
    if body is None:
        return None
    scores: dict[Any, float] = {}
    # text nodes of prose length outside links and scripts: XPath does the walking in C
    for text in body.xpath(_PROSE_XPATH):
        owner = text.getparent()
        if text.is_tail and owner is not None:  # text after <br> or </b> belongs to the enclosing element
            owner = owner.getparent()
        while owner is not None and (owner.tag not in BLOCK_TAGS or owner.tag == "br"):
            owner = owner.getparent()
        if owner is None:
            continue
        score = 1.0 + len(_PUNCT.findall(text)) + min(len(text) / 80, 4.0)
        holder = owner if owner.tag in _CONTAINER_TAGS else owner.getparent()
        if holder is None:
            continue
        scores[holder] = scores.get(holder, 0.0) + score
        parent = holder.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + score / 2
    if not scores:
        return None
    best = max(scores, key=lambda el: scores[el])
    # the page's own declaration wins when it holds a fair share of the prose
    declared = page.tree.xpath(
        "//*[not(self::meta)][contains(@itemprop,'articleBody') or contains(@property,'articleBody')"
        " or contains(@itemprop,'articlebody') or contains(@property,'articlebody')]"
    )
    for el in declared:
        text_len = len(element_text(el))
        if text_len > 200 and text_len >= 0.5 * len(element_text(best)):
            return el
    return best


def is_boilerplate(text: str) -> bool:
    folded = fold(text)
    if any(folded.startswith(p) for p in BLOCK_STARTS if p):
        return True
    return any(p in text for p in BLOCK_CONTAINS)


def extract_body(
    page: Page,
    title: str | None,
    rule: Callable[[Any], list[Any]] | None = None,
    exclude: Callable[[Any], bool] | None = None,
) -> BodyResult:
    container = find_container(page, rule)
    if container is None:
        return BodyResult(None, [], [])

    def skip(el: Any) -> bool:
        return skip_chrome(el) or (exclude is not None and exclude(el))

    lines = iter_lines(container, skip)
    title_key = fingerprint_text(title) if title else None
    blocks: list[Block] = []
    for line in lines:
        text = line.text
        if line.link_density > 0.5 and len(text) < 200:
            continue
        if title_key and fingerprint_text(text) == title_key:
            continue
        if is_boilerplate(text):
            continue
        kind = "heading" if line.heading or line.owner.tag in HEADINGS else "paragraph"
        blocks.append(Block(kind, text))
    while blocks and blocks[-1].kind == "heading":  # a trailing heading labels what was cut
        blocks.pop()
    return BodyResult(container, lines, blocks)
