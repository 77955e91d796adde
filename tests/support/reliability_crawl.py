"""Run the real site spider and pipelines against a local server in a child process, as
``akhbar crawl`` would (its summary and exit status), and print the stats as one JSON line.

    python -m tests.support.reliability_crawl '{"origin": ..., "database": ..., "settings": {...},
        "sitemaps": ["/sitemap.xml"], "sections": []}'
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace


def main(options: dict) -> int:
    os.environ["SCRAPY_SETTINGS_MODULE"] = "settings"
    from scraper.cli.crawl import crawl, print_summary
    from scraper.sites.registry import get_site
    from scraper.spiders.site import SiteSpider

    max_pages = options.get("settings", {}).pop("AKHBAR_TEST_SQLITE_MAX_PAGES", None)
    if max_pages:  # a full disk where the test may not mount a small file system
        from sqlalchemy import Engine, event

        @event.listens_for(Engine, "connect")
        def _limit(connection: object, _record: object) -> None:
            connection.execute(f"PRAGMA max_page_count={int(max_pages)}")  # type: ignore[attr-defined]

    origin = options["origin"]
    site = replace(
        get_site("alaraby"),
        domains=("127.0.0.1",),
        sitemaps=tuple(origin + path for path in options.get("sitemaps", ["/sitemap.xml"])),
        sections=tuple(origin + path for path in options.get("sections", [])),
    )
    settings = {
        "AKHBAR_DATABASE_URL": options["database"],
        "AKHBAR_REPLAY": "",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        **options.get("settings", {}),
    }
    stats = crawl(SiteSpider, settings=settings, spider_args={"site": site, **options.get("arguments", {})})
    print_summary(stats, options["database"])
    print("STATS " + json.dumps({k: v for k, v in stats.items() if isinstance(v, int | float | str)}))
    return 0 if stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
