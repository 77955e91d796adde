"""Stage 1: the headline, as the reader sees it.

1. The visible ``<h1>`` that agrees with the metadata (JSON-LD ``headline``, ``og:title``,
   ``<title>``) wins; a logo or site-name ``<h1>`` agrees with nothing.
2. Without one, after the body is found (:func:`visible_headline`): the line block just before
   the body that agrees with the metadata — on older sites a styled paragraph, a ``<b>``/``<font>``
   run or a table cell, often broken by ``<br>`` where ``<title>`` glues the words together.
3. Else the declared titles, less the site-name affix (:func:`strip_site_affix`): an edge part
   between separators (``|``, ``-``, ``—``, ``::``, ``:``, ``«»``) that names this site (og:site_name,
   application-name, the JSON-LD publisher, the declared site, the host name) or is a short Latin
   label on an Arabic headline (``CNNArabic.com``, ``PRESS RELEASES``). No list of known sites.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scraper.extract.dom import Line, element_text, is_hidden
from scraper.extract.page import Page, ld_text
from scraper.text import clean_text, fingerprint_text

# separators between a headline and a site name; ":" and "-" only with spaces around them, so
# "وزارة العمل: تفاصيل" and "1-1" are not split ("::" and "|" need none)
_SEPARATORS = re.compile(r"\s*(?:\||::|»|«)\s*|\s+[\-–—:•·]+\s+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_GENERIC_HOST_LABELS = frozenset({"www", "com", "net", "org", "gov", "edu", "info", "news", "co", "tv", "m"})
_MIN_AGREEMENT = 0.5


@lru_cache(maxsize=512)
def _words(text: str) -> frozenset[str]:
    """Folded words; cached, as each declared title is compared with every candidate."""
    return frozenset(fingerprint_text(text).split())


def similarity(a: str, b: str) -> float:
    """Shared words over the larger word set: 1.0 for the same headline, 0.5 when half agree."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / max(len(wa), len(wb))


def agreement(visible: str, declared: str) -> float:
    """How well a visible headline agrees with a declared title: :func:`similarity`, or 1.0 when
    the visible one holds every word of a declared title of two words or more (a short <title>
    under a long <h1>)."""
    wv, wd = _words(visible), _words(declared)
    if len(wd) >= 2 and wd <= wv:
        return 1.0
    return similarity(visible, declared)


def _host_labels(host: str) -> set[str]:
    labels = {label for label in (host or "").lower().split(".") if label}
    return {label for label in labels if label not in _GENERIC_HOST_LABELS and len(label) >= 3}


def _is_affix(part: str, rest: str, names: Sequence[str], host: str) -> bool:
    folded = fingerprint_text(part)
    if not folded:
        return True
    for name in names:
        name_folded = fingerprint_text(name)
        if name_folded and (folded == name_folded or name_folded in folded or folded in name_folded):
            return True
    compact = re.sub(r"[^a-z0-9]", "", part.lower())
    if compact and any(label in compact for label in _host_labels(host)):
        return True
    # a short Latin label on an Arabic headline: a site or section name, not the story
    return len(part.split()) <= 3 and not _ARABIC.search(part) and bool(_ARABIC.search(rest))


def strip_site_affix(title: str, names: Sequence[str], host: str = "") -> str:
    """``Headline - Site``, ``Site | Section | Headline``, ``Site :: Headline`` -> ``Headline``:
    edge parts that name the site are dropped, from both ends, while a headline is left."""
    title = clean_text(title)
    cuts = [(m.start(), m.end()) for m in _SEPARATORS.finditer(title) if m.start() > 0 and m.end() < len(title)]
    if not cuts:
        return title
    bounds = [0, *[x for cut in cuts for x in cut], len(title)]
    parts = [title[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    seps = [title[a:b] for a, b in cuts]
    while len(parts) > 1:
        if _is_affix(parts[-1], " ".join(parts[:-1]), names, host):
            parts.pop()
            seps.pop()
        elif _is_affix(parts[0], " ".join(parts[1:]), names, host):
            parts.pop(0)
            seps.pop(0)
        else:
            break
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        out += sep + part
    return clean_text(out.strip(" -–—|:«»"))


def site_names(page: Page, fallback: str | None) -> list[str]:
    names = [page.meta_first("og:site_name"), page.meta_first("application-name"), fallback]
    publisher = page.ld_first("publisher")
    names.append(ld_text(publisher) if publisher else None)
    return [n for n in names if n]


def declared_titles(page: Page) -> list[str]:
    """JSON-LD headline, og:title, twitter:title, <title>: as declared, affixes not yet removed."""
    return [
        clean_text(t)
        for t in (
            ld_text(page.ld_first("headline")),
            page.meta_first("og:title"),
            page.meta_first("twitter:title"),
            _title_tag(page),
        )
        if t and clean_text(t)
    ]


def extract_title(page: Page, names: list[str], selector: Any = None) -> tuple[str | None, Any]:
    """The title text and the element it was read from (None when it came from metadata)."""
    if selector is not None:
        for el in selector(page.tree):
            text = element_text(el)
            if text:
                return text, el
    host = urlsplit(page.url).hostname or ""
    declared = declared_titles(page)
    declared += [t for t in (strip_site_affix(d, names, host) for d in declared) if t not in declared]
    best: tuple[float, str, Any] | None = None
    for h1 in page.tree.iter("h1"):
        if is_hidden(h1):
            continue
        text = element_text(h1)
        if not text:
            continue
        score = max((agreement(text, d) for d in declared), default=0.0)
        if best is None or score > best[0]:
            best = (score, text, h1)
    if best is not None and (best[0] >= _MIN_AGREEMENT or not declared):
        return best[1], best[2]
    return metadata_title(page, names), None


def metadata_title(page: Page, names: Sequence[str]) -> str | None:
    host = urlsplit(page.url).hostname or ""
    for text in declared_titles(page):
        stripped = strip_site_affix(text, names, host)
        if stripped:
            return stripped
    return None


def visible_headline(
    page: Page, lines: Sequence[Line], first_body: int, names: Sequence[str], *, reach: int = 25
) -> tuple[str, Any] | None:
    """The element just before the body whose text agrees with the declared title: the visible
    headline of a page without a fitting <h1> (a styled paragraph, a bold run, a table cell).

    Its text is the element's whole text, so a headline broken by <br> is one title again."""
    declared = declared_titles(page)
    if not declared:
        return None
    host = urlsplit(page.url).hostname or ""
    wanted = [strip_site_affix(d, names, host) for d in declared]
    best: tuple[float, str, Any] | None = None
    seen: set[Any] = set()
    for line in reversed(lines[max(0, first_body - reach) : first_body]):
        owner = line.owner
        if owner in seen or line.link_density > 0.5:
            continue
        seen.add(owner)
        text = element_text(owner)
        if not text or len(text) > 300:
            continue
        score = max(agreement(text, w) for w in wanted)
        if score >= _MIN_AGREEMENT and (best is None or score > best[0]):
            best = (score, text, owner)
    return (best[1], best[2]) if best else None


def _title_tag(page: Page) -> str | None:
    el = page.tree.find(".//title")
    return "".join(el.itertext()) if el is not None else None
