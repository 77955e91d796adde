"""End to end: the real spider and downloader crawl a local HTTP server into a temporary
SQLite database through the real pipelines. The site is the constructed demo archive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import models
from tests.support.site_server import serve_demo_site

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_SLUGS = {
    "putin-biden-talks",
    "lavrov-blinken-stockholm",
    "nato-eastern-flank",
    "ruble-recovers",
    "geneva-summit-anniversary",
}


def _crawl(origin: str, database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.crawl_runner", origin, database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'akhbar.db'}"
    with serve_demo_site() as (origin, hits):
        first_log = _crawl(origin, database_url)
        engine = create_engine(database_url)
        with Session(engine) as session:
            first_count = session.scalar(select(func.count()).select_from(models.Article))
            first_revisions = session.scalar(select(func.count()).select_from(models.ArticleRevision))
        second_log = _crawl(origin, database_url)
    return {
        "origin": origin,
        "hits": list(hits),
        "engine": engine,
        "first_count": first_count,
        "first_revisions": first_revisions,
        "logs": (first_log, second_log),
    }


def test_discovery_reads_sitemap_listing_and_robots(crawled: dict[str, object]) -> None:
    hits = crawled["hits"]
    assert isinstance(hits, list)
    assert "/robots.txt" in hits
    assert "/sitemap.xml" in hits
    assert "/news" in hits
    # ruble-recovers is only linked from the listing, lavrov-blinken only from the sitemap
    assert "/news/ruble-recovers" in hits
    assert "/news/lavrov-blinken-stockholm" in hits
    # the listing's utm_source link was canonicalized before it was requested
    assert not any("utm_source" in hit for hit in hits)


def test_every_article_is_stored_once_with_its_fields(crawled: dict[str, object]) -> None:
    engine = crawled["engine"]
    origin = crawled["origin"]
    with Session(engine) as session:  # type: ignore[arg-type]
        articles = session.scalars(select(models.Article)).all()
        by_slug = {article.canonical_url.rsplit("/", 1)[-1]: article for article in articles}
        assert set(by_slug) == ARTICLE_SLUGS
        seed = by_slug["putin-biden-talks"]
        assert seed.canonical_url == f"{origin}/news/putin-biden-talks"
        assert seed.title == "وسط أزمة أوكرانيا.. بوتين وبايدن يتفقان على مزيد من المحادثات"
        assert seed.published_at is not None
        assert seed.published_at.isoformat() == "2021-12-12T11:35:00+00:00"
        assert [(c.text, c.credit) for c in seed.captions] == [
            ("من لقاء الرئيس الأميريكي جو بايدن ونظيره الروسي فلاديمير بوتين في جنيف", "أرشيف - غيتي")
        ]
        assert [(s.name, s.canonical) for s in seed.sources] == [("العربي", "Al-Araby"), ("رويترز", "Reuters")]
        assert "شارك القصة" not in seed.body and "تابع القراءة" not in seed.body
        assert [a.name for a in by_slug["nato-eastern-flank"].authors] == ["سامر خليل"]


def test_the_video_page_is_dropped_and_recorded_not_stored(crawled: dict[str, object]) -> None:
    with Session(crawled["engine"]) as session:  # type: ignore[arg-type]
        failures = session.scalars(select(models.ExtractionFailure)).all()
        assert any(f.url.endswith("/news/video-kremlin-briefing") for f in failures)
        assert not session.scalars(
            select(models.Article).where(models.Article.canonical_url.like("%video-kremlin-briefing"))
        ).first()


def test_a_second_crawl_adds_no_rows(crawled: dict[str, object]) -> None:
    assert crawled["first_count"] == len(ARTICLE_SLUGS)
    with Session(crawled["engine"]) as session:  # type: ignore[arg-type]
        assert session.scalar(select(func.count()).select_from(models.Article)) == crawled["first_count"]
        assert session.scalar(select(func.count()).select_from(models.ArticleRevision)) == crawled["first_revisions"]
        runs = session.scalars(select(models.CrawlRun)).all()
        assert len(runs) == 2
