"""Search filters: what a user types (``--source "فرانس برس"``, ``--from 1443-05-01h``) and the SQL
conditions it becomes.

- source: an agency's canonical name or any spelling in scraper/data/agencies.yaml finds every
  article credited to that agency, however the page printed it;
- country: a code, name or region of scraper/data/countries.yaml, through the sites' newsroom zones;
- author, section, tag: Arabic-folded, so ``اسامة`` finds ``أسامة``; a part of the name is enough;
- dates: ``YYYY-MM-DD`` (Gregorian) or ``YYYY-MM-DDh`` (Hijri, Umm al-Qura), a whole day in the
  site's own time zone, or an ISO 8601 time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from hijridate import Hijri
from sqlalchemy import Connection, and_, false, func, or_, select

from models import Article, ArticleRevision, Author, Caption, Site, SourceAttribution, Tag
from scraper.dates import parse_iso
from scraper.extract.data import AGENCIES, agency_for
from scraper.query.arabic import fold
from scraper.sites.registry import SITES
from scraper.yaml_data import load_yaml

_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*([hH]|هـ)?\s*$")
SORTS = ("relevance", "newest", "oldest")


class FilterError(ValueError):
    """A filter value that cannot be read: the message says what to write instead."""


@dataclass(frozen=True, slots=True)
class Bound:
    """A date bound: a whole day (taken in each site's time zone) or an exact instant."""

    day: date | None = None
    instant: datetime | None = None

    def at(self, zone: str | None, *, end: bool) -> datetime:
        if self.instant is not None:
            return self.instant
        assert self.day is not None
        day = self.day + timedelta(days=1) if end else self.day
        return datetime.combine(day, time(), ZoneInfo(zone) if zone else UTC).astimezone(UTC)


@dataclass(slots=True)
class Filters:
    sites: list[str] = field(default_factory=list)
    country: str | None = None
    source: str | None = None
    author: str | None = None
    section: str | None = None
    tag: str | None = None
    language: str | None = None
    date_from: Bound | None = None  # inclusive
    date_to: Bound | None = None  # a day: inclusive; an instant: exclusive
    has_caption: bool | None = None
    updated_after: Bound | None = None

    def describe(self) -> dict[str, Any]:
        """The filters that are set, for cursors and output headers."""
        out: dict[str, Any] = {}
        for key in ("sites", "country", "source", "author", "section", "tag", "language", "has_caption"):
            value = getattr(self, key)
            if value not in (None, [], ""):
                out[key] = value
        for key in ("date_from", "date_to", "updated_after"):
            bound = getattr(self, key)
            if bound is not None:
                out[key] = (bound.day or bound.instant).isoformat()  # type: ignore[union-attr]
        return out


def parse_bound(text: str | None, name: str = "date") -> Bound | None:
    """``2021-12-01``, ``1443-05-01h`` (Hijri) or an ISO 8601 time; FilterError otherwise."""
    if text is None or not text.strip():
        return None
    match = _DAY.match(text)
    if match:
        year, month, day = (int(match.group(i)) for i in (1, 2, 3))
        try:
            if match.group(4):
                return Bound(day=Hijri(year, month, day).to_gregorian())
            return Bound(day=date(year, month, day))
        except (ValueError, OverflowError) as error:
            calendar = "Hijri" if match.group(4) else "Gregorian"
            raise FilterError(f"{name} {text.strip()!r} is not a {calendar} date ({error})") from None
    instant = parse_iso(text)
    if instant is None:
        raise FilterError(
            f"{name} {text.strip()!r} is not a date: write 2021-12-01, 1443-05-01h (Hijri) or an ISO 8601 time"
        )
    return Bound(instant=instant.astimezone(UTC))


@cache
def _countries() -> dict[str, Any]:
    return load_yaml(resources.files("scraper.data").joinpath("countries.yaml").read_text("utf-8"))


def country_codes(value: str) -> set[str]:
    """ISO codes a country filter names (a code, a name, or a region)."""
    data = _countries()
    wanted = fold(value.strip())
    for code, country in data["countries"].items():
        if wanted == code.lower() or wanted in {fold(n) for n in country["names"]}:
            return {code}
    for key, region in data["regions"].items():
        if wanted == key or wanted in {fold(n) for n in region["names"]}:
            return set(region["countries"])
    known = ", ".join(sorted(data["countries"])) + ", " + ", ".join(sorted(data["regions"]))
    raise FilterError(f"unknown country {value!r}: use a code, a name or a region ({known})")


def sites_in(codes: set[str]) -> list[str]:
    zones = {zone for code in codes for zone in _countries()["countries"][code]["zones"]}
    return sorted(name for name, site in SITES.items() if site.timezone in zones)


def site_zone(name: str) -> str | None:
    site = SITES.get(name)
    return site.timezone if site else None


def agency_spellings(value: str) -> tuple[str | None, set[str]]:
    """(canonical name, every spelling) of the agency ``value`` names; (None, {value}) if unknown."""
    agency = agency_for(value)
    if agency is None:
        wanted = fold(value)
        agency = next((a for a in AGENCIES if fold(a.canonical) == wanted), None)
    if agency is None:
        return None, {value.strip()}
    return agency.canonical, {agency.canonical, *agency.names}


def _folded_matches(conn: Connection, column: Any, value: str) -> list[str]:
    """The stored values of ``column`` that contain ``value`` once both are folded."""
    wanted = fold(value.strip())
    if not wanted:
        return []
    return [v for (v,) in conn.execute(select(column).distinct()) if v is not None and wanted in fold(v)]


def article_date() -> Any:
    """The date an article is filed under: its publication, or when it was first seen."""
    return func.coalesce(Article.published_at, Article.first_seen_at)


def conditions(conn: Connection, filters: Filters) -> list[Any]:
    """SQL conditions on Article (no join needed) for ``filters``."""
    found: list[Any] = []
    sites = list(filters.sites)
    if filters.country:
        in_country = sites_in(country_codes(filters.country))
        sites = [s for s in sites if s in in_country] if sites else in_country
        if not sites:
            found.append(false())
    if sites:
        # With a date range, the date index is the better start (one site is a large share of the
        # archive); "+ 0" keeps SQLite, which keeps no statistics by default, from choosing site_id's.
        dated = filters.date_from is not None or filters.date_to is not None
        site_id = Article.site_id + 0 if dated else Article.site_id
        found.append(site_id.in_(select(Site.id).where(Site.name.in_(sites))))
    if filters.source:
        canonical, names = agency_spellings(filters.source)
        lowered = sorted({n.lower() for n in names})
        credited = or_(SourceAttribution.name.in_(sorted(names)), func.lower(SourceAttribution.name).in_(lowered))
        if canonical is not None:
            credited = or_(SourceAttribution.canonical == canonical, credited)
        found.append(select(SourceAttribution.id).where(SourceAttribution.article_id == Article.id, credited).exists())
    for value, model in ((filters.author, Author), (filters.tag, Tag)):
        if value:
            names = _folded_matches(conn, model.name, value)
            found.append(select(model.id).where(model.article_id == Article.id, model.name.in_(names)).exists())
    if filters.section:
        found.append(Article.section.in_(_folded_matches(conn, Article.section, filters.section)))
    if filters.language:
        found.append(func.lower(Article.language) == filters.language.strip().lower())
    if filters.has_caption is not None:
        has = select(Caption.id).where(Caption.article_id == Article.id).exists()
        found.append(has if filters.has_caption else ~has)
    for bound, end in ((filters.date_from, False), (filters.date_to, True)):
        if bound is not None:
            found.append(_date_condition(conn, bound, end=end))
    if filters.updated_after is not None:
        since = filters.updated_after.at(None, end=False)
        edited = (
            select(ArticleRevision.id)
            .where(
                ArticleRevision.article_id == Article.id,
                ArticleRevision.first_seen_at >= since,
                ArticleRevision.first_seen_at > Article.first_seen_at,
            )
            .exists()
        )
        found.append(or_(Article.updated_at >= since, edited))
    return found


def _date_condition(conn: Connection, bound: Bound, *, end: bool) -> Any:
    date_ = article_date()

    def compare(value: datetime) -> Any:
        return date_ < value if end else date_ >= value

    if bound.instant is not None:
        return compare(bound.instant)
    # A day starts at midnight in each site's own zone: "2021-12-01" on a Cairo site is Cairo's day.
    # The widest bound comes first, alone, so the date index (ix_article_filed_at) narrows the scan.
    sites = list(conn.execute(select(Site.id, Site.name)))
    zoned = {id_: site_zone(name) for id_, name in sites if site_zone(name)}
    edges = {zone: bound.at(zone, end=end) for zone in {*zoned.values(), None}}
    widest = max(edges.values()) if end else min(edges.values())
    if len(set(edges.values())) == 1:
        return compare(widest)
    parts = [and_(Article.site_id == id_, compare(edges[zone])) for id_, zone in zoned.items()]
    parts.append(and_(Article.site_id.not_in(list(zoned)), compare(edges[None])))
    return and_(compare(widest), or_(*parts))
