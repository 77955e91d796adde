"""Stage 6: publication and update dates, from the best evidence in this order: JSON-LD
``datePublished``, ``article:published_time``-like meta, the byline stamps printed around the
headline (read by scraper.dates), elements marked as dates (``<time>``, a class with "date"),
a ``<time datetime>`` in the article, the date in the URL path.

The byline stamps are found by where they sit, not by their markup: the lines between the
headline and the first body paragraph (and the few just above the headline), nearest to the
headline first, then the labelled lines right after the body (`آخر تحديث: ...`). A site header's
clock, a ticker or a sidebar list sits outside the article's scope or far from its headline, and
a line that is mostly links (a related-article list) is skipped.

Sites lie, so the machine value is cross-checked against the visible stamp: a meta time marked UTC
whose wall clock equals the visible local time is really local time (Youm7's ``09:23:13Z`` printed
``09:23 ص``, Cairo), and is read in the site's time zone. A visible stamp labelled as an update
(``آخر تحديث``) is the update date, never the publication date.

Each date keeps its precision (``second``, ``minute``, ``day``, ``month``) and where its zone came
from (``zone_source``: ``text``, ``metadata``, or the page zone's source, see
scraper/extract/timezone.py). A machine value at exactly 00:00:00 that no visible clock confirms
is a date-only placeholder (print editions, CMS defaults): a day. :func:`stamp` turns the evidence
into the Article's fields (see docs/extraction.md, "Dates and time zones").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scraper import dates_data
from scraper.article import Precision, ZoneSource
from scraper.dates import DateMatch, find_dates, parse_date_match
from scraper.extract.dom import Line, find_marked, is_hidden, iter_lines, skip_hidden
from scraper.extract.page import Page, ld_text
from scraper.extract.timezone import UNKNOWN, PageZone
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

# The byline region: how far from the headline a stamp may sit, in lines of text.
HEAD_LINES_BELOW = 12  # between the headline and the first body paragraph
HEAD_LINES_ABOVE = 3  # a kicker or dateline printed over the headline
TAIL_LINES = 6  # after the last body paragraph; only labelled stamps count there
BODY_OPENING_LINES = 3  # short lines opening the body (a reference number, a dateline)
BODY_OPENING_CHARS = 100
# An unlabelled date counts in a head line only if little else is on it (a name, a weekday,
# separators): a dek that mentions a date is not a byline.
_OTHER_TEXT_MAX = 60
_LINK_SHARE_MAX = 0.5  # a line mostly made of links is another article's teaser


@dataclass(slots=True)
class Evidence:
    value: datetime  # aware when the zone is known; naive (the printed wall clock) when not
    raw: str
    calendar: Calendar
    has_time: bool
    kind: str  # jsonld | meta | time | visible | byline | url, with ":updated" for update stamps
    precision: Precision = "day"
    zone_source: ZoneSource = "unknown"


@dataclass(slots=True)
class Dates:
    published: Evidence | None
    updated: Evidence | None


@dataclass(frozen=True, slots=True)
class Stamp:
    """A date as the Article stores it (see :func:`stamp`)."""

    at: datetime  # aware, for sorting and filters
    local: str  # ISO wall time as printed: `2013-08-03`, `2022-05-03T18:45+02:00`, `2022-05-03T18:45`
    precision: Precision
    zone_source: ZoneSource


def stamp(evidence: Evidence) -> Stamp:
    """The stored form of a date.

    ``local`` keeps what was printed: the day for a day, the month for a month, the wall clock with
    its offset when the zone is known and without one when it is not. ``at`` is an aware instant:
    the real one when the clock and its zone are known; otherwise the printed wall clock (or the
    day's 00:00) labelled UTC, so that its UTC date is always the printed date and sorting and
    ``--since`` filters never move a date to the day before. Nothing is invented: ``precision``
    and ``zone_source`` say how much of ``at`` is real.
    """
    value, precision = evidence.value, evidence.precision
    if precision == "month":
        month = datetime(value.year, value.month, 1, tzinfo=UTC)
        return Stamp(month, f"{value:%Y-%m}", precision, evidence.zone_source)
    if precision == "day":
        day = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return Stamp(day, value.date().isoformat(), precision, evidence.zone_source)
    spec = "seconds" if precision == "second" else "minutes"
    if value.tzinfo is None:
        return Stamp(value.replace(tzinfo=UTC), value.isoformat(timespec=spec), precision, "unknown")
    return Stamp(value, value.isoformat(timespec=spec), precision, evidence.zone_source)


def _tz(name: str | None) -> Any:
    return ZoneInfo(name) if name else None


def _from_match(match: DateMatch, zone: PageZone, kind: str, raw: str | None = None) -> Evidence:
    value = match.value
    if match.has_zone:
        source: ZoneSource = "metadata" if kind in ("jsonld", "meta", "time") else "text"
    elif match.relative and zone.name is None and value.tzinfo is not None:
        source = "metadata"  # `منذ ساعتين`: an instant counted back from the fetch time, in its offset
    elif value.tzinfo is not None:  # read in the page zone by scraper.dates (tz=...)
        source = zone.source
    else:
        source = "unknown"
    return Evidence(
        value, clean_text(raw if raw is not None else match.raw), match.calendar, match.has_time, kind,
        match.precision, source,
    )  # fmt: skip


def parse_machine(raw: str, zone: PageZone, reference: datetime | None, kind: str = "meta") -> Evidence | None:
    """A machine-readable value (ISO 8601; one without an offset is read in the page zone) or the
    Arabic text some sites put in meta tags (``الإثنين، 24 أغسطس 2020``): both through scraper.dates."""
    raw = clean_text(raw)
    if not raw or not re.search(r"\d", raw):
        return None
    match = parse_date_match(raw, reference=reference, tz=zone.name)
    if match is None or (match.relative and reference is None):
        return None
    return _from_match(match, zone, kind, raw)  # the whole attribute value is the raw text


def _visible(text: str, zone: PageZone, reference: datetime | None, kind: str) -> Evidence | None:
    if not text or not re.search(r"\d", text):
        return None
    match = parse_date_match(text, reference=reference, tz=zone.name)
    if match is None or (match.relative and reference is None):
        return None
    ev = _from_match(match, zone, kind)
    label = match.label
    if label is None:
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


def _url_date(url: str, zone: PageZone) -> Evidence | None:
    """`/2013/middle_east/8/3/`, `/20240513/`: a day, whatever the zone."""
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        match = pattern.search(url)
        if match:
            try:
                value = datetime(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
            return Evidence(value, match.group(0).strip("/"), "gregorian", False, "url", "day", zone.source)
    return None


def _same_wall_clock(a: datetime, b: datetime) -> bool:
    return (a.year, a.month, a.day, a.hour, a.minute) == (b.year, b.month, b.day, b.hour, b.minute)


# --- the byline region ----------------------------------------------------------------------------


def _index(lines: list[Line], text: str | None, *, last: bool = False) -> int | None:
    if not text:
        return None
    probe = clean_text(text)[:40]
    order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
    for i in order:
        if probe and probe in lines[i].text:
            return i
    return None


def byline_lines(
    scope: Any, title_el: Any, title: str | None, first_paragraph: str | None, last_paragraph: str | None,
    lines: list[Line] | None = None,
) -> tuple[list[str], list[str]]:
    """(head lines nearest to the headline first, tail lines after the body in reading order).
    ``lines``: the scope's cleaned lines when already known (scraper.extract.regions.scope_lines),
    else the scope is walked."""
    if scope is None:
        return [], []
    if lines is None:
        lines = iter_lines(scope, skip_hidden)
    head_at = None
    if title_el is not None:
        head_at = next((i for i, line in enumerate(lines) if line.owner is title_el), None)
    if head_at is None:
        head_at = _index(lines, title)
    body_at = _index(lines, first_paragraph)
    end_at = _index(lines, last_paragraph, last=True)
    # the short lines opening the body container are a byline too (`بروكسل، 9 تشرين الأول 2009`)
    opening: list[Line] = []
    if body_at is not None:
        for line in lines[body_at : body_at + BODY_OPENING_LINES]:
            if len(line.text) > BODY_OPENING_CHARS:
                break
            opening.append(line)
    head: list[tuple[int, Line]] = []
    if head_at is not None:
        stop = body_at if body_at is not None and body_at > head_at else head_at + 1 + HEAD_LINES_BELOW
        below = lines[head_at + 1 : min(stop, head_at + 1 + HEAD_LINES_BELOW)]
        if body_at is not None and body_at > head_at:
            below += opening
        # over the headline only inside an article element: over a headline in <body> is the site header
        above = lines[max(0, head_at - HEAD_LINES_ABOVE) : head_at] if scope.tag != "body" else []
        # below the headline first (the byline's place); a kicker or dateline over it after
        head = [(d, line) for d, line in enumerate(below, 1)]
        head += [(len(below) + d, line) for d, line in enumerate(reversed(above), 1)]
    elif body_at is not None:  # no headline element: the body's opening lines, then those over it
        over = list(reversed(lines[max(0, body_at - HEAD_LINES_BELOW) : body_at]))
        head = [(d, line) for d, line in enumerate([*opening, *over], 1)]
    head.sort(key=lambda pair: pair[0])
    tail: list[Line] = []
    if end_at is not None and (body_at is None or end_at >= body_at):
        tail = lines[end_at + 1 : end_at + 1 + TAIL_LINES]
    keep = lambda line: line.link_density <= _LINK_SHARE_MAX  # noqa: E731
    return [line.text for _, line in head if keep(line)], [line.text for line in tail if keep(line)]


def _byline_dates(
    head: list[str], tail: list[str], zone: PageZone, reference: datetime | None
) -> tuple[Evidence | None, Evidence | None]:
    """(publication, update) stamps from the byline region."""
    published: Evidence | None = None
    updated: Evidence | None = None
    for lines, labelled_only in ((head, False), (tail, True)):
        for text in lines:
            line_labels = _labels(text)
            for match in find_dates(text, reference=reference, tz=zone.name):
                if match.relative and reference is None:
                    continue
                label = match.label or ("updated" if line_labels == {"updated"} else None)
                if label is None and (labelled_only or len(text) - len(match.raw) > _OTHER_TEXT_MAX):
                    continue
                ev = _from_match(match, zone, "byline")
                if label == "updated":
                    if updated is None:
                        ev.kind = "byline:updated"
                        updated = ev
                elif published is None:
                    published = ev
            if published is not None and published.has_time:
                return published, updated
        if published is not None:
            break
    return published, updated


def extract_dates(
    page: Page, scope: Any, zone: PageZone | None, reference: datetime | None, *,
    prefer_visible: bool = False, selector: Any = None, title_el: Any = None, title: str | None = None,
    first_paragraph: str | None = None, last_paragraph: str | None = None,
    scope_lines: list[Line] | None = None,
) -> Dates:
    """The publication and update dates. ``zone``: the page zone for unzoned times
    (scraper.extract.timezone.page_zone); ``title_el``/``title`` and the first and last body
    paragraphs locate the byline region inside ``scope``; ``scope_lines``: its lines, when known."""
    zone = zone or UNKNOWN
    machine: Evidence | None = None
    raw = _ld_dates(page, "datePublished")
    if raw:
        machine = parse_machine(raw, zone, reference, "jsonld")
    if machine is None:
        raw = page.meta_first(*_PUBLISHED_META)
        machine = parse_machine(raw, zone, reference) if raw else None

    updated: Evidence | None = None
    raw_updated = _ld_dates(page, "dateModified") or page.meta_first(*_UPDATED_META)
    if raw_updated:
        updated = parse_machine(raw_updated, zone, reference)

    # 1. the byline region around the headline
    head, tail = byline_lines(scope, title_el, title, first_paragraph, last_paragraph, scope_lines)
    visible, byline_updated = _byline_dates(head, tail, zone, reference)
    updated = updated or byline_updated

    # 2. elements marked as dates, inside the article (a site header's "today" sits outside it)
    time_attr: Evidence | None = None
    root = scope if scope is not None else page.tree
    elements = selector(page.tree) if selector is not None else find_marked(
        root, _DATE_CLASS_WORDS, tags=frozenset({"time"}), attributes=_DATE_ATTRIBUTES, id_words=_DATE_ID_WORDS
    )
    if selector is not None:
        visible = None  # a site rule names the stamp: it outranks the region
    for el in elements[:12]:
        if is_hidden(el):
            continue
        if el.tag == "time" and el.get("datetime") and time_attr is None:
            time_attr = parse_machine(el.get("datetime"), zone, reference, "time")
        if visible is not None and visible.has_time:
            continue  # the byline already gave a clock; only <time datetime> is still looked for
        text = clean_text(" ".join(el.itertext()))
        if not text or len(text) > 120:
            continue
        found = _visible(text, zone, reference, "visible")
        if found is None:
            continue
        if found.kind.endswith(":updated"):
            updated = updated or found
            continue
        if visible is None or (found.has_time and not visible.has_time and _same_day(found, visible)):
            visible = found

    published = machine
    if machine and visible and visible.has_time and machine.has_time:
        offset = machine.value.utcoffset()
        local_offset = visible.value.utcoffset()
        if offset == timedelta() and local_offset and _same_wall_clock(machine.value, visible.value):
            # "Z" on a local wall clock: the meta is the site's local time mislabelled, and the
            # same template writes the update time the same way
            local = _tz(zone.name)
            published = replace(machine, value=machine.value.replace(tzinfo=local), zone_source=zone.source)
            if updated and updated.kind == "meta" and updated.value.utcoffset() == timedelta():
                updated = replace(updated, value=updated.value.replace(tzinfo=local), zone_source=zone.source)
        elif prefer_visible:
            published = visible
    elif prefer_visible and visible:
        published = visible
    if published is None:
        published = time_attr or visible or _url_date(page.url, zone)
    if published and time_attr and not published.has_time and time_attr.has_time and (
        time_attr.value.date() == published.value.date()
    ):
        published = time_attr
    if published is not None and published is not visible:
        published = _midnight_placeholder(published, visible)
    if updated is not None and updated is not visible:
        updated = _midnight_placeholder(updated, None)
    return Dates(published, updated)


def _same_day(a: Evidence, b: Evidence) -> bool:
    return a.value.date() == b.value.date()


def _midnight_placeholder(evidence: Evidence, visible: Evidence | None) -> Evidence:
    """A machine value at exactly 00:00:00 is a day unless the page prints that clock."""
    value = evidence.value
    if evidence.kind not in ("jsonld", "meta", "time") or evidence.precision == "day":
        return evidence
    if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
        return evidence
    if visible is not None and visible.has_time and _same_wall_clock(visible.value, value):
        return evidence
    return replace(evidence, has_time=False, precision="day")
