"""``akhbar crawl SITE`` and ``akhbar demo``: run the real spider through the real pipelines."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from scraper.cli.common import CliError
from scraper.cli.crawl_outcome import (
    EXIT_CODES_HELP,
    RunOutcome,
    crawlable_problem,
    first_download_failure,
    judge,
    open_replay,
    replay_problem,
)
from scraper.cli.db import database_url, reachable_database
from scraper.sites.registry import SITES, UnknownSiteError, get_site
from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError

DEMO_ARCHIVE = Path(__file__).resolve().parent.parent / "demo" / "archive"


def register(subparsers: argparse._SubParsersAction) -> None:
    crawl = subparsers.add_parser(
        "crawl",
        help="crawl declared sites into the database",
        description="Crawl declared sites (akhbar sites lists them) and store their articles.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    crawl.add_argument("site", nargs="*", help="the sites' names, e.g. alaraby aljazeera")
    crawl.add_argument("--all", action="store_true", help="crawl every declared site that has something to crawl")
    crawl.add_argument("--limit", "--max-articles", dest="max_articles", type=int, default=0,
                       help="stop after this many article pages per site (0: all)")
    crawl.add_argument("--since", default=None,
                       help="skip sitemap/feed entries published or modified before this date")
    crawl.add_argument("--until", default=None,
                       help="skip entries published after this date (a bare day includes that day)")
    crawl.add_argument("--refetch", action="store_true",
                       help="fetch stored articles again too (default: only new URLs and due re-visits)")
    crawl.add_argument("--replay", default=None, help="answer requests from this saved folder or WARC file")
    crawl.add_argument("--deadline", default=None, metavar="SECONDS",
                       help="stop the crawl after this many seconds, exit 1 (default: $AKHBAR_DEADLINE, 0: none)")
    crawl.add_argument("--database", default=None, help="SQLAlchemy URL (default: $AKHBAR_DATABASE_URL)")
    crawl.add_argument("--resume", action="store_true",
                       help="continue this site's interrupted run (job folder jobs/SITE beside the database)")
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


def crawl_many(
    jobs: list[tuple[str | type[Any], dict[str, Any]]], *, settings: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run several spiders side by side in this process (one reactor); their stats in order."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    project.setdict(settings or {}, priority="cmdline")
    process = CrawlerProcess(project)
    crawlers = []
    for spider, spider_args in jobs:
        crawler = process.create_crawler(spider)
        process.crawl(crawler, **spider_args)
        crawlers.append(crawler)
    process.start()
    return [dict(crawler.stats.get_stats()) if crawler.stats is not None else {} for crawler in crawlers]


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
    # A bad URL, a server down or a read-only data folder: one line here, not a traceback from the pipeline.
    reachable_database(database_url(args))
    if os.environ.get("AKHBAR_REDIS_URL"):  # distributed: a Redis that is down is one line too
        from scraper.distributed.addon import redis_problem

        if problem := redis_problem(os.environ["AKHBAR_REDIS_URL"]):
            raise CliError(problem)
    if args.database:
        settings["AKHBAR_DATABASE_URL"] = args.database
    if replay:
        open_replay(replay)
        # Saved pages need no politeness delay.
        settings.update(AKHBAR_REPLAY=replay, DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False)
    return settings


def committed_run(stats: dict[str, Any], url: str) -> dict[str, Any] | None:
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


def print_summary(stats: dict[str, Any], url: str, label: str = "crawl") -> None:
    elapsed = stats.get("elapsed_time_seconds")
    errors = stats.get("log_count/ERROR", 0)
    reason = stats.get("finish_reason", "?")
    timing = f" in {elapsed:.1f} s" if isinstance(elapsed, float) else ""
    run = committed_run(stats, url)
    if run is None:
        counts = "stored articles unknown (the database could not be read)"
    else:
        counts = f"{run['articles_stored']} articles stored, {run['failures']} pages dropped"
    print(f"{label} finished ({reason}){timing}: {counts}, {errors} errors")
    if stats.get("akhbar/store_failed"):
        print(f"storing failed: {stats['akhbar/store_failed']}; unstored items are in the spool folder "
              "and are stored by the next crawl or `akhbar ingest`")


def _chosen_sites(args: argparse.Namespace) -> list[str]:
    """The sites to crawl: named ones must exist and have something to crawl (else exit 2);
    ``--all`` takes every site that has, leaving out (and naming) those that have not."""
    if args.all and args.site:
        raise CliError("give site names or --all, not both")
    if not args.all and not args.site:
        raise CliError(f"which site? give one or more names, or --all; known sites: {', '.join(sorted(SITES))}")
    archive = open_replay(args.replay) if args.replay else None
    chosen: list[str] = []
    for name in (sorted(SITES) if args.all else dict.fromkeys(args.site)):
        try:
            site = get_site(name)
        except UnknownSiteError:
            raise CliError(f"no site named {name!r}; known sites: {', '.join(sorted(SITES))}") from None
        problem = crawlable_problem(site) or (replay_problem(site, archive, args.replay) if archive else None)
        if problem is None:
            chosen.append(name)
        elif not args.all:
            raise CliError(problem)
    if not chosen:
        raise CliError("none of the declared sites has anything to crawl" + (f" in {args.replay}" if archive else ""))
    return chosen


def run_crawl_command(args: argparse.Namespace) -> int:
    try:
        CrawlArguments.parse(max_articles=args.max_articles, since=args.since, until=args.until,
                             deadline=args.deadline)  # fmt: skip
    except SpiderArgumentError as error:
        raise CliError(str(error).replace("max_articles", "--limit")) from None
    # The settings defaults, read by the spider when --limit or --deadline is not given.
    for variable in ("AKHBAR_MAX_ARTICLES", "AKHBAR_DEADLINE"):
        try:
            CrawlArguments.parse(**{variable.removeprefix("AKHBAR_").lower(): os.environ.get(variable)})
        except SpiderArgumentError as error:
            raise CliError(f"environment variable {variable}: {error}") from None
    from scraper.middlewares.contact import contact_user_agent  # imports Scrapy: only when crawling

    try:
        contact_user_agent("akhbar", os.environ.get("AKHBAR_CONTACT", ""))
    except ValueError as error:
        raise CliError(str(error)) from None
    sites = _chosen_sites(args)
    if args.resume and len(sites) != 1:
        raise CliError("--resume continues one site's run: give one site name")
    jobs = []
    for name in sites:
        spider, spider_args = _spider_for(name)
        spider_args.update(max_articles=str(args.max_articles), since=args.since or "", until=args.until or "",
                           deadline=args.deadline or "")  # fmt: skip
        jobs.append((spider, spider_args))
    url = database_url(args)
    settings = _settings(args, args.replay)
    if args.resume:
        from scraper.operations.resume import resume_settings

        settings.update(resume_settings(url, sites[0]))
    if args.refetch:
        settings["AKHBAR_INCREMENTAL"] = "0"
    all_stats = crawl_many(jobs, settings=settings)
    code = 0
    for name, stats in zip(sites, all_stats, strict=True):
        print_summary(stats, url, label=name if len(sites) > 1 else "crawl")
        outcome = _outcome(stats, url)
        if outcome.code:
            prefix = f"{name}: " if len(sites) > 1 else ""
            print(f"akhbar crawl: {prefix}{outcome.reason}", file=sys.stderr)
        code = max(code, outcome.code)
    return code


def _outcome(stats: dict[str, Any], url: str) -> RunOutcome:
    run_id = stats.get("akhbar/crawl_run_id")
    return judge(stats, committed_run(stats, url), first_download_failure(url, run_id))


def run_demo_command(args: argparse.Namespace) -> int:
    settings = _settings(args, str(DEMO_ARCHIVE))
    settings.setdefault("LOG_LEVEL", "WARNING")
    settings["AKHBAR_INCREMENTAL"] = "0"  # every demo shows the whole crawl, not just what is new
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
