"""Off-site redirects are refused with a reason, on a first try and on a retry alike.

Constructed requests and responses (no site's markup)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from scraper.middlewares.redirect import OffsiteRedirect, RecordedRedirectMiddleware


class _Spider(Spider):
    name = "constructed"
    allowed_domains: ClassVar[list[str]] = ["news.example.org"]


def _middleware() -> RecordedRedirectMiddleware:
    crawler = get_crawler(_Spider)
    crawler.spider = crawler._create_spider()
    return RecordedRedirectMiddleware.from_crawler(crawler)


def _redirect(request: Request, location: str) -> Response:
    return Response(request.url, status=302, headers={"Location": location}, request=request)


@pytest.mark.parametrize("retried", [False, True])
def test_a_redirect_off_the_site_is_refused_even_on_a_retry(retried: bool) -> None:
    # RetryMiddleware marks every retry dont_filter=True; that must not let the redirect off the site
    request = Request("https://news.example.org/news/away", dont_filter=retried)
    with pytest.raises(OffsiteRedirect, match=r"^redirected off the site to https://elsewhere\.example\.com/x$"):
        _middleware().process_response(request, _redirect(request, "https://elsewhere.example.com/x"))


def test_a_redirect_within_the_site_or_allowed_off_it_is_followed() -> None:
    middleware = _middleware()
    request = Request("https://news.example.org/news/old", dont_filter=True)
    followed = middleware.process_response(request, _redirect(request, "https://www.news.example.org/news/new"))
    assert isinstance(followed, Request) and followed.url == "https://www.news.example.org/news/new"
    allowed = Request("https://news.example.org/news/away", meta={"allow_offsite": True})
    followed = middleware.process_response(allowed, _redirect(allowed, "https://elsewhere.example.com/x"))
    assert isinstance(followed, Request) and followed.url == "https://elsewhere.example.com/x"
