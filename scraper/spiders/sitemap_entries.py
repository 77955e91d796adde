"""Sitemap entries with the dates that let a run skip old URLs before fetching them.

Scrapy's ``Sitemap`` keeps only an entry's flat children, so the Google News extension
(``<news:news><news:publication_date>``, ``<news:title>``) is lost. This reader keeps it: with
``lastmod``, the publication date decides whether a URL is older than ``--since``. It parses as
Scrapy does (streaming, entities not resolved, broken XML recovered) and frees each entry once read.

It parses with libxml2's ``huge_tree``: without it a text node over 10 MB ends the parse there
(recover mode hides the error) and every entry after it is silently lost. huge_tree lifts only the
size limits: entities stay unresolved, so XXE and billion-laughs are refused as before, and the
body was already capped by AKHBAR_SITEMAP_MAXSIZE when it was downloaded or gunzipped.

The document type declaration is removed before parsing (``without_doctype``): a sitemap or feed
has no use for one, and libxml2 ends the whole parse at the first reference to an entity that
expands too far (billion-laughs), which lost every entry after it. Without the declaration such a
reference is an undefined entity, skipped, and the parse reads on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from lxml import etree

from scraper.dates import parse_iso


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    published: datetime | None = None  # news:publication_date
    title: str | None = None  # news:title

    @property
    def newest(self) -> datetime | None:
        """The latest thing known about the URL: when it was published or last changed."""
        dates = [d for d in (self.lastmod, self.published) if d is not None]
        return max(dates) if dates else None


# the declaration with its internal subset ([...], whose entity values may hold ">")
_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?:[^\[>]|\[.*?\]\s*)*>", re.S | re.I)
_PROLOGUE = 64 * 1024  # a declaration comes before the root element: never searched past this


def without_doctype(body: bytes) -> bytes:
    """``body`` without its ``<!DOCTYPE ...>`` declaration (the rest byte for byte)."""
    match = _DOCTYPE.search(body, 0, _PROLOGUE)
    return body if match is None else body[: match.start()] + body[match.end() :]


def stopped_early(error_log: etree._ListErrorLog) -> str | None:
    """Why libxml2 ended a parse before the end of the document (a resource limit), or None."""
    for error in error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return f"parse stopped early: {error.message.split(',')[0]}; the entries after it are unread"
    return None


def _name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


class SitemapReader:
    """``SitemapReader(body).type`` is ``urlset`` or ``sitemapindex``; iterate for the entries.

    Raises ValueError (or lxml's XMLSyntaxError) when the body is not a sitemap."""

    def __init__(self, body: bytes) -> None:
        self._events = etree.iterparse(
            BytesIO(without_doctype(body)),
            events=("start", "end"),
            recover=True,
            remove_comments=True,
            resolve_entities=False,
            remove_pis=True,
            no_network=True,
            collect_ids=False,
            huge_tree=True,
        )
        try:
            _, root = next(self._events)
        except StopIteration:
            raise ValueError("no XML element in the sitemap") from None
        self.type = _name(root)

    @property
    def stopped_early(self) -> str | None:
        """After iterating: why the parse ended before the document did, or None."""
        return stopped_early(self._events.error_log)

    def __iter__(self) -> Iterator[SitemapEntry]:
        for event, element in self._events:
            if event != "end" or _name(element) not in {"url", "sitemap"}:
                continue
            entry = self._entry(element)
            element.clear()
            if entry is not None:
                yield entry

    @staticmethod
    def _entry(element: etree._Element) -> SitemapEntry | None:
        loc = lastmod = published = title = None
        for child in element:
            name = _name(child)
            if name == "loc":
                loc = _text(child)
            elif name == "lastmod":
                lastmod = parse_iso(_text(child))
            elif name == "news":
                for part in child.iter():
                    part_name = _name(part)
                    if part_name == "publication_date":
                        published = parse_iso(_text(part))
                    elif part_name == "title":
                        title = _text(part) or None
        return SitemapEntry(loc, lastmod, published, title) if loc else None
