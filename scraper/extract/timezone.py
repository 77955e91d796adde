"""The zone a page's wall-clock times are in, when a printed stamp does not name one.

Evidence, strongest first (a zone printed beside the time itself, `بتوقيت القاهرة`, `GMT+3`, or an
ISO value's own offset, always wins, and is read by scraper.dates and stage 6):

1. ``site``      the declared site's newsroom zone (scraper/sites/);
2. ``domain``    the country-code domain (`.eg`, `.com.eg`);
3. ``locale``    the country of ``og:locale`` / ``content-language`` / ``<html lang>`` (`ar_EG`);
4. ``dateline``  an Arab city opening the first paragraph (`القاهرة -`, `بيروت (رويترز) -`);
5. ``unknown``   nothing said: times keep their printed wall clock, with no offset invented.

The tables (country code -> zone, dateline city -> zone) are data: scraper/data/dates/places.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from scraper import dates_data
from scraper.article import ZoneSource
from scraper.extract.page import Page
from scraper.yaml_data import load_yaml

_PLACES = dates_data.DATA_DIR / "places.yaml"


@dataclass(frozen=True, slots=True)
class PageZone:
    name: str | None  # IANA zone, or None when nothing on the page says
    source: ZoneSource


UNKNOWN = PageZone(None, "unknown")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    data = load_yaml(_PLACES.read_text(encoding="utf-8"))  # a Traversable: works from a zipped egg
    countries = {str(code).lower(): zone for code, zone in data["countries"].items()}
    cities = {dates_data.key(dates_data.fold(city)): zone for city, zone in data["dateline_cities"].items()}
    names = dates_data.trie(dates_data.fold(city) for city in data["dateline_cities"])
    # `القاهرة -`, `(بغداد) –`, `دمشق، سوريا (CNN) --`, `بيروت (رويترز) -`, `الرياض: `
    dateline = re.compile(
        rf"\s*\(?\s*(?P<city>{names})(?!\w)\s*\)?(?:\s*,\s*[^\s,()\-:]+(?:\s+[^\s,()\-:]+)?)?"
        r"\s*(?:\([^()]{1,40}\)\s*)?(?:-|:|,)"
    )
    return countries, cities, dateline


def _valid(zone: str | None) -> str | None:
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except Exception:  # a site declaration with a bad zone: treated as undeclared, never a crash
        return None
    return zone


def domain_zone(url: str) -> str | None:
    """The zone of the URL's country-code domain (`.eg`, `.com.eg`), or None."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return _tables()[0].get(host.rsplit(".", 1)[-1]) if "." in host else None


_LOCALE = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})$", re.I)


def locale_zone(page: Page) -> str | None:
    """The zone of the country named by the page's locale (`ar_EG`, `ar-eg`), or None."""
    values = [*page.meta_all("og:locale"), *page.meta_all("content-language")]
    values += [el.get("content") or "" for el in page.tree.xpath("//meta[@http-equiv]")
               if (el.get("http-equiv") or "").lower() == "content-language"]  # fmt: skip
    values.append(page.tree.get("lang") or "")
    countries = _tables()[0]
    for value in values:
        m = _LOCALE.match(value.strip())
        if m and m[1].lower() in countries:
            return countries[m[1].lower()]
    return None


def dateline_zone(first_paragraph: str | None) -> str | None:
    """The zone of a dateline city opening the first paragraph, or None."""
    if not first_paragraph:
        return None
    _, cities, dateline = _tables()
    norm, _ = dates_data.normalize(first_paragraph[:80])
    m = dateline.match(norm)
    return cities.get(dates_data.key(m["city"])) if m else None


def page_zone(site_zone: str | None, url: str, page: Page, first_paragraph: str | None) -> PageZone:
    """The zone for the page's unzoned times, and where it came from (see the module docstring)."""
    for source, find in (
        ("site", lambda: _valid(site_zone)),
        ("domain", lambda: domain_zone(url)),
        ("locale", lambda: locale_zone(page)),
        ("dateline", lambda: dateline_zone(first_paragraph)),
    ):
        zone = find()
        if zone:
            return PageZone(zone, source)  # type: ignore[arg-type]
    return UNKNOWN
