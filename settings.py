"""Scrapy settings for akhbar, plus the AKHBAR_* settings read from the environment.

Every AKHBAR_* value can be overridden per run: ``scrapy crawl alaraby -s AKHBAR_REPLAY=archive/``.
"""

from __future__ import annotations

import os

BOT_NAME = "akhbar"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# Where articles go: any SQLAlchemy URL; SQLite file under ./data by default.
AKHBAR_DATABASE_URL = os.environ.get("AKHBAR_DATABASE_URL", "sqlite:///data/akhbar.db")
# Answer requests from a saved archive (a folder or a .warc/.warc.gz file) instead of the network.
AKHBAR_REPLAY = os.environ.get("AKHBAR_REPLAY", "")
# Most article pages a spider follows in one run (0 = no limit). Kept as given: the spider validates it
# (a bad value is a one-line error, not a traceback at import).
AKHBAR_MAX_ARTICLES = os.environ.get("AKHBAR_MAX_ARTICLES", "0")

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
DOWNLOADER_MIDDLEWARES = {
    # Before everything else, so a replayed response never touches the network stack.
    "scraper.replay.ReplayMiddleware": 50,
}

USER_AGENT = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
HTTPCACHE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("AKHBAR_LOG_LEVEL", "INFO")
LOG_FORMATTER = "scraper.logformatter.AkhbarLogFormatter"
