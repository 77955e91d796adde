"""Section listings paged back until ``--since`` is passed, and dates of feed entries.

A listing page shows its items' times (``<time datetime>``); while every item on a page is newer
than ``--since``, older items may be on the next page (``rel="next"``), so it is read too. The
first page older than ``--since``, a page without times (nothing tells how old it is), or
``AKHBAR_MAX_LISTING_PAGES`` pages end the paging. Without ``--since`` only the declared page is read.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree
from scrapy.http import Response

from scraper.dates import parse_iso

_ATOM = "{http://www.w3.org/2005/Atom}"


def listing_dates(response: Response) -> list[datetime]:
    """The machine-readable times printed on a listing page."""
    values = response.css("time::attr(datetime)").getall()
    values += response.css("[itemprop=datePublished]::attr(content)").getall()
    return [moment for moment in (parse_iso(v.strip()) for v in values) if moment is not None]


def next_page(response: Response) -> str | None:
    """The listing's next (older) page, as its ``rel="next"`` link names it."""
    for href in (*response.css('link[rel~="next"]::attr(href)').getall(),
                 *response.css('a[rel~="next"]::attr(href)').getall()):
        if href.strip():
            return urljoin(response.url, href.strip())
    return None


def keep_paging(dates: list[datetime], since: datetime | None) -> bool:
    """Whether the page before these dates may still hold items newer than ``since``."""
    return since is not None and bool(dates) and min(dates) >= since


def feed_entry_date(item: etree._Element) -> datetime | None:
    """An RSS ``pubDate`` (RFC 822) or Atom ``published``/``updated`` of a feed entry, or None."""
    raw = item.findtext("pubDate") or item.findtext(f"{_ATOM}published") or item.findtext(f"{_ATOM}updated")
    if not raw or not raw.strip():
        return None
    moment = parse_iso(raw.strip())
    if moment is not None:
        return moment
    try:
        return parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
