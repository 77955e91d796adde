"""Stage 1: the headline. The visible <h1> that agrees with the metadata (JSON-LD ``headline``,
``og:title``, ``<title>``) wins, because that is what readers see; a logo or site-name <h1> agrees
with nothing. Without a matching <h1>: JSON-LD, then og:title, then <title>, less the site suffix."""

from __future__ import annotations

import re
from typing import Any

from scraper.extract.dom import element_text, is_hidden
from scraper.extract.page import Page, ld_text
from scraper.text import clean_text, fingerprint_text

_SEPARATORS = re.compile(r"\s+[|\-–—:»«•·]+\s+|\s*\|\s*")


def _words(text: str) -> set[str]:
    return set(fingerprint_text(text).split())


def similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb)) * min(len(wa), len(wb)) / max(len(wa), len(wb))


def strip_site_suffix(title: str, names: list[str]) -> str:
    """``Headline - Site`` / ``Site | Headline`` -> ``Headline``: drop an end part that is a site name
    (or short and Latin, like ``CNNArabic.com``)."""
    seps = list(_SEPARATORS.finditer(title))
    if not seps:
        return title
    folded_names = {fingerprint_text(n) for n in names if n}

    def is_site(part: str) -> bool:
        folded = fingerprint_text(part)
        if not folded:
            return True
        latin_short = len(part.split()) <= 3 and not re.search(r"[\u0600-\u06ff]", part)
        return latin_short or any(folded == n or (n and (n in folded or folded in n)) for n in folded_names)

    if is_site(title[seps[-1].end():]):
        return clean_text(title[: seps[-1].start()])
    if is_site(title[: seps[0].start()]):
        return clean_text(title[seps[0].end():])
    return title


def site_names(page: Page, fallback: str | None) -> list[str]:
    names = [page.meta_first("og:site_name"), page.meta_first("application-name"), fallback]
    publisher = page.ld_first("publisher")
    names.append(ld_text(publisher) if publisher else None)
    return [n for n in names if n]


def extract_title(page: Page, names: list[str], selector: Any = None) -> tuple[str | None, Any]:
    """The title text and the element it was read from (None when it came from metadata)."""
    if selector is not None:
        for el in selector(page.tree):
            text = element_text(el)
            if text:
                return text, el
    declared = [
        clean_text(t)
        for t in (
            ld_text(page.ld_first("headline")),
            page.meta_first("og:title"),
            page.meta_first("twitter:title"),
            _title_tag(page),
        )
        if t and clean_text(t)
    ]
    best: tuple[float, str, Any] | None = None
    for h1 in page.tree.iter("h1"):
        if is_hidden(h1):
            continue
        text = element_text(h1)
        if not text:
            continue
        score = max((similarity(text, d) for d in declared), default=0.0)
        if best is None or score > best[0]:
            best = (score, text, h1)
    if best is not None and (best[0] >= 0.5 or not declared):
        return best[1], best[2]
    for text in declared:
        stripped = strip_site_suffix(text, names)
        if stripped:
            return stripped, None
    return None, None


def _title_tag(page: Page) -> str | None:
    el = page.tree.find(".//title")
    return el.text_content() if el is not None else None
