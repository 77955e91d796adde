"""Counts of matching articles: per site, per day (UTC), per site and day, per source agency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, literal_column, select

from models import Article as ArticleRow
from models import Site, SourceAttribution
from scraper.query.filters import Filters
from scraper.query.search import ranked
from scraper.query.syntax import parse


@dataclass(slots=True)
class Stats:
    total: int = 0
    per_site: dict[str, int] = field(default_factory=dict)
    per_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" (UTC) -> count, in date order
    per_site_day: dict[str, dict[str, int]] = field(default_factory=dict)
    per_source: dict[str, int] = field(default_factory=dict)  # canonical agency (or as printed) -> count

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_site": self.per_site,
            "per_day": self.per_day,
            "per_site_day": self.per_site_day,
            "per_source": self.per_source,
        }


def _day(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)  # SQLite keeps UTC instants as "YYYY-MM-DD HH:MM:SS"


def stats(conn: Connection, query: str | None = None, filters: Filters | None = None) -> Stats:
    parsed = parse(query) if query and query.strip() else None
    found = ranked(conn, parsed, filters or Filters(), collapse=False, scored=False)
    day = _day(conn, found.c.date).label("day")
    result = Stats()
    rows = conn.execute(
        select(Site.name, day, func.count())
        .select_from(found)
        .join(ArticleRow, ArticleRow.id == found.c.id)
        .join(Site, Site.id == ArticleRow.site_id)
        .group_by(Site.name, literal_column("day"))
        .order_by(literal_column("day"), Site.name)
    ).all()
    for site, when, count in rows:
        result.total += count
        result.per_site[site] = result.per_site.get(site, 0) + count
        result.per_day[when] = result.per_day.get(when, 0) + count
        result.per_site_day.setdefault(site, {})[when] = count
    result.per_site = dict(sorted(result.per_site.items(), key=lambda kv: (-kv[1], kv[0])))
    agency = func.coalesce(SourceAttribution.canonical, SourceAttribution.name)
    for name, count in conn.execute(
        select(agency, func.count(func.distinct(SourceAttribution.article_id)))
        .join(found, found.c.id == SourceAttribution.article_id)
        .group_by(agency)
        .order_by(func.count(func.distinct(SourceAttribution.article_id)).desc(), agency)
    ):
        result.per_source[name] = count
    return result
