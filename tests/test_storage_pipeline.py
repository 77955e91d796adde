"""StorePipeline as Scrapy builds it: batches, dropped items, the crawl_run row."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import select

import models
from pipelines.store import StorePipeline
from scraper.article import CrawlItem, FetchedPage
from scraper.storage.engine import make_engine
from scraper.storage.synthetic import make_item


class DemoSpider(Spider):
    name = "alaraby"


def run_pipeline(database_url: str, items: list[CrawlItem], dropped: list[CrawlItem]) -> None:
    crawler = get_crawler(DemoSpider, {"AKHBAR_DATABASE_URL": database_url, "AKHBAR_STORE_BATCH": 3})
    spider = DemoSpider()
    crawler.spider = spider
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for item in items:
        assert pipeline.process_item(item) is item
    for item in dropped:
        pipeline.item_dropped(item, None, DropItem(f"{item.page.url}: {item.problem}"), spider)
    pipeline.close_spider()
    pipeline.spider_closed(spider, "finished")


def test_pipeline_stores_articles_and_logs_dropped_pages(database_url: str) -> None:
    video = FetchedPage(
        "https://alaraby.example/video/1",
        200,
        {"Content-Type": "text/html"},
        "<html>فيديو</html>".encode(),
        datetime(2026, 1, 2, tzinfo=UTC),
    )
    dropped = [CrawlItem(video, None, "video page, not an article", "extract")]
    items = [make_item(n, site="alaraby") for n in range(7)]
    run_pipeline(database_url, items, dropped)
    run_pipeline(database_url, items, dropped)  # a second crawl stores nothing twice

    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert len(connection.execute(select(models.Article.id)).all()) == 7
        assert len(connection.execute(select(models.ArticleRevision.id)).all()) == 7
        failure = connection.execute(select(models.ExtractionFailure)).one()
        runs = connection.execute(select(models.CrawlRun).order_by(models.CrawlRun.id)).all()
        raw = connection.execute(select(models.RawPage).where(models.RawPage.url == video.url)).one()
    engine.dispose()
    assert failure.url == video.url and failure.stage == "extract"
    assert "video page, not an article" in failure.error and failure.attempts == 2
    assert raw.site == "alaraby"
    assert [(r.spider, r.finish_reason, r.articles_new, r.articles_stored, r.failures) for r in runs] == [
        ("alaraby", "finished", 7, 7, 1),
        ("alaraby", "finished", 0, 7, 1),
    ]
    assert all(r.finished_at >= r.started_at for r in runs)
