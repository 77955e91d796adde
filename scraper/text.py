"""Arabic text normalization: one form for everything the project stores.

``clean_text`` is what stored text goes through: NFC, no tatweel, no zero-width or bidi
control characters, whitespace collapsed; diacritics and Eastern Arabic digits stay as
published. ``fingerprint_text`` is much harsher and only ever feeds hashes and matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TATWEEL = "\u0640"
# zero-width and bidi controls: ZWSP ZWNJ ZWJ LRM RLM, LRE..RLO, LRI..PDI, ALM, BOM, soft hyphen
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"
# A regex, not str.translate: translate with a deletion table is ~20x slower on Arabic text.
_DROP = re.compile(f"[{TATWEEL}{_INVISIBLE}]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_SPACES = re.compile(r" *\n *")
_BLANK_RUNS = re.compile(r"\n{3,}")

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
# Folding with one str.replace per letter (each a C scan) and a digit table only when a digit is
# there: str.translate with a dict table costs ~60 ns per Arabic character, 5x the whole fold.
_FOLD_LETTERS = (
    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"),
    ("ى", "ي"), ("ئ", "ي"), ("ؤ", "و"), ("ة", "ه"),
)  # fmt: skip
_FOLD_DIGITS = str.maketrans(
    {
        "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
        "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
        "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4",
        "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    }
)
_EASTERN_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_WORD = re.compile(r"\w+")


# The extractor cleans the same line in several stages (body, bylines, credits, dates): a small
# cache in C answers a repeat with the string's cached hash. Long texts are cleaned, not kept.
# The extractor empties the caches per page (forget_repeats): a page's repeats are what they are for.
_CACHED_CHARS = 4000


def clean_text(text: str) -> str:
    """Normalize one line of stored text: NFC, invisible marks out, one space between words."""
    if len(text) > _CACHED_CHARS:
        return _clean(text)
    return _clean_cached(text)


def _clean(text: str) -> str:
    # str.split() with no argument splits on every Unicode space (NBSP, thin spaces, newlines).
    return " ".join(_DROP.sub("", unicodedata.normalize("NFC", text)).split())


_clean_cached = lru_cache(maxsize=4096)(_clean)


def clean_multiline(text: str) -> str:
    """Like :func:`clean_text` but keeps paragraph breaks (at most one blank line)."""
    text = _DROP.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SPACES.sub("\n", _SPACES.sub(" ", text))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def fingerprint_words(text: str) -> list[str]:
    """The words of :func:`fingerprint_text`, as a list (what shingling wants)."""
    text = _DIACRITICS.sub("", clean_text(text))
    for variant, base in _FOLD_LETTERS:
        text = text.replace(variant, base)
    if _EASTERN_DIGIT.search(text):
        text = text.translate(_FOLD_DIGITS)
    words: list[str] = []
    # clean_text left single spaces between tokens. A token that is all word characters is a
    # word as is (isalnum is the test \w makes, plus "_"); only the others go through the regex,
    # which costs ~30 ns a character on Arabic.
    for token in text.lower().split(" "):
        if token.isalnum():
            words.append(token)
        else:
            words.extend(_WORD.findall(token))
    return words


def fingerprint_text(text: str) -> str:
    """Fold spelling variants for matching and near-duplicate hashing only; never stored.

    Hamza forms to bare alef/waw/ya, alef maqsura to ya, taa marbuta to ha, diacritics and
    tatweel removed, Eastern Arabic and Persian digits to ASCII, punctuation to spaces.
    """
    if len(text) > _CACHED_CHARS:
        return _fingerprint(text)
    return _fingerprint_cached(text)


def _fingerprint(text: str) -> str:
    return " ".join(fingerprint_words(text))


_fingerprint_cached = lru_cache(maxsize=4096)(_fingerprint)


def forget_repeats() -> None:
    """Empty the clean/fingerprint caches (the extractor calls it once per page)."""
    _clean_cached.cache_clear()
    _fingerprint_cached.cache_clear()
