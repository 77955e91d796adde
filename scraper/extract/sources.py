"""Stage 4: the agencies and outlets credited for the text, mapped to canonical names through
scraper/data/agencies.yaml: a closing ``المصدر:`` / ``المصادر:`` line, a dateline credit
(``دمشق، سوريا (CNN) --``, ``القاهرة - أ ش أ``), a trailing ``--(بترا)``, meta/JSON-LD ``source``.
A sentence that merely mentions ``المصدر`` is not a credit: the label must open its line."""

from __future__ import annotations

import re

from scraper.article import SourceCredit
from scraper.extract.data import AGENCY_PATTERN, SOURCE_LABEL_PATTERN, agency_for
from scraper.text import clean_text

_LABEL = re.compile(rf"^(?:{SOURCE_LABEL_PATTERN})\s*[:：]\s*(.*)$", re.I)
_SPLIT = re.compile(r"\s+[-–—+/]\s+|\s*[،,+&]\s*|\s+و(?=\S)")
# "دمشق، سوريا (CNN) --" and "القاهرة - أ ش أ:" within the first words of the first paragraph
_DATELINE = re.compile(
    rf"^[^()\n.]{{0,50}}?(?:\(\s*({AGENCY_PATTERN})\s*\)\s*(?:--|-|–|—|:)|[-–—]\s*({AGENCY_PATTERN})\s*(?:--|-|–|—|:|\s))"
)
_TRAILING = re.compile(rf"(?:--|-|–|—)?\s*\(\s*({AGENCY_PATTERN})\s*\)\s*\.?\s*$")


def credit_names(value: str) -> list[str]:
    """``العربي - رويترز`` -> [``العربي``, ``رويترز``]; unknown names are kept when name-like."""
    names = []
    for part in _SPLIT.split(clean_text(value)):
        part = part.strip(" .:()")
        if part and (agency_for(part) or len(part.split()) <= 4):
            names.append(part)
    return names


def closing_credit(text: str) -> list[str] | None:
    """Names in a closing source line, [] for a bare label (the names follow on the next line)."""
    match = _LABEL.match(clean_text(text))
    if not match:
        return None
    return credit_names(match.group(1)) if match.group(1) else []


def _credit(name: str) -> SourceCredit:
    agency = agency_for(name)
    return SourceCredit(name=name, canonical=agency.canonical if agency else None)


def extract_sources(paragraphs: list[str], tail_lines: list[str], declared: list[str]) -> list[SourceCredit]:
    """``paragraphs``: the body in order; ``tail_lines``: lines after the body inside the article
    (where a closing credit often sits outside the body container); ``declared``: meta values."""
    found: list[str] = []
    if paragraphs:
        match = _DATELINE.match(paragraphs[0])
        if match:
            found.append(match.group(1) or match.group(2))
        match = _TRAILING.search(paragraphs[-1])
        if match:
            found.append(match.group(1))
    closing = paragraphs[-3:] + tail_lines
    for index, line in enumerate(closing):
        names = closing_credit(line)
        if names is None:
            continue
        if not names and index + 1 < len(closing):
            names = credit_names(closing[index + 1])
        found.extend(names)
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
