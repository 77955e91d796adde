"""``scrapy crawl NAME``: Scrapy's command, with an unknown spider or a bad ``-a`` value as a one-line error.

Scrapy's own command raises ``KeyError: 'Spider not found: ...'`` from deep inside the crawler
and prints its traceback; here the name is checked first, against the project's spider loader,
before the crawler process starts (and logs its start-up lines).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import crawl
from scrapy.spiderloader import get_spider_loader


class Command(crawl.Command):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # Scrapy's own usage errors
        assert self.settings is not None
        names = sorted(get_spider_loader(self.settings).list())
        if args[0] not in names:
            print(f"scrapy crawl: no spider named {args[0]!r}; the spiders are {', '.join(names)} "
                  "(for any declared site: scrapy crawl site -a site=NAME)", file=sys.stderr)
            sys.exit(2)
        # the spider's own arguments, checked as the spider will read them: one line, not the
        # traceback Scrapy prints when a spider's __init__ raises
        from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError

        given = {key: value for key, value in vars(opts).get("spargs", {}).items()
                 if key in ("max_articles", "since", "until", "limit", "deadline")}  # fmt: skip
        try:
            CrawlArguments.parse(**given)
        except SpiderArgumentError as error:
            print(f"scrapy crawl {args[0]}: -a {error}", file=sys.stderr)
            sys.exit(2)
