"""The language tables the extractor reads (scraper/data/*.yaml), loaded once at import."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from scraper.text import clean_text, fingerprint_text
from scraper.yaml_data import load_yaml

# Through importlib.resources, so the tables also load from the zipped egg scrapyd imports.
_DATA = resources.files("scraper") / "data"


def _load(name: str) -> Any:
    return load_yaml((_DATA / name).read_text(encoding="utf-8"))


def fold(text: str) -> str:
    """The matching form of a phrase: fingerprint folding, so spelling variants compare equal."""
    return fingerprint_text(text)


@dataclass(frozen=True, slots=True)
class Agency:
    canonical: str
    kind: str
    names: tuple[str, ...]


def _agencies() -> tuple[Agency, ...]:
    return tuple(
        Agency(str(row["canonical"]), str(row["kind"]), tuple(clean_text(str(n)) for n in row["names"]))
        for row in _load("agencies.yaml")
    )


AGENCIES = _agencies()
# folded spelling -> agency; "أ.ف.ب" and "أ ف ب" fold to the same key
AGENCY_BY_NAME: dict[str, Agency] = {fold(name): agency for agency in AGENCIES for name in agency.names}


def agency_for(name: str) -> Agency | None:
    return AGENCY_BY_NAME.get(fold(name))


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


# Agency spellings as a regex alternation over cleaned (not folded) text, longest first.
AGENCY_PATTERN = _alternation([name for agency in AGENCIES for name in agency.names])

_boiler = _load("boilerplate.yaml")
BLOCK_STARTS: tuple[str, ...] = (*(fold(str(p)) for p in _boiler["block_starts"] if fold(str(p))), "©")
BLOCK_CONTAINS: tuple[str, ...] = tuple(clean_text(p) for p in _boiler["block_contains"])
# whole words of class/id values (scraper/extract/dom.py class_words splits them)
NEGATIVE_CLASS_WORDS: frozenset[str] = frozenset(str(w).lower() for w in _boiler["class_words"]["negative"])
POSITIVE_CLASS_WORDS: frozenset[str] = frozenset(str(w).lower() for w in _boiler["class_words"]["positive"])

_stop = _load("stopwords_ar.yaml")
STOP_WORDS: frozenset[str] = frozenset(fold(str(w)) for w in _stop["words"] if fold(str(w)))
# longest first, so "وب" is tried before "و"
STOP_PREFIXES: tuple[str, ...] = tuple(sorted((fold(p) for p in _stop["prefixes"]), key=len, reverse=True))


# every listed word with every clitic in front: one set lookup per word of text
_STOP_FORMS: frozenset[str] = STOP_WORDS | frozenset(p + w for p in STOP_PREFIXES for w in STOP_WORDS)


def is_stop_word(word: str) -> bool:
    """``word`` in folded form: a listed function word, bare or behind a clitic (وفي, فإن, بأن)."""
    return word in _STOP_FORMS


def stop_word_count(words: list[str]) -> int:
    return sum(1 for w in words if w in _STOP_FORMS)


_credits = _load("credits.yaml")
CAPTION_LABELS: tuple[str, ...] = tuple(
    sorted((clean_text(p) for p in _credits["caption_labels"]), key=len, reverse=True)
)
CREDIT_LABELS: tuple[str, ...] = tuple(
    sorted((clean_text(p) for p in _credits["credit_labels"]), key=len, reverse=True)
)
CREDIT_WORDS: frozenset[str] = frozenset(fold(w) for w in _credits["credit_words"])
# Labels of a closing "المصدر: ..." credit line, as a regex alternation.
SOURCE_LABEL_PATTERN = _alternation([clean_text(str(p)) for p in _credits["source_labels"]])

_bylines = _load("bylines.yaml")
BYLINE_LABELS: tuple[str, ...] = tuple(
    sorted((clean_text(p) for p in _bylines["labels"]), key=len, reverse=True)
)
BYLINE_ROLES: frozenset[str] = frozenset(clean_text(p) for p in _bylines["roles"])
BYLINE_ROLE_PHRASES: tuple[str, ...] = tuple(p for p in BYLINE_ROLES if " " in p or "," in p)
BYLINE_TITLES: frozenset[str] = frozenset(fold(str(p)) for p in _bylines["titles"])
NAME_PARTICLES: frozenset[str] = frozenset(clean_text(str(p)) for p in _bylines["name_particles"])
NOT_NAME_WORDS: frozenset[str] = frozenset(clean_text(str(p)).lower() for p in _bylines["not_name_words"])


def _joiner(joiner: str) -> str:
    """One joiner from bylines.yaml as a regex: an edge space is ``\\s+``, a bare edge ``\\s*``; a
    joiner with a space before and none after (`` و``) must touch the next word."""
    core = re.escape(joiner.strip())
    before = r"\s+" if joiner.startswith(" ") else r"\s*"
    after = r"\s+" if joiner.endswith(" ") else r"(?=\S)" if joiner.startswith(" ") else r"\s*"
    return before + core + after


BYLINE_JOIN = re.compile("|".join(_joiner(str(j)) for j in _bylines["joiners"]))
