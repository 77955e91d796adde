"""Re-extraction over the raw-page archive: only changed extractions touch the database, and an
interrupted run resumes where it stopped."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import Engine, select

import models
from pipelines.normalize import normalize_article
from pipelines.validate import ValidatePipeline
from scraper.article import Article, CrawlItem, NotAnArticle
from scraper.extract import extract
from scraper.storage.reparse import reparse
from scraper.storage.synthetic import make_article, make_page
from scraper.storage.writer import ArticleWriter

NUMBERS = range(6)


def crawl(engine: Engine) -> dict[str, Article]:
    """Store pages the way a crawl does: extract, normalize, store."""
    items = []
    for number in NUMBERS:
        page = make_page(make_article(number))
        items.append(CrawlItem(page, normalize_article(extract(page.body, page.url, page.fetched_at))))
    ArticleWriter(engine).store(items)
    return {item.page.url: item.article for item in items}


def revisions(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(models.Article.canonical_url, models.ArticleRevision.id).join(
                models.ArticleRevision, models.ArticleRevision.article_id == models.Article.id
            )
        ).all()
    found: dict[str, int] = {}
    for url, _ in rows:
        found[url] = found.get(url, 0) + 1
    return found


def test_reparse_with_the_same_extractor_changes_nothing(engine: Engine) -> None:
    crawl(engine)
    status = reparse(engine, extract, prepare=normalize_article, check=ValidatePipeline().problem, batch_size=4)
    assert (status.pages, status.changed, status.failures) == (6, 0, 0)
    assert set(revisions(engine).values()) == {1}


def test_a_parser_fix_updates_only_the_articles_it_changes(engine: Engine) -> None:
    crawl(engine)
    fixed_url = make_article(2).url

    def fixed_extract(html: bytes, url: str, fetched_at: datetime) -> Article:
        article = normalize_article(extract(html, url, fetched_at))
        return replace(article, title=article.title + " - محدث") if url == fixed_url else article

    status = reparse(engine, fixed_extract, batch_size=4)
    assert (status.pages, status.changed) == (6, 1)
    counts = revisions(engine)
    assert counts.pop(make_article(2).canonical_url) == 2
    assert set(counts.values()) == {1}
    with engine.connect() as connection:
        title = connection.execute(
            select(models.Article.title).where(models.Article.canonical_url == make_article(2).canonical_url)
        ).scalar_one()
    assert title.endswith("- محدث")


def test_an_interrupted_reparse_resumes_where_it_stopped(engine: Engine) -> None:
    crawl(engine)
    seen: list[str] = []

    def interrupted(html: bytes, url: str, fetched_at: datetime) -> Article:
        if len(seen) == 3:
            raise KeyboardInterrupt
        seen.append(url)
        return normalize_article(extract(html, url, fetched_at))

    with pytest.raises(KeyboardInterrupt):
        reparse(engine, interrupted, batch_size=1)
    assert len(seen) == 3

    def counting(html: bytes, url: str, fetched_at: datetime) -> Article:
        seen.append(url)
        return normalize_article(extract(html, url, fetched_at))

    status = reparse(engine, counting, batch_size=1)
    assert status.resumed and status.pages == 6 and status.total == 6
    assert len(seen) == 6 and len(set(seen)) == 6  # the three done pages were not parsed again
    again = reparse(engine, counting, batch_size=1)  # a finished run is not resumed: a new one starts
    assert not again.resumed and again.pages == 6


def test_reparse_filters_by_site_and_records_non_articles(engine: Engine) -> None:
    stored = crawl(engine)

    def picky(html: bytes, url: str, fetched_at: datetime) -> Article:
        raise NotAnArticle("video page")

    site = stored[make_article(1).url].site  # as the extractor named it
    status = reparse(engine, picky, site=site)
    assert status.pages == sum(1 for article in stored.values() if article.site == site) > 0
    assert status.failures == status.pages
    with engine.connect() as connection:
        failures = connection.execute(select(models.ExtractionFailure)).all()
        articles = connection.execute(select(models.Article.id)).all()
    assert {f.stage for f in failures} == {"reparse"} and len(articles) == 6  # articles are kept
