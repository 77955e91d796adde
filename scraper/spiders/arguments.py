"""Spider arguments (``-a name=value`` arrive as strings): validated once, with clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from scraper.dates import parse_iso


class SpiderArgumentError(ValueError):
    """A ``-a`` argument has a value the spider cannot use."""


@dataclass(frozen=True, slots=True)
class CrawlArguments:
    max_articles: int = 0  # 0 = no limit
    since: datetime | None = None  # skip sitemap/feed entries last modified before this instant
    deadline: float = 0.0  # close the crawl (reason "deadline") after this many seconds; 0 = none

    @classmethod
    def parse(
        cls,
        *,
        max_articles: str | int | None = None,
        since: str | datetime | None = None,
        deadline: str | float | None = None,
    ) -> CrawlArguments:
        return cls(max_articles=_parse_count(max_articles), since=_parse_since(since),
                   deadline=_parse_seconds(deadline))  # fmt: skip


def _parse_count(value: str | int | None) -> int:
    if value in (None, ""):
        return 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"max_articles must be a whole number, got {value!r}") from None
    if count < 0:
        raise SpiderArgumentError(f"max_articles must be 0 (no limit) or more, got {count}")
    return count


def _parse_since(value: str | datetime | None) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = parse_iso(str(value))
    if moment is None:
        raise SpiderArgumentError(f"since must be a date like 2024-01-31, got {value!r}")
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
