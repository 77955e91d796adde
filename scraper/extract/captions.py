"""Stage 3: captions of the article's own images, each with its photo credit split off and its
image URL.

A caption is text a reader sees beside an image inside the article, found from the image outward,
not from class names (a class word is one weak hint among others):

1. the image's figure: the smallest box around one image that holds only a few short lines
   (``<figure>``, ``div > img + span``, ``div > picture + div.credit + span``); its lines, under or
   over the image, are the caption and the photo credit;
2. for an image standing bare among paragraphs, the block right under it when it is one short
   line that is set apart from a paragraph (not a ``<p>``, set in ``<em>``/``<small>``, a caption
   class word, a credit split off, or the image's alt saying the same);
3. ``<figcaption>`` anywhere in the article, with or without an image.

Never a caption: alt text (not shown), a line that is a link or a heading (the headline of a
related article's thumbnail), anything outside the article scope, in ``nav``/``aside``/``footer``
or hidden. Photo credits (``(رويترز)``, ``تصوير: ...``, ``أرشيف - غيتي``, ``©...``, a Latin-only
line such as ``Reuters / ...``) are recognized by the markers in scraper/data/credits.yaml and
the agency names in agencies.yaml. A caption shown twice (a slider rendered twice, a lightbox
copy) is one caption: captions are keyed by their folded text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from scraper.article import Caption
from scraper.dates import find_dates
from scraper.extract.authors import strip_label
from scraper.extract.data import CAPTION_LABELS, CREDIT_LABELS, CREDIT_WORDS, agency_for, fold
from scraper.extract.dom import HEADINGS, SKIP_TAGS, Line, class_words, is_hidden, iter_lines
from scraper.extract.inline import inline_pieces
from scraper.text import clean_text, fingerprint_text

_TRAILING_PAREN = re.compile(r"\s*[\(\[]([^()\[\]]{1,60})[\)\]]\s*[.،]?\s*$")
_TRAILING_DASHED = re.compile(r"\s+[-–—|/]\s+([^-–—|/]{1,40})$")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCE_END = re.compile(r"[.!؟?:]\s*$")
# a figure box holds the image and at most this much text
# An image box is a few wrappers deep (picture, link, div); each level is checked by reading its
# subtree, so a cap keeps a page of thousands of nested empty wrappers linear, not quadratic.
_FIGURE_CLIMB = 16
_FIGURE_CHARS = 400
_FIGURE_LINES = 4
# a bare image's neighbour counts as its caption only when this short
_LOOSE_CHARS = 160
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "button"})
_EMPHASIS = frozenset({"em", "i", "small", "cite", "b", "strong"})
_CAPTION_WORDS = frozenset({"caption", "legend", "credit", "cap", "figcaption"})
_ICON = re.compile(r"\.(?:svg|gif|ico)(?:$|\?)", re.I)


def _is_credit(text: str) -> bool:
    """A short phrase naming where a picture came from: agency names and credit words."""
    words = fold(text).split()
    if not words or len(words) > 8:
        return False
    if fold(text) in CREDIT_WORDS or agency_for(text):
        return True
    parts = [p for p in re.split(r"\s*[-/،,|+]\s*", text) if p.strip()]
    if parts and all(agency_for(p) or fold(p) in CREDIT_WORDS for p in parts):
        return True
    return bool(parts) and (agency_for(parts[0]) is not None or fold(parts[0]) in CREDIT_WORDS) and len(parts) > 1


def credit_line(text: str, *, latin: bool = True) -> str | None:
    """The credit when a whole line is a photo credit (``صدر الصورة، EPA``, ``©سافن حامد``,
    ``Reuters / Giles Elgood``, ``أرشيف - غيتي``), else None. ``latin``: a short Latin-only line
    counts (beside an Arabic caption it is a photographer's or agency's name)."""
    text = clean_text(text)
    for label in CREDIT_LABELS:
        if _labelled(text, label) or (text.startswith(label) and text[len(label):][:1] == " "):
            return clean_text(text[len(label):].strip(" :،,()-–")) or text
    inner = text.strip("()[] ")
    if _is_credit(inner):
        return inner
    # a Latin-only line beside an Arabic caption: a photographer or agency credit
    if latin and _LATIN.search(text) and not _ARABIC.search(text) and len(text.split()) <= 8:
        return text
    return None


def _labelled(text: str, label: str) -> bool:
    """``label`` opens ``text`` as a label: it ends in punctuation (``صدر الصورة،``, ``©``) or
    a colon or comma follows it; "الصورة رقم ..." does not open with the label "الصورة"."""
    if not text.startswith(label):
        return False
    rest = text[len(label):]
    return not label[-1].isalnum() or not rest or rest.lstrip()[:1] in (":", "،", ",")


def strip_caption_label(text: str) -> str:
    for label in CAPTION_LABELS:
        if _labelled(text, label):
            return text[len(label):].lstrip(" :،,")
    return text


def _credit_label_at(text: str, index: int, label: str) -> bool:
    """A credit label inside a caption: after a separator (`` - تصوير``, ``(تصوير``), or set off
    as a label (``صدر الصورة،``, ``تصوير:``, ``©``); ``أثناء تصوير الحدث`` is a sentence."""
    before = text[:index].rstrip()
    if index > 0 and text[index - 1].isalnum():
        return False
    return before[-1:] in ("-", "–", "—", "|", "/", "(", ".") or _labelled(text[index:], label)


def split_credit(text: str) -> tuple[str, str | None]:
    """``من لقاء ... (أرشيف - غيتي)`` -> (``من لقاء ...``, ``أرشيف - غيتي``)."""
    text = strip_caption_label(clean_text(text))
    for label in CREDIT_LABELS:
        index = text.find(label)
        if index > 0 and _credit_label_at(text, index, label):
            credit = text[index + len(label):].strip(" :،,()")
            return clean_text(text[:index].rstrip(" -–—|/(")), clean_text(credit) or None
    match = _TRAILING_PAREN.search(text)
    if match and _is_credit(match.group(1)):
        return clean_text(text[: match.start()]), clean_text(match.group(1))
    match = _TRAILING_DASHED.search(text)
    if match and _is_credit(match.group(1)):
        return clean_text(text[: match.start()]), clean_text(match.group(1))
    return text, None


def _bounded_text(el: Any, limit: int) -> str | None:
    """The element's visible text, or None once it passes ``limit`` characters (cheap on big
    containers: the walk stops early)."""
    parts: list[str] = []
    size = 0
    stack = [el]
    while stack:
        node = stack.pop()
        if not isinstance(node, etree._Element):
            continue
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag in SKIP_TAGS or (node is not el and is_hidden(node)):
            if node is not el and node.tail and node.tail.strip():
                parts.append(node.tail)
                size += len(node.tail.strip())
            continue
        if node.text and node.text.strip():
            parts.append(node.text)
            size += len(node.text.strip())
        if node is not el and node.tail and node.tail.strip():
            parts.append(node.tail)
            size += len(node.tail.strip())
        if size > limit:
            return None
        stack.extend(reversed(node))
    return clean_text(" ".join(parts))


def _has_text(el: Any) -> bool:
    return _bounded_text(el, 0) is None


def _media(el: Any, limit: int | None = None) -> list[Any]:
    """The pictures under el: a <picture> counts once, an <img> outside one once; the <noscript>
    copy of a lazy image is not another picture. ``limit``: stop once that many are found."""
    inner = {img for holder in el.iter("picture", "noscript") for img in holder.iter("img")}
    found = []
    for node in el.iter("picture", "img"):
        if node.tag == "picture" or node not in inner:
            found.append(node)
            if limit is not None and len(found) >= limit:
                break
    return found


def _up_to(node: Any, top: Any) -> list[Any]:
    out = []
    parent = node.getparent()
    while parent is not None and parent is not top:
        out.append(parent)
        parent = parent.getparent()
    return out


def _image_src(unit: Any) -> str | None:
    imgs = [unit] if unit.tag == "img" else list(unit.iter("img"))
    parent = unit.getparent()
    if parent is not None:  # the <noscript> copy of a lazy picture holds the real file
        imgs += [i for n in parent if getattr(n, "tag", None) == "noscript" for i in n.iter("img")]
    for img in imgs:
        for attr in ("src", "data-src", "data-original", "data-lazy-src"):
            src = (img.get(attr) or "").strip()
            if src and not src.startswith("data:") and not src.endswith("loading.svg"):
                return src
    return None


def _alt(unit: Any) -> str:
    imgs = [unit] if unit.tag == "img" else list(unit.iter("img"))
    return " ".join(filter(None, (i.get("alt") or i.get("title") for i in imgs)))


def _is_icon(unit: Any, src: str | None) -> bool:
    """Logos, buttons and badges: vector/gif files, or declared smaller than a thumbnail."""
    if src and _ICON.search(src):
        return True
    img = unit if unit.tag == "img" else next(unit.iter("img"), None)
    for attr in ("width", "height"):
        value = (img.get(attr) or "") if img is not None else ""
        if value.isdigit() and int(value) < 100:
            return True
    return False


def _excluded(unit: Any, scope: Any, host: str) -> bool:
    """Outside the article's own flow: page chrome, hidden, or an image linking to another site
    (an ad, a "follow us" badge). An image linking within the site (a zoom, a lightbox) stays; a
    teaser's headline is caught by its link text."""
    for node in _up_to(unit, scope.getparent()):
        if node.tag in _CHROME_TAGS or is_hidden(node):
            return True
        if node.tag == "a" and node.get("href"):
            target = urlsplit(node.get("href")).hostname or ""
            if target and host and not (target == host or target.endswith("." + host) or host.endswith("." + target)):
                return True
        if node is scope:
            break
    return is_hidden(unit)


def _figure(unit: Any, scope: Any, walls: dict[Any, bool]) -> Any:
    """The image's own box: climb while the ancestor holds this one picture and little text.
    ``walls``: whether an ancestor stops the climb (it depends on the ancestor alone), shared by
    the page's images, which climb through the same containers."""
    box = unit
    for _ in range(_FIGURE_CLIMB):
        parent = box.getparent()
        if parent is None or parent is scope or box.tag == "figure":
            return box
        wall = walls.get(parent)
        if wall is None:
            wall = walls[parent] = _is_wall(parent)
        if wall:
            return box
        box = parent
    return box


def _is_wall(parent: Any) -> bool:
    """An ancestor that is more than an image's box: a heading, more than a caption's text, a
    paragraph with text (an image floated in it), several pictures, or a heading inside."""
    if parent.tag in HEADINGS or parent.tag == "h1" or _bounded_text(parent, _FIGURE_CHARS) is None:
        return True
    if parent.tag == "p" and _has_text(parent):
        return True
    return len(_media(parent, 2)) > 1 or next(parent.iter("h1", *HEADINGS), None) is not None


def _lines_outside(box: Any, unit: Any) -> list[Line]:
    """The box's visible lines that are not inside the image (nor inside a link around it)."""
    inner = unit
    while inner.getparent() is not None and inner.getparent() is not box and not _has_text(inner.getparent()):
        inner = inner.getparent()
    lines = iter_lines(box, is_hidden)
    return [ln for ln in lines if not (ln.owner is inner or inner in ln.owner.iterancestors())]


def _hinted(el: Any) -> bool:
    """A caption word among the element's class/id words: a weak hint, one of several."""
    return not _CAPTION_WORDS.isdisjoint(class_words(el))


def _loose_caption(unit: Any, box: Any) -> str | None:
    """The short line right under an image standing among paragraphs, when it is set apart."""
    sibling = box.getnext()
    while sibling is not None and (
        not isinstance(sibling.tag, str) or sibling.tag in ("br", "script", "style") or not _has_text(sibling)
    ):
        if box.tail and box.tail.strip():
            return None  # text straight after the image: a paragraph run, not a caption block
        sibling = sibling.getnext()
    if sibling is None or sibling.tag in HEADINGS or sibling.tag in ("h1", "ul", "ol", "table", "a"):
        return None
    if box.tail and box.tail.strip():
        return None
    text = _bounded_text(sibling, _LOOSE_CHARS)
    if not text or len(text.split()) > 30 or _media(sibling):
        return None
    lines = iter_lines(sibling, is_hidden)
    if len(lines) != 1 or lines[0].link_density > 0.3:
        return None
    caption, credit = split_credit(text)
    alt = fold(_alt(unit))
    said_by_alt = bool(alt) and (fold(caption) in alt or alt in fold(caption))
    set_apart = (
        sibling.tag != "p"
        or (len(sibling) == 1 and sibling[0].tag in _EMPHASIS and not (sibling.text or "").strip())
        or _hinted(sibling)
        or credit is not None
        or said_by_alt
    )
    if not set_apart or (credit is None and _SENTENCE_END.search(caption) and not said_by_alt):
        return None
    return text


class _Teaser(Exception):
    """The box is another article's teaser: a picture beside a headline link."""


def _byline_or_stamp(text: str) -> bool:
    """A byline (``كتب سامي خليل``) or a line that is mostly a date or a time is not a caption."""
    if strip_label(text)[1]:
        return True
    printed = sum(len(match.raw) for match in find_dates(text))
    return printed >= 0.6 * len(text)


def _from_figure(unit: Any, box: Any, scope: Any) -> tuple[str, str | None] | None:
    for node in [box, *_up_to(box, scope)]:
        if node.tag == "a" and _ARABIC.search(_bounded_text(node, _FIGURE_CHARS) or ""):
            raise _Teaser  # the whole figure is a link with a headline
    return _from_lines(_lines_outside(box, unit))


def _from_lines(lines: list[Line]) -> tuple[str, str | None] | None:
    """Caption and credit from the lines of a figure box."""
    for line in lines:
        # a linked line in the page's language is a headline: the box is a teaser, not a figure
        # (a Latin-only link label such as "Click to expand" is the image's own zoom link)
        if line.link_density > 0.5 and _ARABIC.search(line.text) and len(line.text.split()) >= 2:
            raise _Teaser
    lines = [ln for ln in lines if ln.link_density <= 0.5 and not ln.heading]
    if not lines or len(lines) > _FIGURE_LINES:
        return None
    texts: list[str] = []
    credit: str | None = None
    for line in lines:
        text = strip_caption_label(line.text)
        if not text:
            continue
        found = credit_line(text)
        if found is not None:
            credit = credit or found
            continue
        # a credit styled apart but glued to the caption ("...الصحفي</span><span>تصوير: ...")
        for piece in inline_pieces(line.owner):
            found = credit_line(piece, latin=False)  # a Latin name ending a caption stays
            if found is not None and piece != text and text.endswith(piece):
                text, credit = clean_text(text[: -len(piece)]), credit or found
        if _byline_or_stamp(text):
            continue  # an author's photo beside the byline, a video's date
        texts.append(text)
    if not texts:
        return None
    caption, inline_credit = split_credit(" ".join(texts))
    return caption, inline_credit or credit


def extract_captions(scope: Any, base_url: str, selector: Any = None) -> list[Caption]:
    """Captions of the images inside ``scope`` (the article), in document order, once each.
    ``selector`` (a site rule) names the caption elements outright."""
    if scope is None:
        return []
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")
    found: list[tuple[str, str | None, str | None]] = []
    if selector is not None:
        for el in selector(scope):
            text, credit = split_credit(clean_text(" ".join(el.itertext())))
            found.append((text, credit, _image_url(el, base_url)))
        return _unique(found)
    covered: set[Any] = set()
    walls: dict[Any, bool] = {}
    for unit in _media(scope):
        src = _image_src(unit)
        if _is_icon(unit, src) or _excluded(unit, scope, host):
            continue
        box = _figure(unit, scope, walls)
        if box in covered:
            continue
        covered.add(box)
        try:
            got = _from_figure(unit, box, scope) if box is not unit else None
        except _Teaser:
            continue
        if got is None and box.tag != "figure":
            loose = _loose_caption(unit, box)
            if loose is not None:
                got = split_credit(loose)
        if got is not None:
            found.append((got[0], got[1], urljoin(base_url, src) if src else None))
    for figcaption in scope.iter("figcaption"):  # a figure without a picture (video, embed)
        figure = figcaption.getparent()
        if figure is None or figure in covered or any(is_hidden(a) for a in [figcaption, *_up_to(figcaption, scope)]):
            continue
        covered.add(figure)
        try:
            box = figure if figure.tag == "figure" else figcaption
            got = _from_lines(iter_lines(box, is_hidden))
        except _Teaser:
            continue
        if got is not None:
            found.append((got[0], got[1], None))
    return _unique(found)


def _image_url(el: Any, base: str) -> str | None:
    node = el
    for _ in range(3):
        if node is None:
            break
        for unit in _media(node):
            src = _image_src(unit)
            if src:
                return urljoin(base, src)
        node = node.getparent()
    return None


def _unique(found: list[tuple[str, str | None, str | None]]) -> list[Caption]:
    out: list[Caption] = []
    seen: set[str] = set()
    for text, credit, url in found:
        key = fingerprint_text(text)
        if len(text.split()) < 2 or not key or key in seen:  # one word is a label ("مشاركة"), not a caption
            continue
        seen.add(key)
        out.append(Caption(text=text, credit=credit, image_url=url))
    return out
