"""Incremental runs: an article URL already stored is not fetched again, except to re-visit
recently published articles on the site's schedule (``Site.revisit_hours``, default 1 h, 6 h and
24 h after publication), because headlines and bodies get edited in the first day. A re-visit
that finds a change adds a revision (the writer's revision hash); one that finds none only marks
the article seen.

A stored URL is due again when one of its re-visit points (publication, or first sight when the
page gave no date, plus each delay) has passed since the article was last seen. Lookups go to the
database in batches (a sitemap's URLs at once) and are cached for the run. ``AKHBAR_INCREMENTAL=0``
fetches every URL again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from models import Article, RawPage
from scraper.storage.engine import make_engine

log = logging.getLogger(__name__)

Decision = Literal["new", "known", "revisit"]
_CHUNK = 500  # URLs in one IN (...) lookup


def due(anchor: datetime, last_seen: datetime, now: datetime, revisit_hours: Iterable[float]) -> bool:
    """Whether a re-visit point ``anchor + h`` passed after ``last_seen`` and by ``now``."""
    return any(last_seen < anchor + timedelta(hours=h) <= now for h in revisit_hours)


class KnownArticles:
    def __init__(
        self,
        database_url: str,
        revisit_hours: Iterable[float],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database_url = database_url
        self.revisit_hours = tuple(revisit_hours)
        self.clock = clock
        self._engine: Engine | None = None
        self._seen: dict[str, tuple[datetime, datetime] | None] = {}  # URL -> (anchor, last seen) or None
        self._broken = False

    def _connect(self) -> Engine | None:
        if self._engine is None and not self._broken:
            self._engine = make_engine(self.database_url)
        return self._engine

    def prefetch(self, urls: Iterable[str]) -> None:
        """Look the URLs up now, in batches, so later decisions need no query."""
        missing = sorted({url for url in urls if url not in self._seen})
        for start in range(0, len(missing), _CHUNK):
            self._lookup(missing[start : start + _CHUNK])

    def _lookup(self, urls: list[str]) -> None:
        engine = self._connect()
        for url in urls:
            self._seen.setdefault(url, None)
        if engine is None or not urls:
            return
        columns = (Article.published_at, Article.first_seen_at, Article.last_seen_at)
        try:
            with engine.connect() as conn:
                # By canonical URL, and by the URL the article was fetched from (its raw page).
                by_canonical = select(Article.canonical_url, *columns).where(Article.canonical_url.in_(urls))
                rows = list(conn.execute(by_canonical))
                rows += conn.execute(
                    select(RawPage.url, *columns)
                    .join(RawPage, Article.raw_page_id == RawPage.id)
                    .where(RawPage.url.in_(urls))
                ).all()
        except SQLAlchemyError as error:  # no schema yet, or a database that is down: fetch everything
            log.warning("incremental lookups off for this run (%s): every URL is fetched", error)
            self._broken = True
            return
        for url, published, first_seen, last_seen in rows:
            anchor = published if published is not None and published <= last_seen else first_seen
            self._seen[url] = (anchor, last_seen)

    def decision(self, url: str) -> Decision:
        if url not in self._seen:
            self._lookup([url])
        seen = self._seen.get(url)
        if seen is None:
            return "new"
        anchor, last_seen = seen
        return "revisit" if due(anchor, last_seen, self.clock(), self.revisit_hours) else "known"

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
