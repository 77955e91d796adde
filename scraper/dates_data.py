"""Language tables and compiled grammar for :mod:`scraper.dates`.

Everything here is built once at import from the YAML files in ``scraper/data/dates/``: the text
normalizer (one ``str.translate`` table) and the regular expressions, whose word lists are compiled
as character tries so a scan costs a few microseconds whatever the number of spellings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from scraper.yaml_data import load_yaml

# Through importlib.resources: a folder on disk, or inside the zipped egg scrapyd imports.
DATA_DIR: Traversable = resources.files("scraper") / "data" / "dates"


def _load(name: str) -> Any:
    return load_yaml((DATA_DIR / name).read_text(encoding="utf-8"))


# --- normalization ---------------------------------------------------------------------------------
# Every mapping is one char -> one char or deletion, so offsets map back to the input cheaply.

_TABLE: dict[int, str | None] = {}
for _cp in [0x0640, 0x061C, 0x00AD, 0xFEFF, 0x0670, *range(0x064B, 0x0660), *range(0x06D6, 0x06EE)]:
    _TABLE[_cp] = None  # tatweel, ALM, soft hyphen, BOM, harakat and Quranic marks
for _cp in [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
    _TABLE[_cp] = None  # zero-width chars, LRM/RLM, bidi embeddings and isolates
for _cp in [0x00A0, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)]:
    _TABLE[_cp] = " "
for _i in range(10):
    _TABLE[0x0660 + _i] = str(_i)  # Eastern Arabic digits
    _TABLE[0x06F0 + _i] = str(_i)  # Persian digits
for _src, _dst in {
    "أإآٱ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian yeh
    "ة": "ه",
    "ک": "ك",
    "،٬": ",",
    "٫": ".",
    "؛": ";",
    "–—‒―−": "-",
    "⁄∕": "/",
}.items():
    for _c in _src:
        _TABLE[ord(_c)] = _dst
for _cp in range(ord("A"), ord("Z") + 1):
    _TABLE[_cp] = chr(_cp + 32)

DELETED = frozenset(chr(k) for k, v in _TABLE.items() if v is None)
MARKS = frozenset(chr(c) for c in [0x0640, 0x0670, *range(0x064B, 0x0660)])  # belong to the letter before
_ELONGATED = re.compile(r"([\u0621-\u064a])\1{2,}")  # ينااااير: no Arabic word has a letter thrice


_DELETED_RE = re.compile("[" + "".join(sorted(DELETED)) + "]")


def normalize(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching. Returns the folded text and, for each input char it dropped
    (usually none), the folded offset where it was, from which :func:`to_input` maps back."""
    norm = text.translate(_TABLE)
    dropped = [m.start() for m in _DELETED_RE.finditer(text)] if len(norm) != len(text) else []
    if _ELONGATED.search(norm):  # rare: collapse ينااااير, recording the collapsed letters too
        gone = set(dropped)
        kept = [i for i in range(len(text)) if i not in gone]
        parts: list[str] = []
        pos = 0
        for m in _ELONGATED.finditer(norm):
            parts.append(norm[pos : m.start() + 1])
            dropped.extend(kept[m.start() + 1 : m.end()])
            pos = m.end()
        parts.append(norm[pos:])
        norm = "".join(parts)
        dropped.sort()
    return norm, [d - k for k, d in enumerate(dropped)]


def to_input(pos: int, dropped: list[int]) -> int:
    """Offset in the input text of the char at ``pos`` of its normalized form."""
    return pos + bisect_right(dropped, pos)


def fold(word: str) -> str:
    """Normalize a table entry the way input text is normalized, with single spaces."""
    return " ".join(normalize(str(word))[0].split())


def key(matched: str) -> str:
    """Lookup key of a matched phrase: folded text without any whitespace."""
    return "".join(matched.split())


def trie(words: Iterable[str]) -> str:
    """Regex alternation of ``words`` (already folded) as a character trie; a space matches ``\\s*``.

    A trie makes the engine test one branch per input char instead of every spelling in turn.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        # `الحادي والعشرين` is also written `الحادي و العشرين`
        for ch in word.replace(" و", " و "):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for ch in sorted(c for c in node if c):
            head = r"\s*" if ch == " " else re.escape(ch)
            branches.append(head + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


# --- tables ----------------------------------------------------------------------------------------

_months = _load("months.yaml")
_labels = _load("labels.yaml")
_zones = _load("zones.yaml")

# key -> (calendar, month)
MONTHS: dict[str, tuple[str, int]] = {}
for _family in _months["gregorian"].values():
    for _name, _num in _family.items():
        MONTHS[key(fold(_name))] = ("gregorian", int(_num))
for _name, _num in _months["hijri"].items():
    MONTHS[key(fold(_name))] = ("hijri", int(_num))
AMBIGUOUS_MONTHS = frozenset(key(fold(w)) for w in _months["ambiguous"])
NAME_MONTHS = frozenset(key(fold(w)) for w in _months["given_names"])
_month_words = {fold(n) for f in _months["gregorian"].values() for n in f} | {fold(n) for n in _months["hijri"]}

ORDINALS: dict[str, int] = {key(fold(w)): int(n) for w, n in _labels["ordinals"].items()}
AMPM: dict[str, str] = {key(fold(w)): v for w, v in _labels["ampm"].items()}
ERAS: dict[str, str] = {key(fold(w)): cal for cal, ws in _labels["eras"].items() for w in ws}
MONTH_SUFFIX: dict[str, str] = {key(fold(w)): v for w, v in _labels["month_suffix"].items()}
LABELS: dict[str, str] = {key(fold(w)): kind for kind in ("published", "updated") for w in _labels[kind]}
_rel = _labels["relative"]
REL_UNITS: dict[str, tuple[str, int | None]] = {key(fold(w)): (u, c) for w, (u, c) in _rel["units"].items()}
REL_EN_UNITS: dict[str, str] = {key(fold(w)): u for w, u in _rel["english_units"].items()}
REL_NUMBERS: dict[str, int] = {key(fold(w)): int(n) for w, n in _rel["numbers"].items()}
REL_WORDS: dict[str, int] = {key(fold(w)): int(n) for w, n in _rel["words"].items()}
ZONE_PHRASES: dict[str, str] = {key(fold(w)): z for w, z in _zones["phrases"].items()}
ZONE_ABBR: dict[str, str] = {key(fold(w)): z for w, z in _zones["abbreviations"].items()}

_ar_numbers = [fold(w) for w in _rel["numbers"] if not fold(w).isascii()]
_en_numbers = [fold(w) for w in _rel["numbers"] if fold(w).isascii()]

# --- grammar (applied to normalized text) ----------------------------------------------------------

_WB = r"(?!\w)"  # end of word; \w covers Arabic letters
MONTH = trie(_month_words)
_ORDINALS = trie(fold(w) for w in _labels["ordinals"])
_ERAS = trie(fold(w) for ws in _labels["eras"].values() for w in ws)
_YEAR_WORD = trie(fold(w) for w in _labels["year_words"])
# A two-digit year after a month name (`7 ديسمبر 21`) only where the number cannot be anything
# else: at the end, before punctuation or before a clock. `7 ديسمبر 21 قتيلا` is a count and
# `7 ديسمبر 21:30` a time. The century is decided in scraper.dates (``_two_digit_year``).
_SHORT_YEAR = r"\d{2}(?![\d:h]|\.\d)(?=\s*(?:\Z|[,;|()/.-]|\d{1,2}[:h]\d{2}))"


def _era(group: str) -> str:
    return rf"(?:\s*(?P<{group}>{_ERAS}){_WB}\.?)?"


# `05/03/2023` (day first), `2023/03/05`, `5.3.2023`, `2023-03-05` (ISO), `1445/09/01 هـ`
_NUMERIC = rf"""(?<![\w/.:+-])
    (?:(?P<ny1>\d{{4}})(?P<ns1>[/.-])(?P<nm1>\d{{1,2}})(?P=ns1)(?P<nd1>\d{{1,2}})
      |(?P<nd2>\d{{1,2}})(?P<ns2>[/.-])(?P<nm2>\d{{1,2}})(?P=ns2)(?P<ny2>\d{{4}}|\d{{2}})
    )(?!\d|[/.-]\d){_era("nera")}"""

# `7 كانون الأول/ديسمبر 2021 م`, `السابع من ديسمبر الجاري`, `غرة رمضان 1445 هـ`
_NAMED = rf"""(?:(?<!\w)(?P<first>{trie(fold(w) for w in _labels["first_day"])})
      |(?<!\w)(?P<ord>{_ORDINALS}){_WB}
      |(?<![\d.:/-])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])
    )
    \s*(?:[-/.]\s*)?(?:(?:من|of)\s+)?(?:شهر\s+)?
    (?P<m1>{MONTH}){_WB}\.?
    (?:\s*(?:[/(-]\s*)?(?P<m2>{MONTH}){_WB}\.?(?:\s*\))?)?
    (?:\s*(?:[,/.-]\s*)?(?:من\s+)?(?:(?:{_YEAR_WORD})\s+)?(?P<year>\d{{4}}(?!\d)|{_SHORT_YEAR}){_era("era")}
      |\s+(?:من\s+)?(?:(?P<yw>{_YEAR_WORD})\s+)?(?P<suffix>{trie(fold(w) for w in _labels["month_suffix"])}){_WB}
    )?"""

# Month first. With a day: `September 19, 2024`, `ديسمبر/كانون الأول 5, 2017` (HRW), `مارس الحادي
# والعشرين 2022` (an ordinal word), year required. Without one: `أيلول 2019`, `ديسمبر/كانون الأول
# 2021`, a month of a year (precision "month"). One branch, so the month names are matched once.
_MONTH_FIRST = rf"""(?<!\w)(?:شهر\s+)?(?P<fm1>{MONTH}){_WB}\.?
    (?:\s*(?:[/(-]\s*)?(?P<fm2>{MONTH}){_WB}\.?(?:\s*\))?)?
    (?:\s*(?:,\s*)?(?:(?P<fday>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)|(?:the\s+)?(?P<ford>{_ORDINALS}){_WB})
        \s*(?:,\s*)?(?:من\s+)?(?:(?:{_YEAR_WORD})\s+)?(?P<fyear>\d{{4}})(?!\d){_era("fera")}
      |\s*(?:[,/.-]\s*)?(?:(?:{_YEAR_WORD})\s+)?(?P<yyear>\d{{4}})(?!\d){_era("yera")}
    )"""

# `منذ ساعتين`, `قبل 3 أيام`, `أمس`, `5 minutes ago`
_RELATIVE = rf"""(?<!\w)(?:
      (?:{trie(fold(w) for w in _rel["prefixes"])})\s+(?:(?:حوالي|نحو)\s+)?
        (?:(?P<rnum>\d{{1,3}}|{trie(_ar_numbers)})\s*)?(?P<unit>{trie(fold(w) for w in _rel["units"])}){_WB}
      |(?P<enum>\d{{1,3}}|{trie(_en_numbers)})\s+(?P<eunit>{trie(fold(w) for w in _rel["english_units"])})\s+ago{_WB}
      |(?P<word>{trie(fold(w) for w in _rel["words"])}){_WB}
    )"""

# One pass over the text finds every date core; the outer group's name (``m.lastgroup``) says which.
# Numeric first: at a digit it either is `5/3/2023` or falls through to `5 مارس`.
CORE = re.compile(
    rf"(?<!\w)(?:(?P<num>{_NUMERIC})|(?P<named>{_NAMED})|(?P<mdy>{_MONTH_FIRST})|(?P<rel>{_RELATIVE}))",
    re.X,
)

# Checked backwards from a core: `الخميس، 7 ديسمبر`, `يوم السابع من`.
WEEKDAY_BEFORE = re.compile(
    rf"""(?<!\w)(?:يوم\s+)?(?:{trie(fold(w) for w in _labels["weekdays"])}){_WB}\.?\s*(?:[,-]\s*)?(?:(?:يوم|the)\s+)?\Z
    |(?:يوم|the)\s+\Z""",
    re.X,
)

_AT = trie(fold(w) for w in _labels["at_words"])
_AMPM = trie(fold(w) for w in _labels["ampm"])
_ZONE_PHRASE = trie(fold(w) for w in _zones["phrases"])
_ZONE = rf"""(?:(?P<z>z){_WB}
    |(?P<off>[+-]\d{{2}}(?::?\d{{2}})?)(?!\d)
    |\s*(?:\(\s*(?:(?P<bgmt>gmt|utc)\s*)?(?P<boff>[+-]\s*\d{{1,2}}(?::?\d{{2}})?)\s*\)
      |(?P<gmt>gmt|utc)(?:\s*(?P<goff>[+-]\s*\d{{1,2}}(?::?\d{{2}})?))?(?![\w\d])
      |(?P<off2>[+-]\d{{2}}:?\d{{2}})(?!\d)
      |\(?\s*(?:ب?توقيت\s+)(?P<zp>{_ZONE_PHRASE}){_WB}\s*\)?
      |\(\s*(?P<zp2>{_ZONE_PHRASE})\s*\)
      |\(?(?P<zab>{trie(fold(w) for w in _zones["abbreviations"])})(?![\w\d])\)?
    ))"""
TIME = rf"""(?:(?P<at>{_AT}){_WB}\s*)?
    (?<![\d:])(?P<h>\d{{1,2}})(?:[:h](?P<mi>\d{{2}})(?::(?P<s>\d{{2}})(?:[.,]\d+)?)?)?(?![\d:])
    (?:\s*(?P<ampm>{_AMPM}){_WB})?(?:{_ZONE})?"""
_LABELS = trie(fold(w) for k in ("published", "updated") for w in _labels[k])
# `19 سبتمبر ,2024: 10:36 ص` (Al Arabiya); `28 آب 2013، آخر تحديث 14:00` (CNN: the time is the
# update's, on that day, and the label after the date makes the whole stamp an update)
_GAP = rf"(?:t|[\s,|;•·/:-]*(?:(?P<glabel>{_LABELS}){_WB}[\s:-]*)?(?:(?:في|على)\s+)?)"
TIME_AFTER = re.compile(_GAP + TIME, re.X)
TIME_BEFORE = re.compile(TIME + r"[\s,|;•·/-]*\Z", re.X)

LABEL = re.compile(rf"(?<!\w)(?:{_LABELS}){_WB}")
