"""Stage 5: the writers, as person names only (without the verb, the city or the role).

Evidence, in order; the first that names someone wins:

1. a byline line: a label or verb from scraper/data/bylines.yaml (``كتب``, ``كتبت``, ``بقلم``,
   ``حوار:``, ``إعداد``, ``Author,`` ...) at the START of a short line in the article's head (between
   the headline and the first paragraph), its first paragraphs or its tail, followed by a
   name-shaped phrase: 2-4 words per name, no digits, no sentence words (``على``, ``أن`` ...), not
   ending in a colon unless the verb has a separator (``كتب- أحمد علي:``); or such a byline opening
   a paragraph (``كتب- أحمد علي: قال ...``). ``كتب ترامب على تويتر:`` inside a paragraph is text;
2. JSON-LD ``author`` of @type Person;
3. an element marked as a byline (class/id words, ``itemprop``/``rel`` author);
4. ``<meta name=author>``.

A declared author that is the site itself (og:site_name, the site's title, the host name), an
organization (JSON-LD @type Organization) or an agency or outlet of agencies.yaml is not a person.
``name - city`` gives the name; several names are split on the joiners of bylines.yaml."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scraper.extract.data import (
    BYLINE_JOIN,
    BYLINE_LABELS,
    BYLINE_ROLE_PHRASES,
    BYLINE_ROLES,
    BYLINE_TITLES,
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    agency_for,
    fold,
)
from scraper.extract.dom import element_text, find_marked, is_hidden
from scraper.extract.page import Page, ld_text
from scraper.text import clean_text, fingerprint_text

_CUT = re.compile(r"\s*[-–—|/(:]\s*|\s*[،,]\s*")
# Where a byline is printed: class words (id too), microdata and rel, ARIA labels.
_BYLINE_WORDS = ("author", "byline", "writeby", "writer")
_BYLINE_ATTRIBUTES = (("itemprop", "author"), ("rel", "author"), ("aria-labelledby", "byline"))
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_NOT_A_NAME = re.compile(r"\d|https?:|www\.|@|[.!?؟؛\"«»]\S")
# a byline line is short: a label, one to three names, a role or a city
_LINE_WORDS = 14
_LINE_CHARS = 120
_TLDS = frozenset({"com", "net", "org", "co", "uk", "info", "www"})


_LABEL_SEPARATORS = ":،,-–—/"


def _split_label(text: str) -> tuple[str, bool, bool]:
    """(rest, whether a byline label opens the text, whether a separator follows it: ``كتب- ``,
    ``بقلم: ``, ``كتب/ ``)."""
    text = clean_text(text)
    for label in BYLINE_LABELS:
        if text.startswith(label):
            rest = text[len(label):]
            if not rest or rest[0] in " " + _LABEL_SEPARATORS or not label[-1].isalnum():
                separated = rest.lstrip()[:1] in tuple(_LABEL_SEPARATORS) or not label[-1].isalnum()
                return rest.lstrip(" " + _LABEL_SEPARATORS), True, separated
    return text, False, False


def strip_label(text: str) -> tuple[str, bool]:
    """Remove a byline verb/label opening the text; returns (rest, whether a label was found)."""
    rest, labelled, _ = _split_label(text)
    return rest, labelled


def _cut_roles(text: str) -> str:
    """Cut a role phrase (``Role, بي بي سي نيوز``) out as whole words: a joiner takes its place."""
    for phrase in BYLINE_ROLE_PHRASES:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", "،", text)
    return text


def is_site_or_organization(name: str, site_names: Sequence[str] = (), host: str = "") -> bool:
    """The site itself (its declared names, or only words of its host name) or an agency/outlet."""
    if agency_for(name):
        return True
    folded = fingerprint_text(name)
    if any(folded == fingerprint_text(s) for s in site_names if s):
        return True
    labels = {part for part in host.lower().split(".") if part and part not in _TLDS}
    words = folded.split()
    return bool(words) and bool(labels) and all(w in labels for w in words)


def person_names(
    text: str, *, site_names: Sequence[str] = (), host: str = "", strict: bool = False
) -> list[str]:
    """Split joined names and keep what looks like a person's name. ``strict`` (a byline line read
    from the page's text) wants 2-4 words per name and no sentence words; declared values
    (JSON-LD, meta) may be 1-5 words."""
    names: list[str] = []
    text = _cut_roles(clean_text(text))
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
        # sentence words are matched as printed, not folded: "على" (on) folds to "علي" (a name)
        low, high = (2, 4) if strict else (1, 5)
        if not name or not low <= _elements(words) <= high or _NOT_A_NAME.search(name):
            continue
        if any(clean_text(w).lower() in NOT_NAME_WORDS for w in words):
            continue  # a sentence, a desk or a team
        if strict and not _name_shaped(words):
            continue
        if is_site_or_organization(name, site_names, host):
            continue
        if name not in names:
            names.append(name)
    return names


def _elements(words: list[str]) -> int:
    """Name elements: a particle joins the next word ("عبد الله" is one), a title opening the
    name ("الدكتور") is not one."""
    count = sum(1 for w in words if clean_text(w) not in NAME_PARTICLES)
    return count - (1 if words and fold(words[0]) in BYLINE_TITLES else 0)


def _name_shaped(words: list[str]) -> bool:
    first = fold(words[0])
    # a definite noun opens a sentence ("الحكومة تدرس ..."), not a name, unless it is a title
    return not (first.startswith("ال") and first not in BYLINE_TITLES)


def byline_names(line: str, *, site_names: Sequence[str] = (), host: str = "") -> list[str]:
    """Names in one byline line (``كتبت أسماء نصار``, ``بقلم: سامي خليل - القاهرة``), or []."""
    text = clean_text(line)
    if len(text) > _LINE_CHARS or len(text.split()) > _LINE_WORDS:
        return []
    rest, labelled, separated = _split_label(text)
    # "كتب دونالد ترامب:" introduces a quote; "كتب- أحمد علي:" is a byline (a separator follows the verb)
    if not labelled or not rest or (text.endswith((":", "：")) and not separated):
        return []
    return person_names(rest.rstrip(" :："), site_names=site_names, host=host, strict=True)


def _label_alone(line: str) -> bool:
    rest, labelled = strip_label(line)
    return labelled and not rest


def byline_prefix(paragraph: str, *, site_names: Sequence[str] = (), host: str = "") -> list[str]:
    """Names in a byline printed at the start of a paragraph: ``كتب- أحمد علي: قال الوزير ...``.
    The verb must be followed by a separator and the name by a colon: ``كتب ترامب على تويتر: ...``
    has neither and is a sentence."""
    rest, labelled, separated = _split_label(paragraph)
    if not labelled or not separated or ":" not in rest[:60]:
        return []
    head = rest.split(":", 1)[0]
    if len(head.split()) > 6:
        return []
    return person_names(head, site_names=site_names, host=host, strict=True)


def _ld_authors(page: Page, site_names: Sequence[str], host: str) -> list[str]:
    value = page.ld_first("author")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and str(item.get("@type", "Person")) not in ("Person", "['Person']"):
            continue  # Organization, NewsMediaOrganization, ...: not a person
        text = ld_text(item)
        if text:
            found = person_names(strip_label(text)[0], site_names=site_names, host=host)
            names.extend(n for n in found if n not in names)
    return names


def byline_elements(page: Page, scope: Any) -> list[Any]:
    root = scope if scope is not None else page.tree
    marked = find_marked(root, _BYLINE_WORDS, attributes=_BYLINE_ATTRIBUTES, id_words=())
    return [el for el in marked if not is_hidden(el)]


def _marked_authors(
    page: Page, scope: Any, selector: Any, site_names: Sequence[str], host: str
) -> tuple[list[str], set[str]]:
    names: list[str] = []
    used: set[str] = set()
    elements = selector(page.tree) if selector is not None else byline_elements(page, scope)
    for el in elements[:4]:
        # an unlabelled text counts only from an element that names a person outright; an
        # "author container" also holds section names and dates
        named = el.get("itemprop") == "author" or el.get("rel") == "author" or "name" in (el.get("class") or "")
        for raw in _byline_texts(el):
            rest, labelled = strip_label(raw)
            if labelled or ((named or selector is not None) and rest and _ARABIC.search(rest)):
                found = person_names(rest, site_names=site_names, host=host)
                if found:
                    names.extend(n for n in found if n not in names)
                    used.add(clean_text(raw))
                    break
        if names:
            break
    return names, used


def extract_authors(
    page: Page,
    scope: Any,
    lines: Sequence[str],
    site_names: Sequence[str],
    selector: Any = None,
) -> tuple[list[str], set[str]]:
    """Names, and the byline lines they were read from (to keep out of the body).

    ``lines``: where a byline is printed, in page order: the head (between the headline and the
    first paragraph), the first paragraphs, the last paragraphs and the lines after the body.
    ``selector`` (a site rule) names the byline elements outright."""
    host = urlsplit(page.url).hostname or ""
    names: list[str] = []
    used: set[str] = set()
    if selector is not None:
        names, used = _marked_authors(page, scope, selector, site_names, host)
        if names:
            return names, used
    for index, line in enumerate(lines):
        found = byline_names(line, site_names=site_names, host=host)
        if found:
            used.add(clean_text(line))  # the whole line is the byline: not body text
        elif _label_alone(line) and index + 1 < len(lines):  # "بقلم" over "سامي خليل"
            found = byline_names(f"{clean_text(line)} {lines[index + 1]}", site_names=site_names, host=host)
            if found:
                used.update((clean_text(line), clean_text(lines[index + 1])))
        else:
            found = byline_prefix(line, site_names=site_names, host=host)  # the paragraph stays
        names.extend(n for n in found if n not in names)
    if not names:
        names = _ld_authors(page, site_names, host)
    if not names:
        names, used = _marked_authors(page, scope, None, site_names, host)
    if not names:
        meta = page.meta_first("author", "article:author", "dc.creator", "sailthru.author")
        if meta and not meta.startswith("http"):
            names = person_names(strip_label(meta)[0], site_names=site_names, host=host)
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
