"""The two extractors as the evaluation runs them, each reduced to one :class:`Output` per page.

akhbar is scored on what the crawl would STORE: the extracted Article goes through the same item
pipelines the crawl runs before storage (validate, then normalize), and the normalized record is
what is compared. A page the extractor rejects (``NotAnArticle``) or validation drops is a
rejection with its reason; an exception is an error (a crawl would store neither).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.settings import Settings

from pipelines.normalize import NormalizePipeline
from pipelines.validate import DEFAULT_MIN_BODY_CHARS, ValidatePipeline
from scraper.article import Article, CrawlItem, FetchedPage, NotAnArticle
from scraper.extract import extract

TRAFILATURA_INSTALL = "pip install -e '.[dev]'"


@dataclass(slots=True)
class Credit:
    name: str
    canonical: str | None = None


@dataclass(slots=True)
class Output:
    """What one extractor gave for one page, reduced to the compared fields."""

    title: str | None = None
    # the stored instant (aware; naive when the zone is unknown), or a day alone as "YYYY-MM-DD"
    published: datetime | str | None = None
    published_local: str | None = None  # the printed wall time, when the record carries it
    published_precision: str | None = None  # second / minute / day / month, when the record carries it
    body: str = ""
    captions: list[str] = field(default_factory=list)
    sources: list[Credit] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    rejected: str | None = None  # why the page was not stored (not an article, dropped by validation)
    error: str | None = None  # the extractor crashed
    seconds: float = 0.0  # extraction time of this page

    @property
    def stored(self) -> bool:
        return self.rejected is None and self.error is None


Runner = Callable[[bytes, str], Output]

def _validate_pipeline() -> ValidatePipeline:
    """Validation as the crawl configures it (the project's settings module)."""
    settings = Settings()
    settings.setmodule("settings", priority="project")
    return ValidatePipeline(settings.getint("AKHBAR_MIN_BODY_CHARS", DEFAULT_MIN_BODY_CHARS))


_VALIDATE = _validate_pipeline()
_NORMALIZE = NormalizePipeline()


def stored_record(html: bytes, url: str, article: Article) -> tuple[Article | None, str | None]:
    """The record the crawl would store for ``article``, or None and the reason validation gives."""
    item = CrawlItem(page=FetchedPage(url=url, status=200, headers={}, body=html), article=article)
    try:
        item = _NORMALIZE.process_item(_VALIDATE.process_item(item))
    except DropItem as drop:
        reason = str(drop)
        return None, reason.removeprefix(f"{url}: ")
    return item.article, None


def run_akhbar(html: bytes, url: str) -> Output:
    start = time.perf_counter()
    try:
        article = extract(html, url)
    except NotAnArticle as verdict:
        return Output(rejected=f"not an article: {verdict}", seconds=time.perf_counter() - start)
    except Exception as error:  # scored as a failure of this page, as the spider logs it
        return Output(error=f"extractor error: {type(error).__name__}: {error}", seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    record, problem = stored_record(html, url, article)
    if record is None:
        return Output(rejected=problem, seconds=seconds)
    return from_record(record, seconds)


def from_record(record: Article, seconds: float = 0.0) -> Output:
    """The compared fields of a stored record."""
    local = getattr(record, "published_local", None)  # added by the precision work (issue 8)
    precision = getattr(record, "published_precision", None)
    return Output(
        title=record.title,
        published=record.published_at,
        published_local=str(local) if local else None,
        published_precision=str(precision) if precision else None,
        body=record.body,
        captions=[c.text for c in record.captions],
        sources=[Credit(s.name, s.canonical) for s in record.sources],
        authors=list(record.authors),
        seconds=seconds,
    )


def trafilatura_problem() -> str | None:
    """Why trafilatura cannot run here (one line with the fix), or None when it can."""
    try:
        import trafilatura  # noqa: F401
    except ImportError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if len(first_line) > 44:
            first_line = first_line[:43] + "…"
        return f"cannot import trafilatura ({first_line}); install: {TRAFILATURA_INSTALL}"
    return None


# htmldate (trafilatura's date finder) gives a time only when asked for one in its output format
_TRAFILATURA_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _trafilatura_date_params() -> dict[str, Any] | None:
    try:
        from trafilatura.settings import set_date_params
    except ImportError:  # an older trafilatura: its own defaults, days only
        return None
    return {**set_date_params(True), "outputformat": _TRAFILATURA_DATE_FORMAT}


def trafilatura_date(value: str | None) -> datetime | str | None:
    """htmldate's answer: a bare midnight without offset is its way of saying "a day, no time"."""
    if not value:
        return None
    for pattern in (_TRAFILATURA_DATE_FORMAT, "%Y-%m-%dT%H:%M:%S"):
        try:
            moment = datetime.strptime(value, pattern)
            break
        except ValueError:
            continue
    else:
        return value[:10]
    if moment.tzinfo is None and moment.time() == datetime.min.time():
        return value[:10]
    return moment


def run_trafilatura(html: bytes, url: str) -> Output:
    import trafilatura

    start = time.perf_counter()
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          date_extraction_params=_trafilatura_date_params())
    except Exception as error:  # a baseline's crash is a result, not our failure
        return Output(error=f"{type(error).__name__}: {error}", seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    if doc is None:
        return Output(rejected="nothing extracted", seconds=seconds)
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    return Output(
        title=data.get("title"),
        published=trafilatura_date(data.get("date")),
        body=data.get("text") or "",
        authors=[a.strip() for a in author.split(";") if a.strip()],
        seconds=seconds,
    )


RUNNERS: dict[str, Runner] = {"akhbar": run_akhbar, "trafilatura": run_trafilatura}
