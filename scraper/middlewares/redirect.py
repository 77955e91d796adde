"""Redirects whose end is recorded: Scrapy drops a redirect to another site at scheduling time
(OffsiteMiddleware), where no errback runs, and says only "max redirections reached" at the
cap. Here both end in the request's errback with a reason saying where the chain went, so the
page leaves an ``extraction_failure`` row (scraper/spiders/failures.py) instead of vanishing.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached


class OffsiteRedirect(IgnoreRequest):
    """A redirect to a host outside the spider's allowed domains."""


class TooManyRedirects(IgnoreRequest):
    """A chain longer than REDIRECT_MAX_TIMES (a loop, most often)."""


class RecordedRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:  # type: ignore[override]
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as error:
            if "max redirections" not in str(error):
                raise
            location = response.headers.get("Location", b"").decode("latin-1")
            raise TooManyRedirects(
                f"more than {self.max_redirect_times} redirects (REDIRECT_MAX_TIMES); the last from {request.url}"
                f" to {location or '?'}"
            ) from None
        if isinstance(result, Request) and result is not request and not self._on_site(result):
            raise OffsiteRedirect(f"redirected off the site to {result.url}")
        return result

    def _on_site(self, request: Request) -> bool:
        # Not ``dont_filter``, which OffsiteMiddleware also honours: RetryMiddleware sets it on every
        # retry, so a page that timed out once would be let off the site by its redirect.
        if request.meta.get("allow_offsite"):
            return True
        domains = [domain.lower().strip(".") for domain in getattr(self.crawler.spider, "allowed_domains", None) or []]
        host = (urlparse_cached(request).hostname or "").lower()  # without the port, as OffsiteMiddleware
        return not domains or any(host == domain or host.endswith("." + domain) for domain in domains)
