"""Stage 5: the writers. JSON-LD Person authors, byline elements (class/itemprop author, byline,
writer), and byline lines opening the body (``كتب``, ``كتبت``, ``بقلم``, ``حوار:``): person names
only, without the verb, the city or the role."""

from __future__ import annotations

import re
from typing import Any

from scraper.extract.data import BYLINE_JOIN, BYLINE_LABELS, BYLINE_ROLE_PHRASES, BYLINE_ROLES, agency_for
from scraper.extract.dom import element_text, find_marked, is_hidden
from scraper.extract.page import Page, ld_text
from scraper.text import clean_text, fingerprint_text

_CUT = re.compile(r"\s*[-–—|/(:]\s*|\s*[،,]\s*")
# Where a byline is printed: class words (id too), microdata and rel, ARIA labels.
_BYLINE_WORDS = ("author", "byline", "writeby", "writer")
_BYLINE_ATTRIBUTES = (("itemprop", "author"), ("rel", "author"), ("aria-labelledby", "byline"))
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def strip_label(text: str) -> tuple[str, bool]:
    """Remove a byline verb/label; returns (rest, whether a label was found)."""
    text = clean_text(text)
    for label in BYLINE_LABELS:
        if text.startswith(label):
            rest = text[len(label):]
            if not rest or rest[0] in " :،,-–—":
                return rest.lstrip(" :،,-–—"), True
    return text, False


def person_names(text: str, *, site_names: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Split joined names and keep only what looks like a person's name (1-5 words, no digits,
    not an agency or the site)."""
    names: list[str] = []
    text = clean_text(text)
    for phrase in BYLINE_ROLE_PHRASES:
        text = text.replace(phrase, "،")
    pieces = BYLINE_JOIN.split(text)
    # " و" joins two people only when both sides are full names (2+ words): "محمد وليد" is one man
    if len(pieces) > 1 and any(len(p.split()) < 2 for p in pieces) and "،" not in text and "," not in text:
        pieces = [text]
    for piece in pieces:
        piece = _CUT.split(piece.strip())[0]
        words = []
        for word in piece.split():
            if word in BYLINE_ROLES:
                break
            words.append(word)
        name = " ".join(words).strip(" .")
        if not name or not 1 <= len(words) <= 5 or re.search(r"\d|https?:|www\.|@", name):
            continue
        folded = fingerprint_text(name)
        if agency_for(name) or any(folded == fingerprint_text(s) for s in site_names if s):
            continue
        if name not in names:
            names.append(name)
    return names


def _ld_authors(page: Page, site_names: list[str]) -> list[str]:
    value = page.ld_first("author")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and str(item.get("@type", "Person")) not in ("Person", "['Person']"):
            continue
        text = ld_text(item)
        if text:
            names.extend(n for n in person_names(strip_label(text)[0], site_names=site_names) if n not in names)
    return names


def byline_elements(page: Page, scope: Any) -> list[Any]:
    root = scope if scope is not None else page.tree
    marked = find_marked(root, _BYLINE_WORDS, attributes=_BYLINE_ATTRIBUTES, id_words=())
    return [el for el in marked if not is_hidden(el)]


def extract_authors(
    page: Page, scope: Any, first_lines: list[str], site_names: list[str], selector: Any = None
) -> tuple[list[str], set[str]]:
    """Names, and the byline lines they were read from (to keep out of the body)."""
    used: set[str] = set()
    names = _ld_authors(page, site_names)
    if not names:
        elements = selector(page.tree) if selector is not None else byline_elements(page, scope)
        for el in elements[:4]:
            # an unlabelled text counts only from an element that names a person outright; an
            # "author container" also holds section names and dates
            named = el.get("itemprop") == "author" or el.get("rel") == "author" or "name" in (el.get("class") or "")
            for raw in _byline_texts(el):
                rest, labelled = strip_label(raw)
                if labelled or (named and rest and _ARABIC.search(rest)):
                    found = person_names(rest, site_names=site_names)
                    if found:
                        names.extend(n for n in found if n not in names)
                        used.add(clean_text(raw))
                        break
            if names:
                break
    for line in first_lines[:3]:  # "حوار: آسيا العتروس" opening the body
        rest, labelled = strip_label(line)
        if labelled and len(rest.split()) <= 8:
            found = person_names(rest, site_names=site_names)
            if found:
                used.add(clean_text(line))
                names.extend(n for n in found if n not in names)
    if not names:
        meta = page.meta_first("author", "article:author", "dc.creator", "sailthru.author")
        if meta and not meta.startswith("http"):
            names = person_names(strip_label(meta)[0], site_names=site_names)
    return names, used


def _byline_texts(el: Any) -> list[str]:
    """The element's own text, or for a structured byline (label + name spans) each leaf's text."""
    whole = element_text(el)
    leaves = [element_text(c) for c in el.iter() if len(c) == 0 and c is not el and element_text(c)]
    out = [whole]
    # "Author, كايلا ..." as two spans: pair each label leaf with the next leaf
    for i, leaf in enumerate(leaves[:-1]):
        if strip_label(leaf)[1] and not strip_label(leaf)[0]:
            out.insert(0, leaves[i + 1])
    return out
