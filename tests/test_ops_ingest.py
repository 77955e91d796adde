"""``akhbar ingest``: saved pages (HTML files, folders, replay folders, WARC files, spool files)
stored through the crawl's pipelines without discovery. Pages are constructed (tests/support/
ops_pages.py) or the constructed demo archive."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

import models
from scraper.article import CrawlItem, FetchedPage
from scraper.cli import main as akhbar
from scraper.extract import extract
from scraper.storage.spool import Spool
from tests.support.ops_pages import article_html

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scraper" / "demo" / "archive"
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
NOT_ARTICLE = "<html><head><title>قسم</title></head><body><a href='/a'>أ</a></body></html>".encode()


@pytest.fixture(autouse=True)
def _inline_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_EXTRACT_WORKERS", "0")  # one test below keeps the worker process


def _articles(url: str) -> dict[str, models.Article]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            query = select(models.Article).options(selectinload(models.Article.site),
                                                   selectinload(models.Article.captions))
            return {a.canonical_url: a for a in session.scalars(query)}
    finally:
        engine.dispose()


def _rows(url: str, model: type) -> list:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(model)))
    finally:
        engine.dispose()


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'a.db'}"


def test_one_html_file_with_url_then_by_its_canonical_link(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKHBAR_EXTRACT_WORKERS")  # the crawl's default: extraction in a worker process
    canonical = "https://www.aljazeera.net/news/2026/11/20/story"
    page = tmp_path / "story.html"
    page.write_bytes(article_html(canonical, "خبر محفوظ", WHEN))
    db = _db(tmp_path)
    other = "https://www.aljazeera.net/news/2026/11/20/copy"
    assert akhbar(["ingest", str(page), "--url", other, "--database", db]) == 0
    assert akhbar(["ingest", str(page), "--database", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ingested 1 pages: 1 stored (1 new, 1 revisions), 0 dropped (not articles), 0 failed",
        "ingested 1 pages: 1 stored (0 new, 0 revisions), 0 dropped (not articles), 0 failed",
    ]
    stored = _articles(db)
    # --url gives the address the page was fetched from; its canonical link names the article.
    assert list(stored) == [canonical]
    assert stored[canonical].title == "خبر محفوظ"
    assert stored[canonical].site.name == "aljazeera"
    assert stored[canonical].published_at == WHEN
    assert {r.url for r in _rows(db, models.RawPage)} == {other, canonical}
    assert [(r.spider, r.finish_reason, r.articles_stored) for r in _rows(db, models.CrawlRun)] == [
        ("ingest", "finished", 1), ("ingest", "finished", 1)]


def test_a_page_without_url_or_canonical_link_is_a_one_line_usage_error(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "bare.html"
    page.write_bytes(b"<html><body><h1>\xd8\xae\xd8\xa8\xd8\xb1</h1><p>...</p></body></html>")
    assert akhbar(["ingest", str(page), "--database", _db(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"akhbar ingest: {page}: no --url given and the page has no canonical link or og:url; "
                   "give its address with --url URL\n")
    assert not (tmp_path / "a.db").exists()  # nothing was opened


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest"], "what to ingest? give HTML files"),
        (["ingest", "/nonexistent/pages"], "/nonexistent/pages does not exist"),
        (["ingest", str(DEMO), "--url", "https://example.com/x"], "--url names one page"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar([*argv, "--database", _db(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_folder_counts_stored_dropped_and_failed_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "saved"
    (folder / "deep").mkdir(parents=True)
    url = "https://www.alaraby.com/news/saved-story"
    (folder / "deep" / "story.html").write_bytes(article_html(url, "قصة محفوظة", WHEN))
    (folder / "section.html").write_bytes(NOT_ARTICLE.replace(b"<head>", b'<head><link rel="canonical" '
                                                              b'href="https://www.alaraby.com/politics">'))
    (folder / "nourl.html").write_bytes(NOT_ARTICLE)
    (folder / "notes.txt").write_text("not a page", encoding="utf-8")
    db = _db(tmp_path)
    assert akhbar(["ingest", str(folder), "--database", db]) == 0
    captured = capsys.readouterr()
    assert captured.out == "ingested 3 pages: 1 stored (1 new, 1 revisions), 1 dropped (not articles), 1 failed\n"
    assert f"akhbar ingest: {folder / 'nourl.html'}: no --url given" in captured.err
    assert list(_articles(db)) == [url]
    failures = _rows(db, models.ExtractionFailure)
    assert [(f.url, f.stage, f.site) for f in failures] == [("https://www.alaraby.com/politics", "extract", "alaraby")]
    assert failures[0].error.startswith("not an article: ")


def test_a_replay_folder_stores_what_the_crawl_of_it_stores(database_url: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = database_url  # SQLite, and PostgreSQL when a server is given
    assert akhbar(["ingest", str(DEMO), "--database", db]) == 0
    assert capsys.readouterr().out == (
        "ingested 7 pages: 5 stored (5 new, 5 revisions), 2 dropped (not articles), 0 failed; "
        "1 saved responses skipped (not article pages)\n")  # the sitemap
    stored = _articles(db)
    assert sorted(u.rsplit("/", 1)[1] for u in stored) == sorted(
        ["putin-biden-talks", "lavrov-blinken-stockholm", "nato-eastern-flank", "ruble-recovers",
         "geneva-summit-anniversary"])
    seed = stored["https://www.alaraby.com/news/putin-biden-talks"]
    assert seed.title == "وسط أزمة أوكرانيا.. بوتين وبايدن يتفقان على مزيد من المحادثات"
    assert seed.published_at is not None and seed.published_at.isoformat() == "2021-12-12T11:35:00+00:00"
    assert seed.fetched_at.isoformat() == "2024-09-19T09:30:00+00:00"  # the manifest's fetch time
    assert [(c.text, c.credit) for c in seed.captions] == [
        ("من لقاء الرئيس الأميريكي جو بايدن ونظيره الروسي فلاديمير بوتين في جنيف", "أرشيف - غيتي")]
    # A second ingest of the same pages adds nothing.
    assert akhbar(["ingest", str(DEMO), "--database", db]) == 0
    assert "5 stored (0 new, 0 revisions)" in capsys.readouterr().out
    assert len(_rows(db, models.ArticleRevision)) == 5


def _warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


def test_a_warc_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = "https://www.aljazeera.net/news/2026/11/20/one", "https://www.aljazeera.net/news/2026/11/21/two"
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc, [
        (first, "text/html; charset=utf-8", article_html(first, "الأول", WHEN)),
        ("https://www.aljazeera.net/sitemap.xml", "application/xml", b"<urlset/>"),
        (second, "text/html; charset=utf-8", article_html(second, "الثاني", WHEN)),
    ])  # fmt: skip
    db = _db(tmp_path)
    assert akhbar(["ingest", str(warc), "--database", db]) == 0
    assert "ingested 2 pages: 2 stored (2 new, 2 revisions)" in capsys.readouterr().out
    assert {u: a.title for u, a in _articles(db).items()} == {first: "الأول", second: "الثاني"}


def test_nothing_but_non_articles_exits_1_and_an_empty_folder_exits_2(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "section.html"
    page.write_bytes(NOT_ARTICLE)
    db = _db(tmp_path)
    assert akhbar(["ingest", str(page), "--url", "https://www.alaraby.com/politics", "--database", db]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "akhbar ingest: nothing stored: 0 pages failed and 1 were not articles")
    (tmp_path / "empty").mkdir()
    assert akhbar(["ingest", str(tmp_path / "empty"), "--database", db]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"akhbar ingest: nothing to ingest: no saved HTML pages found in {tmp_path / 'empty'}")


def _spool_file(folder: Path, db: str, url: str) -> Path:
    body = article_html(url, "خبر من الملف المؤقت", WHEN)
    page = FetchedPage(url=url, status=200, headers={"Content-Type": "text/html"}, body=body, fetched_at=WHEN)
    spool = Spool(folder, db, "alaraby", None)
    spool.write([CrawlItem(page=page, article=extract(body, url, WHEN))])
    spool.close()
    assert spool.path is not None
    return spool.path


def test_spool_files_named_or_pending_are_stored_and_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            reliability) -> None:  # type: ignore[no-untyped-def]
    db = _db(tmp_path)
    named = _spool_file(tmp_path / "elsewhere", db, "https://www.alaraby.com/news/spooled-1")
    assert akhbar(["ingest", str(named), "--database", db]) == 0
    captured = capsys.readouterr()
    assert f"stored 1 articles and 0 failures from spool file {named} (removed)" in captured.err
    assert not named.exists()
    monkeypatch.setenv("AKHBAR_SPOOL_DIR", str(tmp_path / "spool"))
    pending = _spool_file(tmp_path / "spool", db, "https://www.alaraby.com/news/spooled-2")
    assert akhbar(["ingest", "--spool", "--database", db]) == 0
    assert "stored 1 pending spool file of this database" in capsys.readouterr().out
    assert not pending.exists()
    assert sorted(_articles(db)) == ["https://www.alaraby.com/news/spooled-1", "https://www.alaraby.com/news/spooled-2"]
    reliability(scenario="spool files stored by akhbar ingest", inputs="one named spool file, one pending (--spool)",
                result="both articles stored, both files removed")


def test_ingest_runs_are_listed_by_akhbar_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_PROGRESS_INTERVAL", "0")  # off a terminal: a progress line after every page
    db = _db(tmp_path)
    assert akhbar(["ingest", str(DEMO), "--database", db]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("ingest: 3 pages, ") for line in err)  # counted as it goes
    assert err[-1].startswith("ingest: 7 pages, 5 stored, 2 dropped, 0 failed; ") and err[-1].endswith("(finished)")
    assert akhbar(["runs", "--format", "json", "--database", db]) == 0
    [run] = json.loads(capsys.readouterr().out)
    assert {k: run[k] for k in ("site", "pages", "stored", "new", "revised", "dropped", "errors", "finish_reason")} == {
        "site": "ingest", "pages": 7, "stored": 5, "new": 5, "revised": 5, "dropped": 2, "errors": 0,
        "finish_reason": "finished"}
