"""AKHBAR_REDIS_URL switches a crawl to the shared frontier; without it the settings are Scrapy's own."""

from __future__ import annotations

import os

from scrapy.settings import Settings

from scraper.distributed.addon import DistributedAddon, redis_problem


def project_settings(**values: str) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(values, priority="cmdline")
    DistributedAddon().update_settings(settings)
    return settings


def test_without_a_redis_url_nothing_changes() -> None:
    settings = project_settings(AKHBAR_REDIS_URL="")
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert "scraper.distributed.middleware.FrontierMiddleware" not in settings.getdict("SPIDER_MIDDLEWARES")


def test_a_redis_url_switches_scheduler_duplicate_filter_and_middleware() -> None:
    settings = project_settings(AKHBAR_REDIS_URL="redis://127.0.0.1:6379/0")
    assert settings["SCHEDULER"] == "scraper.distributed.scheduler.FrontierScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert settings.getdict("SPIDER_MIDDLEWARES")["scraper.distributed.middleware.FrontierMiddleware"] == 10
    # The project's own settings stay as they were.
    assert settings["ITEM_PIPELINES"]["pipelines.store.StorePipeline"] == 300


def test_bad_redis_urls_are_one_line_reasons() -> None:
    assert "is not a Redis URL" in (redis_problem("http://nowhere") or "")
    unreachable = redis_problem("redis://127.0.0.1:1/0") or ""
    assert unreachable.startswith("cannot reach Redis at AKHBAR_REDIS_URL 'redis://127.0.0.1:1/0'")
    assert "\n" not in unreachable
