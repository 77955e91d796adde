"""The switch: with ``AKHBAR_REDIS_URL`` set (environment or ``-s``), a crawl uses the shared
frontier in Redis; without it, Scrapy's own scheduler, exactly as before.

A Scrapy add-on (settings.py lists it in ADDONS) so the choice is made from the crawl's final
settings, whichever way the URL was given. Imports nothing heavy: it is loaded by every crawl.
"""

from __future__ import annotations

from typing import Any


class DistributedAddon:
    def update_settings(self, settings: Any) -> None:
        url = settings.get("AKHBAR_REDIS_URL")
        if not url:
            return
        settings.set("SCHEDULER", "scraper.distributed.scheduler.FrontierScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        settings.set("REDIS_URL", url, "addon")
        # Last before the engine: it must see every item and request a callback produced.
        settings["SPIDER_MIDDLEWARES"]["scraper.distributed.middleware.FrontierMiddleware"] = 10


def redis_problem(url: str) -> str | None:
    """None when Redis answers at ``url``, else a one-line reason with what to do."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        client.ping()
        client.close()
    except ValueError as error:
        return f"AKHBAR_REDIS_URL {url!r} is not a Redis URL ({error}); use redis://HOST:6379/0"
    except redis.RedisError as error:
        return f"cannot reach Redis at AKHBAR_REDIS_URL {url!r} ({error}); start it or unset AKHBAR_REDIS_URL"
    return None
