"""Spider arguments (``-a name=value`` arrive as strings): validated once, with clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scraper.dates import parse_iso


class SpiderArgumentError(ValueError):
    """A ``-a`` argument has a value the spider cannot use."""


@dataclass(frozen=True, slots=True)
class CrawlArguments:
    max_articles: int = 0  # 0 = no limit
    since: datetime | None = None  # skip sitemap/feed entries last modified before this instant
    deadline: float = 0.0  # close the crawl (reason "deadline") after this many seconds; 0 = none
    until: datetime | None = None  # skip entries published at or after this instant

    @classmethod
    def parse(
        cls,
        *,
        max_articles: str | int | None = None,
        since: str | datetime | None = None,
        deadline: str | float | None = None,
        until: str | datetime | None = None,
        limit: str | int | None = None,
    ) -> CrawlArguments:
        """``limit`` is another name for ``max_articles`` (``-a limit=50``); giving both is an error."""
        if limit not in (None, "") and max_articles not in (None, "", 0, "0"):
            raise SpiderArgumentError("give limit or max_articles, not both (they are the same)")
        count = _parse_count(limit if limit not in (None, "") else max_articles, "limit" if limit else "max_articles")
        start = _parse_moment(since, "since")
        end = _parse_moment(until, "until", end_of_day=True)
        if start is not None and end is not None and end <= start:
            raise SpiderArgumentError(f"until ({until}) must be later than since ({since})")
        return cls(max_articles=count, since=start, until=end, deadline=_parse_seconds(deadline))

    def in_window(self, moment: datetime | None) -> bool:
        """Whether an entry dated ``moment`` belongs to the run; an unknown date always does."""
        if moment is None:
            return True
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if self.since is not None and moment < self.since:
            return False
        return self.until is None or moment < self.until


def _parse_count(value: str | int | None, name: str = "max_articles") -> int:
    if value in (None, ""):
        return 0
    try:
        count = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"{name} must be a whole number, got {value!r}") from None
    if count < 0:
        raise SpiderArgumentError(f"{name} must be 0 (no limit) or more, got {count}")
    return count


def _parse_moment(value: str | datetime | None, name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date or time; a bare day for ``until`` means the end of that day (``until=2024-01-31``
    includes the 31st)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = parse_iso(str(value))
    if moment is None:
        raise SpiderArgumentError(f"{name} must be a date like 2024-01-31, got {value!r}")
    if end_of_day and str(value).strip().replace("-", "").isdigit():
        moment += timedelta(days=1)
    return moment


def _parse_seconds(value: str | float | None) -> float:
    if value in (None, ""):
        return 0.0
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"deadline must be a number of seconds, got {value!r}") from None
    if not seconds >= 0 or seconds == float("inf"):  # NaN fails the comparison
        raise SpiderArgumentError(f"deadline must be 0 (none) or a positive number of seconds, got {value!r}")
    return seconds
