"""Stage 4: the agencies and outlets credited for the text, mapped to canonical names through
scraper/data/agencies.yaml.

A name counts only where a credit is printed, never because it occurs in a sentence:

- a dateline opening the first paragraph: ``القاهرة (رويترز) -``, ``دمشق، سوريا (CNN) --``,
  ``القاهرة - أ ش أ:``, several agencies in one bracket ``(رويترز، أ ف ب)``; or printed on its
  own line just above the text (``الرياض - واس``);
- a bracketed tail of the last paragraph: ``... --(بترا)``, ``... (أ ف ب).``;
- a closing line after the text: ``المصدر: وكالات``, ``المصادر: العربي - رويترز``, a label alone with
  the names on the next line, or a line that is only agency names (``وكالات``, ``(رويترز)``);
- a declared ``source`` (meta or JSON-LD ``sourceOrganization``).

In the dateline and the tail every name must be in the table; in a labelled closing line any
name-shaped phrase counts. A place beside an agency in one bracket (``(الكويت - القبس)``) is
dropped: the outlet's own desk credits the outlet."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scraper.article import SourceCredit
from scraper.extract.data import SOURCE_LABEL_PATTERN, agency_for
from scraper.text import clean_text

_LABEL = re.compile(rf"^(?:{SOURCE_LABEL_PATTERN})\s*[:：]\s*(.*)$", re.I)
# between two names of one credit: "رويترز، أ ف ب", "رويترز - أ ف ب", "سانا + RT", "العربي ورويترز"
_SPLIT = re.compile(r"\s+[-–—+/|]\s+|\s*[،,+&/|]\s*|\s+و(?=\S)|\s+[-–—]|[-–—]\s+")
_QUOTES = " .:()[]\"'«»“”„‘’"
_DASH = r"(?:--|-|–|—|:)"
# "<place> (<credit>) -" within the first few words of the first paragraph
_DATELINE_BRACKET = re.compile(rf"^[^()\n.؟?!]{{0,60}}?\(\s*([^()]{{1,60}}?)\s*\)\s*{_DASH}")
# "<place> - <credit>:" / "<place> - <credit> -"
_DATELINE_DASH = re.compile(r"^[^()\n.؟?!\-–—:]{2,40}?\s+[-–—]\s*([^()\n:\-–—]{1,40}?)\s*(?:--|-|–|—|:)")
# a bracket closing the last paragraph, after a dash or the sentence's end
_TAIL_BRACKET = re.compile(r"(?:--|-|–|—)?\s*\(\s*([^()]{1,60}?)\s*\)\s*[.،]?\s*$")
# a closing line that is only a credit: "وكالات", "-- (بترا)", "(رويترز - أ ف ب)"
_STANDALONE = re.compile(r"^(?:--|-|–|—)?\s*(\(?)\s*([^()]{1,60}?)\s*\)?\s*\.?$")


def _parts(value: str) -> list[str]:
    return [p.strip(_QUOTES) for p in _SPLIT.split(clean_text(value)) if p.strip(_QUOTES)]


def credit_names(value: str) -> list[str]:
    """``العربي - رويترز`` -> [``العربي``, ``رويترز``]; unknown names are kept when name-like."""
    names = []
    for part in _parts(value):
        if agency_for(part) or (len(part.split()) <= 4 and not re.search(r"\d", part)):
            names.append(part)
    return names


def known_names(value: str, *, place: bool = True) -> list[str] | None:
    """The agency names of a credit, or None when it is not one: every part must be in the table,
    except (``place``, in a bracket) one place beside them (``الكويت - القبس``, the outlet's own
    desk)."""
    parts = _parts(value)
    known = [p for p in parts if agency_for(p)]
    if not known or len(parts) - len(known) > int(place) or len(parts) > 5:
        return None
    if len(parts) > len(known) and len(known) > 1:
        return None  # a stray word among several agencies: not a credit list
    return known


def closing_credit(text: str) -> list[str] | None:
    """Names in a closing source line, [] for a bare label (the names follow on the next line)."""
    match = _LABEL.match(clean_text(text))
    if not match:
        return None
    value = match.group(1)
    if not value:
        return []
    bracket = re.fullmatch(r"\(\s*([^()]+?)\s*\)\s*\.?", value.strip())
    if bracket:
        known = known_names(bracket.group(1))
        if known:
            return known
    return credit_names(value)


def standalone_credit(text: str, *, bracketed_only: bool = False) -> list[str] | None:
    """A line that is nothing but a credit: ``وكالات``, ``(رويترز، أ ف ب)``, ``--(بترا)``.
    ``bracketed_only``: unbracketed, only news agencies count (``رويترز``, ``وكالات``), not an
    outlet whose name is also a word (``الجزيرة``, ``العربية``)."""
    text = clean_text(text)
    if len(text.split()) > 8:
        return None
    match = _STANDALONE.match(text)
    if not match or _LABEL.match(text):
        return None
    bracketed = bool(match.group(1))
    names = known_names(match.group(2), place=bracketed)
    bare = bracketed_only and not (bracketed or text.startswith(("-", "–", "—")))
    if names and bare and not all(_is_agency(n) for n in names):
        return None
    return names


def _is_agency(name: str) -> bool:
    agency = agency_for(name)
    return agency is not None and agency.kind == "agency"


def dateline_credit(first: str) -> list[str]:
    """Agencies in a dateline opening the first paragraph."""
    text = clean_text(first)
    for pattern in (_DATELINE_BRACKET, _DATELINE_DASH):
        match = pattern.match(text)
        if match:
            known = known_names(match.group(1))
            if known:
                return known
    return []


def dateline_line(line: str) -> list[str]:
    """A dateline printed on its own line above the text: ``القاهرة (رويترز)``, ``الرياض - واس``."""
    text = clean_text(line).rstrip(" :-–—")
    if len(text.split()) > 8:
        return []
    match = re.fullmatch(r"[^()\n.؟?!:]{2,40}?\s*\(\s*([^()]{1,60}?)\s*\)", text) or re.fullmatch(
        r"[^()\n.؟?!:\-–—]{2,40}?\s+[-–—]\s*([^()\n:\-–—]{1,40})", text
    )
    if not match:
        return []
    place = text[: match.start(1)].rstrip(" (-–—")
    if any(len(part.split()) > 2 for part in place.split("،")) or place.count("،") > 1:
        return []  # a place is a word or two ("دمشق، سوريا"), not a sentence
    return known_names(match.group(1)) or []


def tail_credit(last: str) -> list[str]:
    """Agencies in a bracket closing the last paragraph (``... --(بترا)``)."""
    match = _TAIL_BRACKET.search(clean_text(last))
    return (known_names(match.group(1)) or []) if match else []


def _credit(name: str) -> SourceCredit:
    agency = agency_for(name)
    return SourceCredit(name=name, canonical=agency.canonical if agency else None)


def extract_sources(
    paragraphs: Sequence[str],
    tail_lines: Sequence[str],
    declared: Sequence[str],
    head_lines: Sequence[str] = (),
) -> list[SourceCredit]:
    """``paragraphs``: the body's paragraphs in order; ``tail_lines``: the lines right after the
    body inside the article (where a closing credit often sits outside the body container), links
    left out; ``declared``: meta/JSON-LD source values; ``head_lines``: the lines between the
    headline and the text (a dateline printed on its own line is the one just above the text)."""
    found: list[str] = []
    for line in head_lines[-2:]:
        found.extend(dateline_line(line))
    for line in head_lines:  # "المصدر: وكالات" printed under the headline
        found.extend(closing_credit(line) or [])
    if paragraphs:
        found.extend(dateline_credit(paragraphs[0]))
        found.extend(tail_credit(paragraphs[-1]))
        found.extend(standalone_credit(paragraphs[-1]) or [])
    last = list(paragraphs[-3:])
    closing = [*last, *tail_lines[:6]]
    for index, line in enumerate(closing):
        names = closing_credit(line)
        if names == [] and index + 1 < len(closing):  # the label alone, the names on the next line
            names = credit_names(closing[index + 1])
        if names is None and index == len(last):  # "(رويترز)", "وكالات" just under the body
            names = standalone_credit(line, bracketed_only=True)
        found.extend(names or [])
    for value in declared:
        found.extend(credit_names(value))
    out: list[SourceCredit] = []
    seen: set[str] = set()
    for name in found:
        credit = _credit(name)
        key = credit.canonical or credit.name
        if key not in seen:
            seen.add(key)
            out.append(credit)
    return out
