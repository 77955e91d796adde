"""The article's head and tail: where bylines, dates, datelines and closing credits are printed.

Found by where they sit, not by class names. The page is one list of visible lines in reading
order (``BodyResult.lines`` from the body stage, or :func:`page_lines`, the same cut); the
headline is one of them (``BodyResult.headline``) and the body is a run of them
(``BodyResult.indices``). Then:

- the **head** is the lines after the headline and before the first body paragraph (a byline, a
  dateline, a date, a lead-image caption). A header clock or a ticker sits *before* the headline and
  a sidebar sits outside the article, so neither is in it.
- the **tail** is the lines right after the last body paragraph while they are still inside the
  article element (a closing credit, ``المصدر: رويترز``, an update stamp). It stops at a sub-heading
  or a run of links: that is where a related-articles list or a tag cloud begins.

Both lists are in document order, so the line nearest the headline is first in the head, and the
line nearest the body is first in the tail. Each line carries its block element (``line.owner``),
its link share (``line.link_density``) and whether it sits in a heading (``line.heading``)::

    result = extract_body(page, title, title_el=h1)
    regions = find_regions(result.lines, result.headline, result.indices[0], result.indices[-1], scope)
    for line in regions.head:  # lines between the headline and the body, inside ``scope``
        ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scraper.extract.dom import BLOCK_TAGS, SKIP_TAGS, Line, is_hidden, iter_lines, skip_hidden
from scraper.text import clean_text

HEAD_LIMIT = 12  # lines: a head longer than this is not a byline area but more page
TAIL_LIMIT = 8
_LINK_RUN = 3  # consecutive link lines: a list of links (related articles, tags) has begun


@dataclass(frozen=True, slots=True)
class Regions:
    head: list[Line] = field(default_factory=list)
    tail: list[Line] = field(default_factory=list)


def page_lines(root: Any) -> list[Line]:
    """Every visible line under ``root`` (normally ``<body>``) in reading order, exactly as the body
    stage cuts them (``BodyResult.lines``), so indices from either point at the same lines. Texts
    are whitespace-collapsed only; :func:`find_regions` returns its lines cleaned."""
    return iter_lines(root, skip_hidden, clean=False)


def scope_lines(lines: Sequence[Line], scope: Any, root: Any) -> list[Line] | None:
    """The lines ``iter_lines(scope, skip_hidden)`` gives (cleaned), cut from ``lines``, the page's
    lines under ``root`` from :func:`page_lines` (hidden elements skipped, nothing else), without
    walking the tree again; None when the cut could differ from a walk of ``scope``.

    A block element's lines are one run of the page's lines, with the same texts and owners: the
    page walk ends a line where the block starts and where it ends. That holds unless ``scope`` is
    inline, or is left out of the page walk (hidden, in a skipped element), or sits inside a link
    (the page walk counts its text as link text)."""
    if scope is not root:
        if scope.tag not in BLOCK_TAGS:
            return None
        node = scope
        while node is not root:
            if node is None or node.tag in SKIP_TAGS or node.tag == "a" or is_hidden(node):
                return None
            node = node.getparent()
    start = end = len(lines)
    if scope is root:
        start = 0
    else:
        memo: dict[Any, bool] = {}
        for index, line in enumerate(lines):
            inside = _inside_memo(line.owner, scope, memo)
            if inside and start == len(lines):
                start = index
            elif not inside and start < len(lines):
                end = index
                break
    out: list[Line] = []
    for line in lines[start:end]:
        text = clean_text(line.text)
        if not text:
            continue  # a walk with cleaning drops a line that cleans to nothing
        if len(text) > len(line.text):
            return None  # NFC lengthened it: its link share, capped by its length, may differ
        out.append(Line(text, line.owner, min(line.link_chars, len(text)), line.heading))
    return out


def _inside_memo(el: Any, scope: Any, memo: dict[Any, bool]) -> bool:
    """Whether ``el`` is ``scope`` or inside it, remembered for every element on the way up."""
    chain = []
    node = el
    found = False
    while node is not None:
        known = memo.get(node)
        if known is not None:
            found = known
            break
        chain.append(node)
        if node is scope:
            found = True
            break
        node = node.getparent()
    for item in chain:
        memo[item] = found
    return found


def _inside(el: Any, scope: Any | None) -> bool:
    if scope is None:
        return True
    node = el
    while node is not None:
        if node is scope:
            return True
        node = node.getparent()
    return False


def _is_heading(line: Line) -> bool:
    return line.heading or line.owner.tag == "h1"


def _is_link_line(line: Line) -> bool:
    return line.link_density > 0.5


def find_regions(
    lines: Sequence[Line],
    headline: int | None,
    first_body: int | None,
    last_body: int | None,
    scope: Any | None = None,
    *,
    head_limit: int = HEAD_LIMIT,
    tail_limit: int = TAIL_LIMIT,
) -> Regions:
    """The head and tail of an article in ``lines`` (from :func:`page_lines`).

    ``headline``: index of the headline's line (its last line if it wraps), or None when the title
    came from metadata; ``first_body`` / ``last_body``: indices of the first and last body lines;
    ``scope``: the article element (lines outside it are never head or tail), or None.

    Without a headline line the head is the lines just before the body, back to the nearest
    sub-heading, link run or line outside the scope, at most ``head_limit`` of them.
    """
    if first_body is None or last_body is None or not lines:
        return Regions()
    if headline is not None and headline < first_body:
        head = [ln for ln in lines[headline + 1 : first_body] if _inside(ln.owner, scope)]
        head = head[:head_limit]
    else:
        head = []
        for line in reversed(lines[max(0, first_body - head_limit) : first_body]):
            if _is_heading(line) or _is_link_line(line) or not _inside(line.owner, scope):
                break
            head.insert(0, line)
    tail: list[Line] = []
    run = 0
    for line in lines[last_body + 1 :]:
        if len(tail) >= tail_limit or not _inside(line.owner, scope) or _is_heading(line):
            break
        run = run + 1 if _is_link_line(line) else 0
        if run >= _LINK_RUN:
            del tail[len(tail) - (run - 1) :]
            break
        tail.append(line)
    return Regions([_clean(ln) for ln in head], [_clean(ln) for ln in tail])


def _clean(line: Line) -> Line:
    return Line(clean_text(line.text), line.owner, line.link_chars, line.heading)


def line_index(lines: Sequence[Line], element: Any, *, last: bool = False) -> int | None:
    """Index of the first (or ``last``) line whose block element is ``element`` or inside it."""
    if element is None:
        return None
    found = None
    for index, line in enumerate(lines):
        if _inside(line.owner, element):
            if not last:
                return index
            found = index
    return found
