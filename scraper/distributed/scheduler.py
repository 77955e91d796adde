"""scrapy-redis's scheduler on akhbar's frontier: one queue and one duplicate filter per site, and
a reliable take (the request waits in the worker's pending set until it is committed)."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from scraper.distributed.frontier import Frontier
from scraper.distributed.tracker import TOKEN, Tracker, tracker_for

log = logging.getLogger(__name__)


def site_key(spider: Spider) -> str:
    """The frontier's name: the site, so ``scrapy crawl site -a site=X`` and ``scrapy crawl X`` share it."""
    site = getattr(spider, "site", None)
    return str(getattr(site, "name", None) or spider.name)


class FrontierScheduler(Scheduler):
    crawler: Crawler
    tracker: Tracker
    frontier: Frontier

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.tracker = tracker_for(crawler)
        return instance

    def open(self, spider: Spider) -> None:
        settings = self.crawler.settings
        self.spider = spider
        self.frontier = Frontier(
            self.server,
            settings.get("AKHBAR_REDIS_KEY") or "akhbar",
            site_key(spider),
            settings.getfloat("AKHBAR_REDIS_WORKER_TIMEOUT", 30),
        )
        self.df = RFPDupeFilter(self.server, key=self.frontier.dupefilter_key,
                                debug=settings.getbool("DUPEFILTER_DEBUG"))
        self.tracker.frontier = self.frontier
        self.tracker.role = self.frontier.join()
        log.info("Shared frontier %s in Redis: this process (%s) %s", self.frontier.base, self.frontier.worker,
                 "pushes the start requests" if self.tracker.role == "seed" else "joins the crawl")

    def close(self, reason: str) -> None:
        self.frontier.leave(finished=reason == "finished" and self.tracker.unfinished == 0)

    def enqueue_request(self, request: Request) -> bool:
        token = request.meta.pop(TOKEN, None)  # a redirect or retry of a taken request
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.frontier.push(picklecompat.dumps(request.to_dict(spider=self.spider)), request.priority)
        finally:
            if token is not None:
                self.tracker.forwarded(token)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        payload = self.frontier.take()
        if payload is None:
            return None
        request = request_from_dict(picklecompat.loads(payload), spider=self.spider)
        request.meta[TOKEN] = self.tracker.taken(payload)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return self.frontier.queued() > 0

    def __len__(self) -> int:
        return self.frontier.queued()

    def flush(self) -> None:  # never: the frontier is shared, the last worker out clears it
        pass
