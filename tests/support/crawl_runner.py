"""Run the real site spider against a local server, in its own process (Twisted's reactor
cannot restart, and the crawl tests need several crawls).

    python -m tests.support.crawl_runner ORIGIN DATABASE_URL
"""

from __future__ import annotations

import os
import sys

from scraper.sites.base import Site
from scraper.sites.registry import get_site


def main(origin: str, database_url: str) -> None:
    os.environ["SCRAPY_SETTINGS_MODULE"] = "settings"
    from dataclasses import replace

    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scraper.spiders.site import SiteSpider

    demo: Site = get_site("alaraby")
    # The declared site, moved to the local server: same rules, time zone and article paths.
    local = replace(
        demo,
        domains=("127.0.0.1",),
        sitemaps=(f"{origin}/sitemap.xml",),
        sections=(f"{origin}/news",),
    )
    settings = get_project_settings()
    settings.setdict(
        {
            "AKHBAR_DATABASE_URL": database_url,
            "AKHBAR_REPLAY": "",
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "INFO",
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, site=local)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(f"STATS scraped={stats.get('item_scraped_count', 0)} dropped={stats.get('item_dropped_count', 0)} "
          f"finish={stats.get('finish_reason')}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
