"""What one crawl run measured: pages, errors, articles and how many articles had each field.

The counts are compared with the site's earlier runs (scraper/operations/health.py): a field
whose share falls sharply usually means the site changed its pages and extraction broke.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from scraper.article import Article

# The article fields whose share is watched, in the order reports list them.
FIELDS = ("title", "body", "date_time", "captions", "sources", "authors")
# Dropped items from these stages are HTTP or download errors, not extraction failures.
HTTP_STAGES = frozenset({"download", "fetch"})


@dataclass
class RunMeasure:
    pages_fetched: int = 0
    http_errors: int = 0
    articles: int = 0
    extraction_failures: int = 0
    with_title: int = 0
    with_body: int = 0
    with_date_time: int = 0
    with_captions: int = 0
    with_sources: int = 0
    with_authors: int = 0

    def add_response(self, status: int) -> None:
        self.pages_fetched += 1
        if status >= 400:
            self.http_errors += 1

    def add_dropped(self, stage: str, *, had_response: bool) -> None:
        if stage in HTTP_STAGES:
            if not had_response:  # a response with an error status was counted when it arrived
                self.http_errors += 1
        else:
            self.extraction_failures += 1

    def add_article(self, article: Article) -> None:
        self.articles += 1
        self.with_title += bool(article.title.strip())
        self.with_body += bool(article.blocks)
        self.with_date_time += article.published_precision in ("second", "minute")
        self.with_captions += bool(article.captions)
        self.with_sources += bool(article.sources)
        self.with_authors += bool(article.authors)

    def share(self, name: str) -> float | None:
        """The share of articles with field ``name``; None when the run stored no article."""
        return getattr(self, f"with_{name}") / self.articles if self.articles else None

    def error_share(self) -> float | None:
        return self.http_errors / self.pages_fetched if self.pages_fetched else None

    def failure_share(self) -> float | None:
        seen = self.articles + self.extraction_failures
        return self.extraction_failures / seen if seen else None

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> RunMeasure:
        return cls(**{f.name: int(row[f.name]) for f in fields(cls)})
