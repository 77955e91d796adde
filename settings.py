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


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


# -- reliability: limits that keep a hostile or broken site from stalling or flooding a crawl ----
# Kept as strings from the environment: Scrapy's getint/getfloat convert them.
# Whole crawl: close with reason "deadline" after this many seconds (0 = none).
AKHBAR_DEADLINE = _env("AKHBAR_DEADLINE", "0")
# A batch is committed when full (AKHBAR_STORE_BATCH) or after this many seconds, whichever first.
AKHBAR_STORE_INTERVAL = _env("AKHBAR_STORE_INTERVAL", "5")
# A failed write is tried again this many times, the first pause AKHBAR_STORE_BACKOFF s, doubling;
# then the items go to a spool file in AKHBAR_SPOOL_DIR ("": spool/ beside a SQLite file, else data/spool).
AKHBAR_STORE_RETRIES = _env("AKHBAR_STORE_RETRIES", "5")
AKHBAR_STORE_BACKOFF = _env("AKHBAR_STORE_BACKOFF", "0.5")
AKHBAR_SPOOL_DIR = _env("AKHBAR_SPOOL_DIR", "")
# Sitemaps: largest gunzipped or downloaded sitemap, deepest index nesting, most sitemaps per run.
AKHBAR_SITEMAP_MAXSIZE = _env("AKHBAR_SITEMAP_MAXSIZE", str(50 * 1024 * 1024))
AKHBAR_SITEMAP_DEPTH = _env("AKHBAR_SITEMAP_DEPTH", "3")
AKHBAR_MAX_SITEMAPS = _env("AKHBAR_MAX_SITEMAPS", "1000")
# A page larger than this is not parsed (recorded as a failure): news articles are far smaller.
AKHBAR_MAX_PAGE_BYTES = _env("AKHBAR_MAX_PAGE_BYTES", str(5 * 1024 * 1024))
# Extraction runs in AKHBAR_EXTRACT_WORKERS processes (0 = in the crawl's own thread, no limit);
# a page that takes longer than AKHBAR_EXTRACT_TIMEOUT seconds is recorded as a failure.
AKHBAR_EXTRACT_WORKERS = _env("AKHBAR_EXTRACT_WORKERS", "1")
AKHBAR_EXTRACT_TIMEOUT = _env("AKHBAR_EXTRACT_TIMEOUT", "20")
# Incremental runs: a stored article URL is fetched again only when a re-visit is due (1 h, 6 h and
# 24 h after publication unless the site declares others); 0 fetches every URL again.
AKHBAR_INCREMENTAL = _env("AKHBAR_INCREMENTAL", "1")
# Section listings are paged back (rel="next") while newer than --since, at most this many pages.
AKHBAR_MAX_LISTING_PAGES = _env("AKHBAR_MAX_LISTING_PAGES", "50")
# Wait before retrying: the server's Retry-After (429/503), at most this long; else a doubling backoff.
AKHBAR_RETRY_AFTER_MAX = _env("AKHBAR_RETRY_AFTER_MAX", "60")
AKHBAR_RETRY_BACKOFF = _env("AKHBAR_RETRY_BACKOFF", "1")

# -- distributed crawling (docs/distributed.md) ------------------------------------------------
# With a Redis URL, every crawler process of a site shares one frontier there (scheduler queue and
# duplicate filter, scrapy-redis); empty: each crawl has its own, in memory, as before.
AKHBAR_REDIS_URL = _env("AKHBAR_REDIS_URL", "")
# Prefix of the Redis keys: crawls with different prefixes never share work.
AKHBAR_REDIS_KEY = _env("AKHBAR_REDIS_KEY", "akhbar")
# A process closes when the shared frontier has been empty this many seconds.
AKHBAR_REDIS_IDLE = _env("AKHBAR_REDIS_IDLE", "5")
# A process silent this long is taken for dead: the requests it held are queued again.
AKHBAR_REDIS_WORKER_TIMEOUT = _env("AKHBAR_REDIS_WORKER_TIMEOUT", "30")
ADDONS = {"scraper.distributed.addon.DistributedAddon": 0}

# A page (after Content-Encoding is undone) larger than this is refused; warned about above the other.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# News pages answer in seconds: a hanging or trickling server costs 30 s, tried twice, not 3 x 180 s.
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 1
REDIRECT_MAX_TIMES = 5
# Failures are recorded in extraction_failure: the give-up line is a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"

# Scrapy starts this many item tasks for every response, whatever it yields (one article, or a
# sitemap's requests); the pipelines are synchronous, so more only costs: at the default 100 the
# asyncio bookkeeping was the largest item in a crawl's profile (bench/README.md, Crawl).
CONCURRENT_ITEMS = 1
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    # Each run's measures and health against the site's history (akhbar health).
    "scraper.operations.monitor.HealthMonitor": 500,
    # Live progress on a terminal, else a summary line every AKHBAR_PROGRESS_INTERVAL s; it
    # replaces Scrapy's own "Crawled N pages" line.
    "scraper.operations.crawl_progress.CrawlProgress": 510,
    "scrapy.extensions.logstats.LogStats": None,
}
# auto (live on a terminal, else log lines), live, log or off
AKHBAR_PROGRESS = _env("AKHBAR_PROGRESS", "auto")
AKHBAR_PROGRESS_INTERVAL = _env("AKHBAR_PROGRESS_INTERVAL", "30")
DOWNLOADER_MIDDLEWARES = {
    # Before everything else, so a replayed response never touches the network stack.
    "scraper.replay.ReplayMiddleware": 50,
    # The User-Agent carries AKHBAR_CONTACT (scraper/middlewares/contact.py).
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "scraper.middlewares.contact.ContactUserAgentMiddleware": 500,
    # Retries wait (Retry-After, or a backoff) instead of going out at once.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.middlewares.retry.WaitingRetryMiddleware": 550,
    # Redirect loops and off-site redirects reach the errback (a failure row), not silence.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scraper.middlewares.redirect.RecordedRedirectMiddleware": 600,
}

USER_AGENT = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar)"
# Who runs this crawler (an e-mail address or a URL), added to the User-Agent for site operators.
AKHBAR_CONTACT = _env("AKHBAR_CONTACT", "")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
HTTPCACHE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("AKHBAR_LOG_LEVEL", "INFO")
LOG_FORMATTER = "scraper.logformatter.AkhbarLogFormatter"
# Scrapy's commands, with one-line errors for user mistakes (an unknown spider name).
COMMANDS_MODULE = "scraper.commands"
