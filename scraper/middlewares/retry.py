"""Retries that wait: Scrapy's RetryMiddleware sends a retry at once, which a server answering
429 or 503 has just asked us not to do. This one waits before each retry: the ``Retry-After``
the server gave (seconds or an HTTP date), capped at ``AKHBAR_RETRY_AFTER_MAX`` seconds, or else
``AKHBAR_RETRY_BACKOFF`` seconds doubled at each try. Only the retried request waits; the rest of
the crawl goes on meanwhile.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

logger = logging.getLogger(__name__)

RETRY_AFTER_MAX_S = 60.0
RETRY_BACKOFF_S = 1.0
HONOURS_RETRY_AFTER = frozenset({429, 503})


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, or None when it is missing or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class WaitingRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("AKHBAR_RETRY_AFTER_MAX", RETRY_AFTER_MAX_S)
        self.backoff = settings.getfloat("AKHBAR_RETRY_BACKOFF", RETRY_BACKOFF_S)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            asked = retry_after(response.headers.get("Retry-After")) if response.status in HONOURS_RETRY_AFTER else None
            await self._wait(result, asked)
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, asked: float | None) -> None:
        tries = int(retry.meta.get("retry_times", 1))
        delay = asked if asked is not None else self.backoff * 2 ** (tries - 1)
        delay = min(delay, self.retry_after_max)
        if delay <= 0:
            return
        logger.debug("waiting %.1f s before retrying %s", delay, retry.url)
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))  # type: ignore[arg-type]
