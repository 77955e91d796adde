"""The User-Agent names who runs the crawler: ``AKHBAR_CONTACT`` (an e-mail address or a URL)
is added to ``USER_AGENT``, so a site's operators can reach the crawler's operator instead of
blocking it. Replaces Scrapy's UserAgentMiddleware (same place, same per-request override)."""

from __future__ import annotations

import re
from typing import Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware

_UNSAFE = re.compile(r"[\x00-\x1f\x7f()]")  # no header injection, no unbalanced comment


def contact_user_agent(base: str, contact: str) -> str:
    """``akhbar/0.1 (+https://...)`` with ``; contact`` inside its comment (or a new comment)."""
    contact = contact.strip()
    if not contact:
        return base
    if _UNSAFE.search(contact):
        raise ValueError(f"AKHBAR_CONTACT {contact!r} has control characters or parentheses: "
                         "give an e-mail address or a URL")
    if base.endswith(")"):
        return f"{base[:-1]}; {contact})"
    return f"{base} ({contact})"


class ContactUserAgentMiddleware(UserAgentMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.user_agent = contact_user_agent(middleware.user_agent, crawler.settings.get("AKHBAR_CONTACT", ""))
        return middleware
