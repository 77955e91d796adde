"""One extractor's output for one page against its truth, field by field, and the totals of a set.

- Title: equal after cleaning.
- Dates: "day right" when the printed local calendar day matches the truth's; "time right", only
  where the truth has a time, when the instant matches to the minute (the offset matters: a wall
  time with an unknown offset is not an instant). The record's ``published_local`` (the wall time
  as printed) is used when it has one; otherwise the day is read from ``published_at`` in the
  truth's offset when it has one, else as stored.
- Captions, sources, authors: matched one to one; a missing item and an EXTRA item are both errors
  (a cell ``2/3 +1``), and the field is right only with all found and no extras.
- must_include: the share found in the body; must_exclude: the share leaked into it.
- A non-article page is right when it was rejected with a reason, wrong when it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scraper.evaluation.runners import Credit, Output
from scraper.evaluation.truth import Truth, name_matches, source_matches
from scraper.text import clean_text

_LOCAL = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(slots=True)
class Match:
    """Items of a list field: how many expected were found, and what came that nobody expected."""

    found: int = 0
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def extras(self) -> int:
        return len(self.extra)

    @property
    def ok(self) -> bool:
        return self.found == self.expected and not self.extra

    @property
    def net(self) -> int:
        """Found minus extras: the figure two extractors are compared on."""
        return self.found - self.extras

    def cell(self) -> str:
        return f"{self.found}/{self.expected}" + (f" +{self.extras}" if self.extra else "")

    def __add__(self, other: Match) -> Match:
        return Match(self.found + other.found, self.expected + other.expected,
                     self.missing + other.missing, self.extra + other.extra)

    def as_dict(self) -> dict[str, Any]:
        return {"found": self.found, "expected": self.expected, "extras": self.extras,
                "missing": self.missing, "extra": self.extra}


def match_items(expected: list[str], got: Iterable[Any], same: Callable[[str, Any], bool],
                label: Callable[[Any], str] = str) -> Match:
    """One-to-one: each expected item takes the first unclaimed output item it matches."""
    remaining = list(got)
    missing = []
    for want in expected:
        hit = next((i for i, item in enumerate(remaining) if same(want, item)), None)
        if hit is None:
            missing.append(want)
        else:
            remaining.pop(hit)
    return Match(len(expected) - len(missing), len(expected), missing, [label(item) for item in remaining])


def _credit_matches(want: str, credit: Credit) -> bool:
    return source_matches(want, credit.name, credit.canonical)


def _credit_label(credit: Credit) -> str:
    if not credit.canonical or credit.canonical == credit.name:
        return credit.name
    return f"{credit.name} ({credit.canonical})"


# --- dates ---------------------------------------------------------------------------------


@dataclass(slots=True)
class DateScore:
    day: bool
    time: bool | None  # None: the truth has no time, nothing to score
    got: str  # what the output said, for the detail table
    note: str | None = None  # why a time is wrong when that is not obvious ("offset unknown")


def _parse_local(value: str) -> tuple[str | None, datetime | None]:
    """``published_local`` -> (its calendar day, its wall time with the offset when it has one)."""
    value = value.strip()
    if not _LOCAL.match(value):
        return None, None
    day = value[:10] if len(value) >= 10 else None
    if "T" not in value:
        return day, None
    try:
        return day, datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return day, None


def score_date(truth: str | None, out: Output) -> DateScore:
    want = datetime.fromisoformat(truth) if truth and "T" in truth else None
    want_day = truth[:10] if truth else None
    wall: datetime | None = None  # the output's time of day, with its offset when known
    day: str | None = None
    got = "—"
    no_time = out.published_precision in ("day", "month")
    if out.published_local:
        got = out.published_local
        day, wall = _parse_local(out.published_local)
        no_time = no_time or wall is None
    elif isinstance(out.published, str):  # trafilatura: a day, never a time
        got = out.published
        day, no_time = out.published[:10], True
    elif isinstance(out.published, datetime):
        moment = out.published
        if want is not None and moment.tzinfo is not None:
            moment = moment.astimezone(want.tzinfo)  # the printed day is the day in the page's zone
        got = moment.isoformat(timespec="minutes")
        day, wall = moment.date().isoformat(), moment
    if truth is None:
        return DateScore(day=out.published is None and out.published_local is None, time=None, got=got)
    day_right = day == want_day
    if want is None:
        return DateScore(day_right, None, got)
    if no_time or wall is None:
        return DateScore(day_right, False, got, "no time" if got != "—" else None)
    if wall.tzinfo is None:
        return DateScore(day_right, False, got, "offset unknown")
    return DateScore(day_right, wall.replace(second=0, microsecond=0) == want, got)


# --- one page ------------------------------------------------------------------------------


@dataclass(slots=True)
class PageScore:
    page: str
    article: bool  # the truth's kind: an article, or a page that must be rejected
    stored: bool  # the extractor gave a record the crawl would store
    reason: str | None = None  # why it was not stored (rejection or error)
    seconds: float = 0.0
    # article fields (for a non-article they stay at their defaults and are not counted)
    title: bool = False
    title_want: str = ""
    title_got: str | None = None
    date_want: str | None = None
    date: DateScore = field(default_factory=lambda: DateScore(False, None, "—"))
    include: float = 0.0
    include_missing: list[str] = field(default_factory=list)
    leaks: float = 0.0
    leaked: list[str] = field(default_factory=list)
    captions: Match = field(default_factory=Match)
    sources: Match = field(default_factory=Match)
    authors: Match = field(default_factory=Match)
    error: bool = False

    @property
    def rejected_ok(self) -> bool:
        """For a non-article: rejected with a reason (a crash is not a reason)."""
        return not self.stored and not self.error and bool(self.reason)

    def failures(self) -> list[tuple[str, str, str]]:
        """(field, expected, got) for every wrong cell of this page."""
        if not self.article:
            return [] if self.rejected_ok else [("rejected", "rejected", self.reason if self.error else "stored")]
        if not self.stored:
            return [("stored", "stored", self.reason or "not stored")]
        out = []
        if not self.title:
            out.append(("title", self.title_want, self.title_got or "—"))
        if not self.date.day:
            out.append(("day", (self.date_want or "—")[:10], self.date.got))
        if self.date.time is False:
            note = f" ({self.date.note})" if self.date.note else ""
            out.append(("time", self.date_want or "", self.date.got + note))
        if self.include_missing:
            out.append(("include", f"{self.include:.0%} found", "missing: " + " | ".join(self.include_missing)))
        if self.leaked:
            out.append(("leaks", f"{self.leaks:.0%} leaked", " | ".join(self.leaked)))
        for name in ("captions", "sources", "authors"):
            match: Match = getattr(self, name)
            if not match.ok:
                parts = [f"missing: {' | '.join(match.missing)}"] if match.missing else []
                parts += [f"extra: {' | '.join(match.extra)}"] if match.extra else []
                out.append((name, match.cell(), "; ".join(parts)))
        return out

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"page": self.page, "article": self.article, "stored": self.stored,
                                "reason": self.reason, "seconds": round(self.seconds, 4)}
        if not self.article:
            data["rejected_ok"] = self.rejected_ok
            return data
        data.update({
            "title": self.title, "title_want": self.title_want, "title_got": self.title_got,
            "day": self.date.day, "time": self.date.time, "date_want": self.date_want, "date_got": self.date.got,
            "date_note": self.date.note,
            "include": self.include, "include_missing": self.include_missing,
            "leaks": self.leaks, "leaked": self.leaked,
            "captions": self.captions.as_dict(), "sources": self.sources.as_dict(), "authors": self.authors.as_dict(),
        })
        return data


def score_page(truth: Truth, out: Output) -> PageScore:
    reason = out.error or out.rejected
    if not truth.article:
        return PageScore(truth.name, False, out.stored, reason, out.seconds, error=out.error is not None)
    if not out.stored:
        return PageScore(
            truth.name, True, False, reason, out.seconds, error=out.error is not None,
            title_want=truth.title, date_want=truth.published,
            date=DateScore(False, False if truth.has_time else None, "—"),
            include_missing=list(truth.must_include), leaks=0.0,
            captions=Match(0, len(truth.captions), list(truth.captions)),
            sources=Match(0, len(truth.sources), list(truth.sources)),
            authors=Match(0, len(truth.authors), list(truth.authors)),
        )
    body = clean_text(out.body)
    missing = [s for s in truth.must_include if clean_text(s) not in body]
    leaked = [s for s in truth.must_exclude if clean_text(s) in body]
    return PageScore(
        page=truth.name,
        article=True,
        stored=True,
        seconds=out.seconds,
        title=out.title is not None and clean_text(out.title) == clean_text(truth.title),
        title_want=truth.title,
        title_got=out.title,
        date_want=truth.published,
        date=score_date(truth.published, out),
        include=1 - len(missing) / len(truth.must_include) if truth.must_include else 1.0,
        include_missing=missing,
        leaks=len(leaked) / len(truth.must_exclude) if truth.must_exclude else 0.0,
        leaked=leaked,
        captions=match_items(truth.captions, out.captions, name_matches),
        sources=match_items(truth.sources, out.sources, _credit_matches, _credit_label),
        authors=match_items(truth.authors, out.authors, name_matches),
    )


# --- a set of pages ------------------------------------------------------------------------


@dataclass(slots=True)
class Totals:
    articles: int = 0
    titles: int = 0
    days: int = 0
    times: int = 0
    timed: int = 0  # articles whose truth has a time
    include: float = 0.0  # mean share found per article
    leaks: float = 0.0  # mean share leaked per article
    captions: Match = field(default_factory=Match)
    sources: Match = field(default_factory=Match)
    authors: Match = field(default_factory=Match)
    non_articles: int = 0
    rejected: int = 0  # non-articles rejected with a reason
    seconds: float = 0.0  # extraction time over every page
    slowest: float = 0.0
    slowest_page: str = ""

    @property
    def pages(self) -> int:
        return self.articles + self.non_articles

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages, "articles": self.articles, "titles": self.titles, "days": self.days,
            "times": self.times, "timed": self.timed, "include": self.include, "leaks": self.leaks,
            "captions": self.captions.as_dict(), "sources": self.sources.as_dict(), "authors": self.authors.as_dict(),
            "non_articles": self.non_articles, "non_articles_rejected": self.rejected,
            "pages_per_second": round(self.pages_per_second, 2) if self.seconds > 0 else None,
            "slowest_seconds": round(self.slowest, 4),
            "slowest_page": self.slowest_page,
        }


def totals(scores: list[PageScore]) -> Totals:
    t = Totals()
    articles = [s for s in scores if s.article]
    t.articles = len(articles)
    t.non_articles = len(scores) - len(articles)
    t.rejected = sum(s.rejected_ok for s in scores if not s.article)
    t.titles = sum(s.title for s in articles)
    t.days = sum(s.date.day for s in articles)
    t.timed = sum(s.date.time is not None for s in articles)
    t.times = sum(s.date.time is True for s in articles)
    if articles:
        t.include = sum(s.include for s in articles) / len(articles)
        t.leaks = sum(s.leaks for s in articles) / len(articles)
    for s in articles:
        t.captions += s.captions
        t.sources += s.sources
        t.authors += s.authors
    t.seconds = sum(s.seconds for s in scores)
    if scores:
        slowest = max(scores, key=lambda s: s.seconds)
        t.slowest, t.slowest_page = slowest.seconds, slowest.page
    return t
