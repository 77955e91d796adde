"""Stage 6: publication and update dates, from the best evidence in this order: JSON-LD
``datePublished``, ``article:published_time``-like meta, a ``<time datetime>`` in the article, the
visible byline text (through scraper.dates), the date in the URL path.

Sites lie, so the machine value is cross-checked against the visible stamp: a meta time marked UTC
whose wall clock equals the visible local time is really local time (Youm7's ``09:23:13Z`` printed
``09:23 ص``, Cairo), and is read in the site's time zone. A visible stamp labelled as an update
(``آخر تحديث``) is the update date, never the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scraper import dates_data
from scraper.dates import parse_date_match
from scraper.extract.dom import find_marked, is_hidden
from scraper.extract.page import Page, ld_text
from scraper.text import clean_text


def _labels(text: str) -> set[str]:
    """The kinds of date labels anywhere in a stamp: ``... 2013، آخر تحديث 14:00`` is an update
    stamp even though its label follows the date."""
    norm, _ = dates_data.normalize(text)
    return {dates_data.LABELS[dates_data.key(m[0])] for m in dates_data.LABEL.finditer(norm)}


Calendar = Literal["gregorian", "hijri"]

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "publishdate", "publish-date",
    "pubdate", "publication_date", "published_time", "publisheddate", "dc.date.issued", "dc.date",
    "dc:date", "dcterms.date", "dcterms.created", "sailthru.date", "parsely-pub-date", "date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastdate", "dc.date.modified")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(?:[A-Za-z_\-]+/)?(\d{1,2})/(\d{1,2})(?:/|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})[-/]?(\d{2})[-/]?(\d{2})(?:/|-|$)")
# Where a visible date is printed: class words, id words, microdata, <time>.
_DATE_CLASS_WORDS = ("date", "time", "publish", "posted")
_DATE_ID_WORDS = ("date",)
_DATE_ATTRIBUTES = (("itemprop", "datePublished"),)


@dataclass(slots=True)
class Evidence:
    value: datetime
    raw: str
    calendar: Calendar
    has_time: bool
    kind: str  # jsonld | meta | time | visible | url


@dataclass(slots=True)
class Dates:
    published: Evidence | None
    updated: Evidence | None


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except Exception:  # unknown zone name in a declaration: UTC, never a crash
        return UTC


def parse_machine(raw: str, tz: tzinfo, tz_name: str | None, reference: datetime | None) -> Evidence | None:
    """A machine-readable value (ISO 8601; a naive one is read in the site's zone) or the Arabic text
    some sites put in meta tags (``الإثنين، 24 أغسطس 2020``): both through the dates module."""
    raw = clean_text(raw)
    evidence = _visible(raw, tz_name, reference, "meta")
    if evidence is not None:
        evidence.raw, evidence.kind = raw, "meta"  # keep the whole attribute value as the raw text
    return evidence


def _visible(text: str, tz_name: str | None, reference: datetime | None, kind: str) -> Evidence | None:
    if not text or not re.search(r"\d", text):
        return None
    match = parse_date_match(text, reference=reference, tz=tz_name)
    if match is None or (match.relative and reference is None):
        return None
    value = match.value
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz_name))
    ev = Evidence(value, clean_text(match.raw), match.calendar, match.has_time, kind)
    label = match.label
    if label is None and kind == "visible":
        found = _labels(text)
        label = "updated" if found == {"updated"} else None
    ev.kind = f"{kind}:{label}" if label else kind
    return ev


def _ld_dates(page: Page, key: str) -> str | None:
    for obj in page.articles_ld or [o for o in page.jsonld if "Video" not in str(o.get("@type"))]:
        text = ld_text(obj.get(key))
        if text:
            return text
    return None


def _url_date(url: str, tz: tzinfo) -> Evidence | None:
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        match = pattern.search(url)
        if match:
            try:
                value = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=tz)
            except ValueError:
                continue
            return Evidence(value, match.group(0).strip("/"), "gregorian", False, "url")
    return None


def _same_wall_clock(a: datetime, b: datetime) -> bool:
    return (a.year, a.month, a.day, a.hour, a.minute) == (b.year, b.month, b.day, b.hour, b.minute)


def extract_dates(
    page: Page, scope: Any, tz_name: str | None, reference: datetime | None, *,
    prefer_visible: bool = False, selector: Any = None,
) -> Dates:
    tz = _zone(tz_name)
    machine: Evidence | None = None
    raw = _ld_dates(page, "datePublished")
    if raw:
        machine = parse_machine(raw, tz, tz_name, reference)
        if machine:
            machine.kind = "jsonld"
    if machine is None:
        raw = page.meta_first(*_PUBLISHED_META)
        machine = parse_machine(raw, tz, tz_name, reference) if raw else None

    updated: Evidence | None = None
    raw_updated = _ld_dates(page, "dateModified") or page.meta_first(*_UPDATED_META)
    if raw_updated:
        updated = parse_machine(raw_updated, tz, tz_name, reference)

    # visible evidence inside the article (a site header's "today" sits outside it)
    visible: Evidence | None = None
    time_attr: Evidence | None = None
    root = scope if scope is not None else page.tree
    elements = selector(page.tree) if selector is not None else find_marked(
        root, _DATE_CLASS_WORDS, tags=frozenset({"time"}), attributes=_DATE_ATTRIBUTES, id_words=_DATE_ID_WORDS
    )
    for el in elements[:12]:
        if is_hidden(el):
            continue
        if el.tag == "time" and el.get("datetime") and time_attr is None:
            time_attr = parse_machine(el.get("datetime"), tz, tz_name, reference)
            if time_attr:
                time_attr.kind = "time"
        text = clean_text(" ".join(el.itertext()))
        if not text or len(text) > 120:
            continue
        found = _visible(text, tz_name, reference, "visible")
        if found is None:
            continue
        if found.kind.endswith(":updated"):
            updated = updated or found
            continue
        if visible is None or (found.has_time and not visible.has_time):
            visible = found
        if visible.has_time:
            break

    published = machine
    if machine and visible and visible.has_time and machine.has_time:
        offset = machine.value.utcoffset()
        local_offset = visible.value.utcoffset()
        if offset == timedelta() and local_offset and _same_wall_clock(machine.value, visible.value):
            # "Z" on a local wall clock: the meta is the site's local time mislabelled, and the
            # same template writes the update time the same way
            published = Evidence(machine.value.replace(tzinfo=tz), machine.raw, "gregorian", True, machine.kind)
            if updated and updated.kind == "meta" and updated.value.utcoffset() == timedelta():
                updated = Evidence(updated.value.replace(tzinfo=tz), updated.raw, "gregorian", updated.has_time,
                                   updated.kind)
        elif prefer_visible:
            published = visible
    elif prefer_visible and visible:
        published = visible
    if published is None:
        published = time_attr or visible or _url_date(page.url, tz)
    if published and time_attr and not published.has_time and time_attr.has_time and (
        time_attr.value.date() == published.value.date()
    ):
        published = time_attr
    return Dates(published, updated)
