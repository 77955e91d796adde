"""Arabic folding and light stemming: one function turns a word into its search token.

Index and query share every step (scraper/data/search.yaml), so ``بُوتِين`` and ``بوتين``,
``أوكرانيا`` and ``اوكرانيا``, ``المفاوضات``, ``بالمفاوضات`` and ``مفاوضات`` meet on one token:

1. fold: drop diacritics and tatweel, unify alef/hamza, yaa, taa marbuta, Eastern digits;
2. strip the definite article with its particles (``وال``، ``بال``، ``لل`` ...);
3. Snowball's Arabic stemmer on ``ال`` + the rest. Given a defined noun, Snowball removes the
   article and then only suffixes (``ات``، ``ون``، ``ين``، ``ها`` ...); given a bare word it may
   also eat a first letter it takes for a particle (``بوتين`` -> ``وتين``, ``فرنسا`` -> ``رنس``),
   and it stems ``مفاوضات`` and ``المفاوضات`` differently. Feeding it the defined form makes
   every spelling of a word give the same stem.

One-letter particles on a bare word (``لأوكرانيا``) are not stripped (``بيروت`` starts with one):
:func:`variants` gives a query word's forms with each particle in front instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from typing import Any

import snowballstemmer

from scraper.yaml_data import load_yaml

_DATA: dict[str, Any] = load_yaml(resources.files("scraper.data").joinpath("search.yaml").read_text("utf-8"))
_REMOVED = re.compile(f"[{_DATA['removed']}]")
_LETTERS = str.maketrans({key: value for key, value in _DATA["letters"].items()})
_ARTICLES: tuple[str, ...] = tuple(sorted(_DATA["article_prefixes"], key=len, reverse=True))
_MIN_STEM: int = _DATA["min_stem"]
CLITICS: tuple[str, ...] = tuple(_DATA["clitics"])
_MIN_CLITIC_BASE: int = _DATA["min_clitic_base"]
# A word: letters and digits, with the removed marks inside it (so offsets are the original text's).
# "_" counts as a separator (texts are searched with it replaced by a space, same length): FTS5 splits on it.
_WORD = re.compile(f"[\\w{_DATA['removed']}]+")
_ARABIC = re.compile("[\u0600-\u06ff]")
_STEMMER = snowballstemmer.stemmer("arabic")


def fold(text: str) -> str:
    """Diacritics and tatweel removed, letter variants unified, Latin lower-cased."""
    return _REMOVED.sub("", text).translate(_LETTERS).lower()


@dataclass(frozen=True, slots=True)
class Word:
    start: int  # offsets in the original text
    end: int
    token: str  # the search token; "" for a word that folds to nothing


def words(text: str) -> Iterator[Word]:
    """Every word of ``text`` with its search token."""
    for match in _WORD.finditer(text.replace("_", " ")):
        yield Word(match.start(), match.end(), token(match.group()))


def spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, search token) of every word: :func:`words` as plain tuples, for long texts."""
    cache = _CACHE
    out = []
    for match in _WORD.finditer(text.replace("_", " ")):
        word = match.group()
        found = cache.get(word)
        out.append((match.start(), match.end(), token(word) if found is None else found))
    return out


def word_tokens(text: str) -> list[str]:
    """The search token of every word ("" for one that folds to nothing): :func:`spans` without offsets."""
    cache = _CACHE
    return [cache.get(word) or token(word) for word in _WORD.findall(text.replace("_", " "))]


def word_span(text: str, number: int) -> tuple[int, int]:
    """(start, end) of the ``number``-th word (from 0) of ``text``, as :func:`spans` counts them."""
    return next(islice(_WORD.finditer(text.replace("_", " ")), number, None)).span()


def core(folded: str) -> str:
    """A folded word without the definite article and the particles before it."""
    for prefix in _ARTICLES:
        if folded.startswith(prefix) and len(folded) - len(prefix) >= _MIN_STEM:
            return folded[len(prefix) :]
    return folded


_CACHE: dict[str, str] = {}
_CACHE_MAX = 500_000  # distinct spellings; an archive's vocabulary fits, a flood of junk cannot grow it forever


def token(word: str) -> str:
    """The search token of one word (see the module docstring)."""
    found = _CACHE.get(word)
    if found is None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        found = _CACHE[word] = _token(word)
    return found


def _token(word: str) -> str:
    folded = fold(word)
    if not _ARABIC.search(folded):
        return folded  # Latin names and numbers: folded only
    rest = core(folded)
    stem = _STEMMER.stemWord("ال" + rest)
    # Snowball keeps the article on words it finds too short to stem (مع, ان): then the word is its own stem.
    if not stem or (stem.startswith("ال") and not rest.startswith("ال")):
        return rest
    return stem


def tokens(text: str) -> list[str]:
    """The search tokens of ``text`` in order (what the index holds; :func:`words` without offsets)."""
    cache = _CACHE
    out = []
    for word in _WORD.findall(text.replace("_", " ")):
        found = cache.get(word)
        if found is None:
            found = token(word)
        if found:
            out.append(found)
    return out


def index_text(text: str) -> str:
    """``text`` as space-separated search tokens."""
    return " ".join(tokens(text))


def variants(word: str) -> list[str]:
    """The tokens a query word matches: itself, and itself after each one-letter particle."""
    folded = fold(word)
    if not _ARABIC.search(folded):
        return [folded] if folded else []
    rest = core(folded)
    found = [token(rest)]
    # Two-letter words would collide with too many others (حر + ب = بحر).
    for clitic in CLITICS if len(rest) >= _MIN_CLITIC_BASE else ():
        extra = token(clitic + rest)
        if extra not in found:
            found.append(extra)
    return [t for t in found if t]


def prefix_variants(word: str) -> list[str]:
    """For a prefix search (``مفاوض*``): the folded prefix without the article, and with each particle."""
    folded = fold(word)
    if not _ARABIC.search(folded):
        return [folded] if folded else []
    rest = core(folded)
    return [rest] + [clitic + rest for clitic in CLITICS if len(rest) >= _MIN_CLITIC_BASE]
