"""``scrapy crawl NAME``: Scrapy's command, with ``akhbar crawl``'s exit status.

* 2: a usage error, found before the crawler process starts (and logs its start-up lines): an
  unknown spider, ``-a site=`` missing or naming no declared site, a site that declares nothing
  to crawl, a bad ``-a`` value (Scrapy's own command printed a traceback for each), an
  ``AKHBAR_REPLAY`` archive that is missing, empty or holds none of the site's discovery URLs;
* 1: the run fetched or stored nothing because of errors, judged as ``akhbar crawl`` judges it
  (scraper/cli/crawl_outcome.py), with the reason as the last line;
* 0: the run did its work.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import crawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader


def _usage_error(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(2)


class Command(crawl.Command):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # Scrapy's own usage errors
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        names = sorted(loader.list())
        if args[0] not in names:
            _usage_error(f"scrapy crawl: no spider named {args[0]!r}; the spiders are {', '.join(names)} "
                         "(for any declared site: scrapy crawl site -a site=NAME)")
        spargs = vars(opts).get("spargs", {})
        self._check_site(args[0], getattr(loader.load(args[0]), "site_name", None) or spargs.get("site"),
                         self.settings.get("AKHBAR_REPLAY"))
        # the spider's own arguments, checked as the spider will read them: one line, not the
        # traceback Scrapy prints when a spider's __init__ raises
        from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError

        given = {key: value for key, value in spargs.items()
                 if key in ("max_articles", "since", "until", "limit", "deadline")}  # fmt: skip
        try:
            CrawlArguments.parse(**given)
        except SpiderArgumentError as error:
            _usage_error(f"scrapy crawl {args[0]}: -a {error}")

    @staticmethod
    def _check_site(spider: str, name: str | None, replay: str | None) -> None:
        """The site must be declared and have something to crawl, as for ``akhbar crawl``; with
        ``-s AKHBAR_REPLAY=`` (or the environment's), the archive must hold its discovery URLs."""
        from scraper.cli.common import CliError
        from scraper.cli.crawl_outcome import crawlable_problem, open_replay, replay_problem
        from scraper.sites.registry import SITES, UnknownSiteError, get_site

        known = ", ".join(sorted(SITES))
        if not name:
            _usage_error(f"scrapy crawl {spider}: which site? add -a site=NAME; known sites: {known}")
            return
        try:
            site = get_site(name)
        except UnknownSiteError:
            _usage_error(f"scrapy crawl {spider}: no site named {name!r}; known sites: {known}")
            return
        if problem := crawlable_problem(site):
            _usage_error(f"scrapy crawl {spider}: {problem}")
            return
        if not replay:
            return
        try:
            archive = open_replay(replay)
        except CliError as error:
            _usage_error(f"scrapy crawl {spider}: {error}")
            return
        if problem := replay_problem(site, archive, replay):
            _usage_error(f"scrapy crawl {spider}: {problem}")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name" if args else None)
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        from scraper.cli.crawl import committed_run
        from scraper.cli.crawl_outcome import first_download_failure, judge

        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        url = crawler.settings.get("AKHBAR_DATABASE_URL", "sqlite:///data/akhbar.db")
        outcome = judge(stats, committed_run(stats, url), first_download_failure(url, stats.get("akhbar/crawl_run_id")))
        if outcome.code:
            print(f"scrapy crawl {args[0]}: {outcome.reason}", file=sys.stderr)
            self.exitcode = outcome.code
