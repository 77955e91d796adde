"""Scored comparison of the extractor (and trafilatura, on the same pages in the same process)
against ground-truth files (format: shared/pages/README.md).

Strings are compared after Unicode NFC, tatweel and zero-width/bidi marks removed and whitespace
collapsed: :func:`scraper.text.clean_text`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scraper.article import NotAnArticle
from scraper.extract import extract
from scraper.text import clean_text


@dataclass(slots=True)
class Truth:
    file: Path
    url: str
    title: str
    published: str | None
    authors: list[str]
    sources: list[str]
    captions: list[str]
    must_include: list[str]
    must_exclude: list[str]


@dataclass(slots=True)
class Output:
    """What one extractor gave for one page, reduced to the compared fields."""

    title: str | None = None
    published: datetime | str | None = None  # an aware datetime, or trafilatura's "YYYY-MM-DD"
    body: str = ""
    captions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class Score:
    page: str
    title: bool
    date: bool
    include: float  # share of must_include found
    exclude: float  # share of must_exclude leaked
    captions: tuple[int, int]  # found, expected
    sources: tuple[int, int]
    authors: tuple[int, int]
    error: str | None = None


def load_truths(folder: Path) -> list[Truth]:
    """Every ``*.json`` with a ``file`` key whose page sits beside it."""
    truths = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "file" not in data or not (folder / data["file"]).is_file():
            continue
        truths.append(
            Truth(
                file=folder / data["file"],
                url=data.get("url", ""),
                title=data.get("title", ""),
                published=data.get("published"),
                authors=list(data.get("authors", [])),
                sources=list(data.get("sources", [])),
                captions=list(data.get("captions", [])),
                must_include=list(data.get("must_include", [])),
                must_exclude=list(data.get("must_exclude", [])),
            )
        )
    return truths


def date_matches(truth: str | None, got: datetime | str | None) -> bool:
    """Day when the truth is a date, the minute (as an instant) when it has a time."""
    if not truth:
        return got is None
    if got is None:
        return False
    if isinstance(got, str):  # trafilatura: a date string, no time
        return "T" not in truth and got[:10] == truth[:10]
    if "T" not in truth:
        return got.date().isoformat() == truth
    want = datetime.fromisoformat(truth)
    if want.tzinfo is None or got.tzinfo is None:
        return got.replace(tzinfo=None, second=0, microsecond=0) == want.replace(tzinfo=None)
    return abs(got.replace(second=0, microsecond=0) - want) < timedelta(seconds=1)


def _found(expected: list[str], got: list[str]) -> tuple[int, int]:
    have = {clean_text(g) for g in got}
    return sum(1 for e in expected if clean_text(e) in have), len(expected)


def score(truth: Truth, out: Output) -> Score:
    body = clean_text(out.body)
    include = [clean_text(s) in body for s in truth.must_include]
    leaks = [clean_text(s) in body for s in truth.must_exclude]
    return Score(
        page=truth.file.name,
        title=out.title is not None and clean_text(out.title) == clean_text(truth.title),
        date=date_matches(truth.published, out.published),
        include=sum(include) / len(include) if include else 1.0,
        exclude=sum(leaks) / len(leaks) if leaks else 0.0,
        captions=_found(truth.captions, out.captions),
        sources=_found(truth.sources, out.sources),
        authors=_found(truth.authors, out.authors),
        error=out.error,
    )


def run_ours(html: bytes, url: str) -> Output:
    try:
        article = extract(html, url)
    except NotAnArticle as error:
        return Output(error=str(error))
    return Output(
        title=article.title,
        published=article.published_at,
        body=article.body,
        captions=[c.text for c in article.captions],
        sources=[s.name for s in article.sources] + [s.canonical for s in article.sources if s.canonical],
        authors=article.authors,
    )


def run_trafilatura(html: bytes, url: str) -> Output:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as error:  # a baseline's crash is a result, not our failure
        return Output(error=f"{type(error).__name__}: {error}")
    if doc is None:
        return Output(error="nothing extracted")
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    return Output(
        title=data.get("title"),
        published=data.get("date"),
        body=data.get("text") or "",
        authors=[a.strip() for a in author.split(";") if a.strip()],
    )


@dataclass(slots=True)
class Run:
    name: str
    scores: list[Score]
    seconds: float  # extraction time over all pages (best of the repeats)

    @property
    def pages_per_second(self) -> float:
        return len(self.scores) / self.seconds if self.seconds > 0 else float("inf")

    def totals(self) -> dict[str, Any]:
        n = len(self.scores) or 1
        cap = [sum(s.captions[i] for s in self.scores) for i in (0, 1)]
        src = [sum(s.sources[i] for s in self.scores) for i in (0, 1)]
        aut = [sum(s.authors[i] for s in self.scores) for i in (0, 1)]
        return {
            "pages": len(self.scores),
            "title": sum(s.title for s in self.scores),
            "date": sum(s.date for s in self.scores),
            "include": sum(s.include for s in self.scores) / n,
            "exclude": sum(s.exclude for s in self.scores) / n,
            "captions": tuple(cap),
            "sources": tuple(src),
            "authors": tuple(aut),
            "pages_per_second": self.pages_per_second,
        }


def evaluate(
    truths: list[Truth], name: str, runner: Callable[[bytes, str], Output], *, repeat: int = 1
) -> Run:
    pages = [(t, t.file.read_bytes()) for t in truths]
    outputs: list[Output] = []
    best = float("inf")
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        outputs = [runner(html, t.url) for t, html in pages]
        best = min(best, time.perf_counter() - start)
    return Run(name, [score(t, o) for (t, _), o in zip(pages, outputs, strict=True)], best)


def meets_targets(run: Run) -> list[str]:
    """The issue's targets that a run misses (empty: all met). Speed is judged separately."""
    t = run.totals()
    misses = []
    if t["title"] < t["pages"]:
        misses.append(f"titles {t['title']}/{t['pages']}")
    if t["date"] < t["pages"]:
        misses.append(f"dates {t['date']}/{t['pages']}")
    if t["include"] < 0.98:
        misses.append(f"must_include {t['include']:.1%}")
    if t["exclude"] > 0.01:
        misses.append(f"must_exclude leaks {t['exclude']:.1%}")
    if t["captions"][0] < t["captions"][1]:
        misses.append("captions {}/{}".format(*t["captions"]))
    if t["sources"][0] < t["sources"][1]:
        misses.append("sources {}/{}".format(*t["sources"]))
    return misses
