"""Ground-truth files (format: shared/pages/README.md) and the way their strings are compared.

Strings are equal after Unicode NFC, tatweel and zero-width/bidi marks removed and whitespace
collapsed (:func:`scraper.text.clean_text`). A source credited in the truth by any spelling of an
agencies-table row (``رويترز``) matches a stored credit of that row (canonical ``Reuters``): the
table is read here directly, so the measure does not lean on the extractor's own lookup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from scraper.text import clean_text
from scraper.yaml_data import load_yaml

AGENCIES_FILE = resources.files("scraper") / "data" / "agencies.yaml"


@dataclass(slots=True)
class Truth:
    file: Path
    url: str
    article: bool = True  # False: a home, listing, directory or section page that must be rejected
    kind: str | None = None  # of a non-article: home, listing, directory, section
    title: str = ""
    published: str | None = None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM+HH:MM
    authors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    must_include: list[str] = field(default_factory=list)
    must_exclude: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def has_time(self) -> bool:
        return bool(self.published) and "T" in (self.published or "")


class TruthError(ValueError):
    """A truth file that cannot be used; the message names the file and what is wrong."""


def load_truths(folder: Path) -> list[Truth]:
    """Every ``*.json`` with a ``file`` key whose page sits beside it, in name order.

    JSON files of other shapes (no ``file`` key) are not truths and are passed over; a truth file
    that is unreadable or malformed raises :class:`TruthError` rather than silently shrinking
    the evaluation."""
    truths = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise TruthError(f"{path}: not a readable JSON file ({error})") from None
        if not isinstance(data, dict) or "file" not in data:
            continue
        page = folder / str(data["file"])
        if not page.is_file():
            raise TruthError(f"{path}: its page {data['file']!r} is not in {folder}")
        truths.append(_truth(path, page, data))
    return truths


def _truth(path: Path, page: Path, data: dict[str, object]) -> Truth:
    def strings(key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TruthError(f"{path}: {key!r} must be a list of strings")
        return list(value)

    published = data.get("published")
    if published is not None and not isinstance(published, str):
        raise TruthError(f"{path}: 'published' must be a string like 2024-05-13 or 2024-05-13T06:00+03:00")
    return Truth(
        file=page,
        url=str(data.get("url", "")),
        article=data.get("article", True) is not False,
        kind=str(data["kind"]) if data.get("kind") else None,
        title=str(data.get("title", "")),
        published=published,
        authors=strings("authors"),
        sources=strings("sources"),
        captions=strings("captions"),
        must_include=strings("must_include"),
        must_exclude=strings("must_exclude"),
    )


# --- comparing names -----------------------------------------------------------------------


@cache
def _agency_rows() -> dict[str, str]:
    """Every spelling in the agencies table (cleaned) -> its row's canonical name."""
    try:
        rows = load_yaml(AGENCIES_FILE.read_text(encoding="utf-8")) or []
    except OSError:
        return {}
    spellings: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, dict) or not row.get("canonical"):
            continue
        canonical = str(row["canonical"])
        for name in [canonical, *(row.get("names") or [])]:
            spellings.setdefault(clean_text(str(name)), canonical)
    return spellings


def agency_row(name: str) -> str | None:
    """The canonical name of the agencies-table row that lists ``name`` (as printed), if any."""
    return _agency_rows().get(clean_text(name))


def name_matches(want: str, got: str) -> bool:
    """Person names and caption texts: equal after cleaning."""
    return clean_text(want) == clean_text(got)


def source_matches(want: str, got_name: str, got_canonical: str | None) -> bool:
    """A truth source against a stored credit: the printed name, its canonical name, or the same
    agencies-table row by any of its spellings."""
    want_clean = clean_text(want)
    if want_clean in (clean_text(got_name), clean_text(got_canonical or "")):
        return True
    row = agency_row(want)
    return row is not None and row in (got_canonical, agency_row(got_name))
