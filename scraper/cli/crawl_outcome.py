"""What ``akhbar crawl`` exits with, so a cron job notices a run that did nothing.

* 0: the run did its work (stored articles, or found nothing new on a site that answered);
* 1: it fetched or stored nothing because of errors (no network, every download failed, the
  database refused the batches, the run was stopped early); the reason is one line at the end;
* 2: a usage error, found before crawling: an unknown site, a site that declares nothing to crawl,
  a ``--replay`` archive that is empty or holds none of the site's discovery URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.cli.common import CliError

if TYPE_CHECKING:
    from scraper.archive import ResponseArchive
    from scraper.sites.base import Site

EXIT_CODES_HELP = """exit status:
  0  the run did its work: articles stored, or nothing new on a site that answered
  1  nothing was fetched or stored because of errors (no network, every download failed,
     the database would not take the articles, the run was stopped early); the last line
     says why
  2  usage error: unknown site, a site that declares nothing to crawl, a --replay archive
     that is empty or holds none of the site's sitemaps, feeds or listings"""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    code: int  # 0 or 1
    reason: str | None = None  # one line when code is 1


def discovery_urls(site: Site) -> tuple[str, ...]:
    return (*site.news_sitemaps, *site.sitemaps, *site.feeds, *site.sections)


def crawlable_problem(site: Site) -> str | None:
    """Why ``site`` cannot be crawled at all, or None."""
    if not discovery_urls(site):
        return (f"site {site.name!r} declares no sitemap, feed or section listing: nothing to crawl; "
                "store its saved pages with `akhbar ingest PATH` instead")
    return None


def open_replay(path: str) -> ResponseArchive:
    """The replay archive at ``path``, or a CliError when it is missing, unreadable or empty."""
    from scraper.archive import ArchiveError, ResponseArchive

    try:
        archive = ResponseArchive.open(path)
    except ArchiveError as error:
        raise CliError(str(error)) from None
    root = Path(path).expanduser()
    empty = len(archive) == 0 and (root.is_file() or not any(p.is_file() for p in root.rglob("*")))
    if empty:
        raise CliError(f"replay archive {root} is empty: it holds no saved pages to crawl")
    return archive


def replay_problem(site: Site, archive: ResponseArchive, path: str) -> str | None:
    """Why crawling ``site`` from ``archive`` would fetch nothing, or None."""
    if any(archive.get(url) is not None for url in discovery_urls(site)):
        return None
    first = discovery_urls(site)[0]
    return (f"replay archive {path} holds none of {site.name}'s sitemaps, feeds or listings "
            f"(e.g. {first}): nothing to crawl from it")


def judge(stats: dict[str, Any], run: dict[str, Any] | None, first_download_failure: str | None) -> RunOutcome:
    """The exit status of one finished crawl from its Scrapy stats and its crawl_run row."""
    reason = stats.get("finish_reason")
    if stats.get("akhbar/store_failed"):
        return RunOutcome(1, f"storing failed: {stats['akhbar/store_failed']}")
    if reason != "finished":
        return RunOutcome(1, f"the run stopped early ({reason})")
    if run is None:
        return RunOutcome(1, "the crawl_run row could not be read: the database may be down")
    if run["articles_stored"] > 0:
        return RunOutcome(0)
    # Pages that answered 200, robots.txt aside (it answers even where nothing else does).
    answered = _count(stats, "downloader/response_status_count/200")
    answered -= _count(stats, "robotstxt/response_status_count/200")
    downloads_failed = int(run.get("download_failures") or 0)
    if answered <= 0 and downloads_failed:
        first = f" (first: {first_download_failure})" if first_download_failure else ""
        return RunOutcome(1, f"nothing fetched: all {downloads_failed} downloads failed{first}")
    if answered <= 0:
        return RunOutcome(1, "nothing fetched: no page answered")
    known = _count(stats, "akhbar/known_skipped")
    judged = int(run.get("failures") or 0) - downloads_failed  # pages fetched that were not articles
    if downloads_failed and not judged and not known:  # the listings answered, every article download failed
        first = f" (first: {first_download_failure})" if first_download_failure else ""
        return RunOutcome(1, f"nothing stored: all {downloads_failed} article downloads failed{first}")
    errors = _count(stats, "log_count/ERROR")
    if errors and not known:
        return RunOutcome(1, f"nothing stored: {errors} errors were logged (see the log above)")
    return RunOutcome(0)


def _count(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def first_download_failure(database_url: str, run_id: object) -> str | None:
    """The reason of the run's first recorded download failure (None when unreadable)."""
    if run_id is None:
        return None
    from sqlalchemy import select

    from models import ExtractionFailure
    from scraper.storage.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(
                select(ExtractionFailure.error)
                .where(ExtractionFailure.crawl_run_id == int(run_id), ExtractionFailure.stage == "download")  # type: ignore[call-overload]
                .order_by(ExtractionFailure.id)
                .limit(1)
            )
    except Exception:  # the database that failed the crawl may still be down
        return None
    finally:
        engine.dispose()
