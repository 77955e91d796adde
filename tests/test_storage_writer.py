"""Upserts, revisions, children, raw pages and failures, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, text

import models
from scraper.article import CrawlItem, FetchedPage, SourceCredit
from scraper.storage.synthetic import make_article, make_item, make_page
from scraper.storage.writer import ArticleWriter, Failure


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_same_article_twice_is_one_row_and_no_new_revision(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    first = writer.store([make_item(1), make_item(2)])
    again = writer.store([make_item(1), make_item(2)])
    assert (first.new, first.revisions) == (2, 2)
    assert (again.stored, again.new, again.revisions) == (2, 0, 0)
    assert count(engine, "article") == 2
    assert count(engine, "article_revision") == 2
    assert count(engine, "raw_page") == 2  # identical bodies are archived once


def test_edited_headline_adds_a_revision_and_updates_the_article(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    writer.store([make_item(7)])
    later = make_article(7).fetched_at + timedelta(hours=3)
    result = writer.store([make_item(7, title="عنوان معدّل بعد التحديث", fetched_at=later)])
    assert (result.new, result.revisions) == (0, 1)
    with engine.connect() as connection:
        article = connection.execute(select(models.Article)).one()
        revisions = connection.execute(
            select(models.ArticleRevision.title, models.ArticleRevision.record).order_by(models.ArticleRevision.id)
        ).all()
    assert article.title == "عنوان معدّل بعد التحديث"
    assert article.first_seen_at < article.last_seen_at == later
    assert [r.title for r in revisions][1] == "عنوان معدّل بعد التحديث"
    assert revisions[0].record["title"] != revisions[1].record["title"]


def test_captions_sources_authors_tags_are_stored_in_order(engine: Engine) -> None:
    article = make_article(3)
    article.tags = ["غزة", "الأمم المتحدة", "مساعدات"]
    ArticleWriter(engine).store([CrawlItem(make_page(article), article)])
    with engine.connect() as connection:
        caption = connection.execute(select(models.Caption)).one()
        source = connection.execute(select(models.SourceAttribution)).one()
        tags = connection.execute(select(models.Tag.name).order_by(models.Tag.position)).scalars().all()
        author = connection.execute(select(models.Author.name)).scalar_one()
        stored = connection.execute(select(models.Article)).one()
    assert (caption.text, caption.credit) == (article.captions[0].text, "أرشيف - غيتي")
    assert (source.name, source.canonical) == (article.sources[0].name, article.sources[0].canonical)
    assert tags == ["غزة", "الأمم المتحدة", "مساعدات"]
    assert author == article.authors[0]
    assert stored.body == article.body
    assert [b["kind"] for b in stored.blocks] == [b.kind for b in article.blocks]
    assert stored.published_raw == article.published_raw and stored.published_calendar == "gregorian"
    assert stored.published_at == article.published_at and stored.published_at.tzinfo is not None


def test_an_edit_replaces_the_children(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    writer.store([make_item(4)])
    edited = make_article(4, fetched_at=make_article(4).fetched_at + timedelta(days=1))
    edited.captions = []
    edited.tags = ["رياضة"]
    writer.store([CrawlItem(make_page(edited), edited)])
    assert count(engine, "caption") == 0
    with engine.connect() as connection:
        assert connection.execute(select(models.Tag.name)).scalars().all() == ["رياضة"]


def test_times_are_stored_in_utc_and_naive_values_are_taken_as_utc(engine: Engine, caplog) -> None:
    article = make_article(5)
    article.published_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC) + timedelta(hours=0)
    article.published_at = article.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Qatar"))
    article.updated_at = datetime(2026, 3, 1, 15, 0)  # naive
    with caplog.at_level(logging.WARNING):
        ArticleWriter(engine).store([CrawlItem(make_page(article), article)])
    with engine.connect() as connection:
        stored = connection.execute(select(models.Article)).one()
    assert stored.published_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert stored.published_at.utcoffset() == timedelta(0)
    assert stored.updated_at == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert "naive datetime" in caplog.text and article.canonical_url in caplog.text


def test_raw_page_body_round_trips_compressed(engine: Engine) -> None:
    item = make_item(9)
    ArticleWriter(engine).store([item])
    with engine.connect() as connection:
        page = connection.execute(select(models.RawPage)).one()
        article = connection.execute(select(models.Article)).one()
    assert page.compression == "zlib" and len(page.body) < len(item.page.body)
    assert zlib.decompress(page.body) == item.page.body
    assert page.size == len(item.page.body)
    assert page.headers == item.page.headers and page.status == 200
    assert page.fetched_at == item.page.fetched_at
    assert article.raw_page_id == page.id


def test_a_row_breaking_a_constraint_is_logged_and_skipped(engine: Engine, caplog) -> None:
    bad = make_item(11, title="ع" * 5000)  # longer than the title CHECK allows
    with caplog.at_level(logging.ERROR):
        result = ArticleWriter(engine).store([make_item(10), bad, make_item(12)])
    assert count(engine, "article") == 2
    assert result.skipped and result.skipped[0][0] == bad.article.canonical_url
    assert bad.article.canonical_url in caplog.text
    with engine.connect() as connection:
        failure = connection.execute(select(models.ExtractionFailure)).one()
    assert failure.stage == "store" and failure.url == bad.page.url


def test_failures_are_recorded_once_per_url_and_cleared_by_success(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    page = FetchedPage(
        "https://alaraby.example/section/politics",
        200,
        {},
        "<html>قسم</html>".encode(),
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    writer.store_failures([Failure(page, "extract", "section page, not an article", "alaraby")])
    writer.store_failures([Failure(page, "extract", "section page, not an article", "alaraby")])
    with engine.connect() as connection:
        failure = connection.execute(select(models.ExtractionFailure)).one()
    assert (failure.attempts, failure.error, failure.site) == (2, "section page, not an article", "alaraby")
    assert failure.raw_page_id is not None

    item = make_item(20)
    writer.store_failures([Failure(item.page, "extract", "timeout")])
    writer.store([item])
    assert count(engine, "extraction_failure") == 1  # the article's URL is no longer a failure


@pytest.mark.parametrize("batch", [1, 7, 50])
def test_batches_of_any_size_give_the_same_database(engine: Engine, batch: int) -> None:
    writer = ArticleWriter(engine)
    items = [make_item(n) for n in range(30)]
    for start in range(0, len(items), batch):
        writer.store(items[start : start + batch])
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(models.Article)).scalar() == 30
        assert connection.execute(select(func.count()).select_from(models.Site)).scalar() == 4


def test_the_stored_record_is_exactly_to_dict() -> None:
    from scraper.storage.writer import article_record

    article = make_article(13)
    article.updated_at = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    article.sources.append(SourceCredit("مراسلون", None))
    assert article_record(article) == article.to_dict()
    assert list(article_record(article)) == list(article.to_dict())  # same key order in the JSON


def _snapshot(engine: Engine) -> dict[str, object]:
    """Everything the writer stores about articles, with ids replaced by canonical URLs."""
    with engine.connect() as connection:
        urls = dict(connection.execute(select(models.Article.id, models.Article.canonical_url)).all())
        articles = sorted(
            (row.canonical_url, row.body, row.blocks, row.content_hash, row.revision_hash, row.minhash,
             urls[row.story_cluster], row.fetched_at, row.first_seen_at, row.last_seen_at, row.published_at)
            for row in connection.execute(select(models.Article))
        )  # fmt: skip
        revisions = sorted(
            (urls[r.article_id], r.revision_hash, r.title, json.dumps(r.record, sort_keys=True), r.last_seen_at)
            for r in connection.execute(select(models.ArticleRevision))
        )
        buckets = sorted(
            (b, urls[a])
            for b, a in connection.execute(select(models.MinhashBucket.bucket, models.MinhashBucket.article_id))
        )
        pages = sorted(
            (p.url, p.body_hash, zlib.decompress(p.body), p.size, p.fetched_at)
            for p in connection.execute(select(models.RawPage))
        )
    return {"articles": articles, "revisions": revisions, "buckets": buckets, "pages": pages}


def test_the_worker_process_stores_exactly_what_inline_preparation_does(engine: Engine, tmp_path) -> None:
    from dataclasses import replace

    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade
    from scraper.storage.writer import WORKER_MIN_ITEMS

    first = [make_item(n) for n in range(WORKER_MIN_ITEMS + 10)]
    copies = []
    for n in range(0, 12, 3):  # exact and near copies on another site, and an edited re-crawl
        copy = make_article(5000 + n, site="skynews")
        copy.blocks = list(first[n].article.blocks) if n % 2 else first[n].article.blocks[:-1]
        copies.append(CrawlItem(make_page(copy), copy))
    edited = replace(
        first[1].article, title="عنوان بعد التحديث", fetched_at=first[1].article.fetched_at + timedelta(hours=1)
    )
    second = [
        *copies,
        CrawlItem(make_page(edited), edited),
        *[make_item(n) for n in range(100, 100 + WORKER_MIN_ITEMS)],
    ]

    inline_engine = make_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    upgrade(inline_engine)
    for writer_engine, worker in ((engine, True), (inline_engine, False)):
        with ArticleWriter(writer_engine, worker=worker) as writer:
            writer.store(first)
            writer.store(second)
            assert (writer._worker is not None) == worker  # the large batches did use the worker
    try:
        assert _snapshot(engine) == _snapshot(inline_engine)
    finally:
        inline_engine.dispose()


def test_the_worker_process_exits_when_its_writer_is_killed(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = (
        "from scraper.storage.engine import make_engine\n"
        "from scraper.storage.migrate import upgrade\n"
        "from scraper.storage.synthetic import make_item\n"
        "from scraper.storage.writer import ArticleWriter\n"
        "if __name__ == '__main__':\n"
        f"    engine = make_engine('sqlite:///{tmp_path / 'killed.db'}')\n"
        "    upgrade(engine)\n"
        "    writer = ArticleWriter(engine)\n"
        "    writer.store([make_item(n) for n in range(40)])\n"
        "    print(*writer._worker._processes, flush=True)\n"
        "    import time; time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in process.stdout.readline().split()]  # type: ignore[union-attr]
        assert workers
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in alive if os.path.exists(f"/proc/{pid}") and "Z" not in _state(pid)]
    assert not alive, f"worker processes {alive} outlived their killed writer"


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
