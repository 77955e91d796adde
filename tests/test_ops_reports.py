"""``akhbar runs`` and ``akhbar failures``: what the crawl_run and extraction_failure tables say,
as a table and as JSON. The rows are constructed through the writer, as crawls write them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

import models
from scraper.article import FetchedPage
from scraper.cli import main as akhbar
from scraper.cli.failures import reason_of
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.writer import ArticleWriter, Failure, finish_crawl_run, start_crawl_run

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _page(url: str, when: datetime = T0) -> FetchedPage:
    return FetchedPage(url=url, status=0, headers={}, body=b"", fetched_at=when)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(url)
    upgrade(engine)
    # Two aljazeera runs and one alaraby run with the counts a crawl leaves (constructed).
    for spider, started, counts, reason in (
        ("aljazeera", T0, (40, 12, 3, 5, 2, 1), "finished"),
        ("alaraby", T0 + timedelta(hours=1), (0, 0, 0, 3, 3, 0), "finished"),
        ("aljazeera", T0 + timedelta(days=1), (7, 7, 7, 0, 0, 0), None),
    ):
        run_id = start_crawl_run(engine, spider)
        stored, new, revised, failures, downloads, errors = counts
        with engine.begin() as conn:
            conn.execute(update(models.CrawlRun).where(models.CrawlRun.id == run_id).values(
                started_at=started, articles_stored=stored, articles_new=new, revisions_added=revised,
                failures=failures, download_failures=downloads, errors=errors))  # fmt: skip
        if reason is not None:
            finish_crawl_run(engine, run_id, reason)
            with engine.begin() as conn:
                conn.execute(update(models.CrawlRun).where(models.CrawlRun.id == run_id).values(
                    finished_at=started + timedelta(seconds=95)))  # fmt: skip
    writer = ArticleWriter(engine)
    writer.store_failures([
        Failure(_page(f"https://www.aljazeera.net/news/v{n}"), "extract",
                f"https://www.aljazeera.net/news/v{n}: not an article: video page without article text ({n * 37} "
                "characters)", "aljazeera")
        for n in range(1, 4)
    ] + [
        Failure(_page("https://www.aljazeera.net/sitemap.xml", T0 + timedelta(days=2)), "download",
                "HTTP 503 after 2 tries", "aljazeera"),
        Failure(_page("https://www.alaraby.com/feed"), "download", "HTTP 404", "alaraby"),
        Failure(_page("https://www.alaraby.com/x"), "download", "HTTP 404", "alaraby"),
    ])  # fmt: skip
    writer.close()
    engine.dispose()
    return url


def test_runs_as_json_newest_first_with_every_count(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(["runs", "--format", "json", "--database", db]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [(r["site"], r["finish_reason"]) for r in runs] == [
        ("aljazeera", None), ("alaraby", "finished"), ("aljazeera", "finished")]
    first = runs[2]
    assert {k: first[k] for k in ("started_at", "duration_s", "pages", "stored", "new", "revised", "dropped",
                                  "errors")} == {
        "started_at": "2026-11-20T06:00:00+00:00", "duration_s": 95.0, "pages": 45, "stored": 40, "new": 12,
        "revised": 3, "dropped": 3, "errors": 3}  # dropped: 5 failures - 2 downloads; errors: 2 downloads + 1 row
    assert runs[0]["duration_s"] is None and runs[0]["finished_at"] is None  # still running, or killed


def test_runs_filters_and_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(["runs", "--site", "aljazeera", "--since", "2026-11-21", "--format", "json", "--database", db]) == 0
    assert [r["stored"] for r in json.loads(capsys.readouterr().out)] == [7]
    assert akhbar(["runs", "--site", "alaraby", "--database", db]) == 0
    table = capsys.readouterr().out
    header = table.splitlines()[1]
    for column in ("started", "duration", "pages", "stored", "new", "revised", "dropped", "errors", "finish"):
        assert column in header
    assert "2026-11-20 07:00:00" in table and "1m35s" in table and "aljazeera" not in table
    assert akhbar(["runs", "--site", "nowhere", "--database", db]) == 0
    assert capsys.readouterr().out == "no crawl runs of nowhere\n"


def test_failures_grouped_by_reason_with_an_example(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(["failures", "--format", "json", "--database", db]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert [(g["count"], g["stage"], g["reason"], g["sites"]) for g in groups] == [
        (3, "extract", "not an article: video page without article text (N characters)", ["aljazeera"]),
        (2, "download", "HTTP 404", ["alaraby"]),
        (1, "download", "HTTP 503 after N tries", ["aljazeera"]),
    ]
    assert groups[0]["example_url"].startswith("https://www.aljazeera.net/news/v")
    assert groups[2]["example_url"] == "https://www.aljazeera.net/sitemap.xml"
    assert groups[2]["last_failed_at"] == "2026-11-22T06:00:00+00:00"


def test_failures_filtered_by_site_and_since_as_a_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(["failures", "--site", "aljazeera", "--since", "2026-11-21", "--database", db]) == 0
    out = capsys.readouterr().out
    assert "HTTP 503 after N tries" in out and "video page" not in out and "HTTP 404" not in out
    assert out.splitlines()[-1] == "1 failed or dropped pages in 1 groups"
    assert akhbar(["failures", "--site", "hespress", "--database", db]) == 0
    assert capsys.readouterr().out == "no failures recorded for hespress\n"


def test_failures_of_a_missing_database_is_a_one_line_error(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(["failures", "--database", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    assert "no database at" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("https://a.example/x: page has 6000000 bytes, more than the 5242880 parsed (AKHBAR_MAX_PAGE_BYTES)",
         "page has N bytes, more than the N parsed (AKHBAR_MAX_PAGE_BYTES)"),
        ("a 'not found' page served as content ('الصفحة غير موجودة')", "a '…' page served as content ('…')"),
        ("timed out (no complete answer in 30 s)", "timed out (no complete answer in N s)"),
        ("HTTP 500 after 2 tries", "HTTP 500 after N tries"),
    ],
)
def test_reasons_lose_what_is_particular_to_one_page(error: str, reason: str) -> None:
    assert reason_of(error, "https://a.example/x") == reason
