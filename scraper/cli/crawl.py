"""``akhbar crawl SITE`` and ``akhbar demo``: run the real spider through the real pipelines."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from scraper.archive import ArchiveError, ResponseArchive
from scraper.cli.common import CliError
from scraper.cli.db import checked_url, database_url
from scraper.sites.registry import SITES, UnknownSiteError, get_site
from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError

DEMO_ARCHIVE = Path(__file__).resolve().parent.parent / "demo" / "archive"


def register(subparsers: argparse._SubParsersAction) -> None:
    crawl = subparsers.add_parser(
        "crawl",
        help="crawl a declared site into the database",
        description="Crawl a declared site (akhbar sites lists them) and store its articles.",
    )
    crawl.add_argument("site", help="the site's name, e.g. alaraby or aljazeera")
    crawl.add_argument("--max-articles", type=int, default=0, help="stop after this many article pages (0: all)")
    crawl.add_argument("--since", default=None, help="skip sitemap/feed entries last modified before this date")
    crawl.add_argument("--replay", default=None, help="answer requests from this saved folder or WARC file")
    crawl.add_argument("--database", default=None, help="SQLAlchemy URL (default: $AKHBAR_DATABASE_URL)")
    crawl.set_defaults(func=run_crawl_command)

    demo = subparsers.add_parser(
        "demo",
        help="crawl the bundled offline archive of alaraby.com and show what was stored",
        description="Crawl the bundled, constructed archive of the seed site with the real spider and "
        "pipelines (no network), then print what was stored.",
    )
    demo.add_argument("--database", default=None, help="SQLAlchemy URL (default: $AKHBAR_DATABASE_URL)")
    demo.set_defaults(func=run_demo_command)


def crawl(
    spider: str | type[Any],
    *,
    settings: dict[str, Any] | None = None,
    spider_args: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one spider to the end in this process and return its Scrapy stats."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    project.setdict(settings or {}, priority="cmdline")
    process = CrawlerProcess(project)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **(spider_args or {}))
    process.start()
    assert crawler.stats is not None
    return dict(crawler.stats.get_stats())


def _spider_for(site: str) -> tuple[str, dict[str, Any]]:
    """A site's own spider when it has one, else the generic ``site`` spider with -a site=NAME."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    if site in SpiderLoader.from_settings(get_project_settings()).list():
        return site, {}
    return "site", {"site": site}


def _settings(args: argparse.Namespace, replay: str | None) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    checked_url(database_url(args))  # a bad URL is one line here, not a traceback from the pipeline
    if os.environ.get("AKHBAR_REDIS_URL"):  # distributed: a Redis that is down is one line too
        from scraper.distributed.addon import redis_problem

        if problem := redis_problem(os.environ["AKHBAR_REDIS_URL"]):
            raise CliError(problem)
    if args.database:
        settings["AKHBAR_DATABASE_URL"] = args.database
    if replay:
        try:
            ResponseArchive.open(replay)
        except ArchiveError as error:
            raise CliError(str(error)) from None
        # Saved pages need no politeness delay.
        settings.update(AKHBAR_REPLAY=replay, DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False)
    return settings


def _committed(stats: dict[str, Any], url: str) -> dict[str, Any] | None:
    """The run's crawl_run row as the database holds it (None when it cannot be read)."""
    from scraper.storage.engine import make_engine
    from scraper.storage.writer import read_crawl_run

    run_id = stats.get("akhbar/crawl_run_id")
    if run_id is None:
        return None
    engine = make_engine(url)
    try:
        return read_crawl_run(engine, int(run_id))
    except Exception:  # the database that failed the crawl may still be down
        return None
    finally:
        engine.dispose()


def print_summary(stats: dict[str, Any], url: str) -> None:
    elapsed = stats.get("elapsed_time_seconds")
    errors = stats.get("log_count/ERROR", 0)
    reason = stats.get("finish_reason", "?")
    timing = f" in {elapsed:.1f} s" if isinstance(elapsed, float) else ""
    run = _committed(stats, url)
    if run is None:
        counts = "stored articles unknown (the database could not be read)"
    else:
        counts = f"{run['articles_stored']} articles stored, {run['failures']} pages dropped"
    print(f"crawl finished ({reason}){timing}: {counts}, {errors} errors")
    if stats.get("akhbar/store_failed"):
        print(f"storing failed: {stats['akhbar/store_failed']}; unstored items are in the spool folder "
              "and are stored by the next crawl or `akhbar ingest`")


def run_crawl_command(args: argparse.Namespace) -> int:
    try:
        get_site(args.site)
    except UnknownSiteError:
        raise CliError(f"no site named {args.site!r}; known sites: {', '.join(sorted(SITES))}") from None
    try:
        CrawlArguments.parse(max_articles=args.max_articles, since=args.since)
    except SpiderArgumentError as error:
        raise CliError(str(error)) from None
    try:  # the settings default, read by the spider when --max-articles is 0
        CrawlArguments.parse(max_articles=os.environ.get("AKHBAR_MAX_ARTICLES"))
    except SpiderArgumentError as error:
        raise CliError(f"environment variable AKHBAR_MAX_ARTICLES: {error}") from None
    spider, spider_args = _spider_for(args.site)
    spider_args.update(max_articles=str(args.max_articles), since=args.since or "")
    stats = crawl(spider, settings=_settings(args, args.replay), spider_args=spider_args)
    print_summary(stats, database_url(args))
    return 0 if stats.get("finish_reason") == "finished" else 1  # store_failed, deadline ...: 1


def run_demo_command(args: argparse.Namespace) -> int:
    settings = _settings(args, str(DEMO_ARCHIVE))
    settings.setdefault("LOG_LEVEL", "WARNING")
    stats = crawl("alaraby", settings=settings)
    print_summary(stats, database_url(args))
    if stats.get("finish_reason") != "finished":
        return 1
    # What was stored, shown by `akhbar list` itself: title, date, sources, caption count.
    from scraper.cli import build_parser

    listing = ["list", "--site", "alaraby", "--limit", "50"]
    if args.database:
        listing += ["--database", args.database]
    list_args = build_parser().parse_args(listing)
    return int(list_args.func(list_args) or 0)
