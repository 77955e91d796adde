"""Downloader middleware that answers requests from a saved archive instead of the network.

Switched on by the ``AKHBAR_REPLAY`` setting (a folder or a WARC file, see
:mod:`scraper.archive`). A URL missing from the archive gets a 404 marked
``X-Akhbar-Replay: miss``, so a replayed crawl never reaches the network, unless
``AKHBAR_REPLAY_MISSES=network`` asks for the live page instead.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from scraper.archive import ArchiveError, ResponseArchive

logger = logging.getLogger(__name__)

FETCHED_AT_HEADER = "X-Akhbar-Fetched-At"


class ReplayMiddleware:
    def __init__(self, archive: ResponseArchive, *, misses_to_network: bool) -> None:
        self.archive = archive
        self.misses_to_network = misses_to_network
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        path = crawler.settings.get("AKHBAR_REPLAY")
        if not path:
            raise NotConfigured("AKHBAR_REPLAY is not set")
        archive = ResponseArchive.open(path)
        misses = crawler.settings.get("AKHBAR_REPLAY_MISSES", "404")
        logger.info("Replaying %d saved responses from %s", len(archive), path)
        return cls(archive, misses_to_network=misses == "network")

    def process_request(self, request: Request, spider: object = None) -> Response | None:
        try:
            saved = self.archive.get(request.url)
        except ArchiveError as error:  # a file that points out of the archive: never read it
            logger.error("%s", error)
            raise IgnoreRequest(str(error)) from None
        if saved is None:
            self.misses += 1
            if self.misses_to_network:
                return None
            logger.debug("Not in the replay archive: %s", request.url)
            return Response(request.url, status=404, headers={"X-Akhbar-Replay": "miss"}, request=request)
        self.hits += 1
        headers = dict(saved.headers)
        if saved.fetched_at is not None:
            headers[FETCHED_AT_HEADER] = saved.fetched_at.isoformat()
        headers["X-Akhbar-Replay"] = "hit"
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=saved.body)
        return response_class(
            url=request.url, status=saved.status, headers=headers, body=saved.body, request=request
        )
