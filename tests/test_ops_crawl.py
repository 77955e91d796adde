"""Crawling as an operation: a Scrapy spider per declared site, several sites per run, --since,
--until and --limit, exit codes a cron job can act on, discovery that skips old URLs before
fetching them, and the contact address in the User-Agent. Sites are moved to local servers
(tests/support/ops_cli.py) or replayed from constructed folders; every page is constructed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

import models
from scraper.cli import main as akhbar
from scraper.sites.registry import SITES
from tests.support.article_site import serve
from tests.support.ops_pages import HTML, XML, article_html, listing_html, sitemap, write_replay

ROOT = Path(__file__).resolve().parents[1]
JAZEERA = "https://www.aljazeera.net"
FAST = {"AKHBAR_RETRY_BACKOFF": "0", "AKHBAR_STORE_INTERVAL": "0.2", "AKHBAR_LOG_LEVEL": "WARNING"}


def _run(argv: list[str], relocate: dict | None = None, env: dict[str, str] | None = None,
         timeout: float = 120, scrapy: bool = False) -> subprocess.CompletedProcess[str]:
    """``akhbar ARGV`` (``scrapy ARGV`` with ``scrapy``) in a child, ``relocate``'s sites moved."""
    options = json.dumps({"relocate": relocate or {}, "argv": argv, "scrapy": scrapy}, ensure_ascii=False)
    return subprocess.run(
        [sys.executable, "-m", "tests.support.ops_cli", options],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **FAST, **(env or {})},
    )


def _articles(url: str) -> dict[str, models.Article]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            query = select(models.Article).options(selectinload(models.Article.site))
            return {a.canonical_url: a for a in session.scalars(query)}
    finally:
        engine.dispose()


def _runs(url: str) -> list[models.CrawlRun]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(models.CrawlRun).order_by(models.CrawlRun.id)))
    finally:
        engine.dispose()


def _local(site: object, **extra: object) -> dict[str, object]:
    return {"domains": ["127.0.0.1"], **extra}


NOW = datetime.now(UTC).replace(microsecond=0)


# -- a spider per declared site -------------------------------------------------------------------


def test_scrapy_list_names_every_declared_site() -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(result.stdout.split()) == set(SITES) | {"site"}
    assert "several spiders with the same name" not in result.stderr


def test_scrapy_crawl_aljazeera_replays_only_recent_entries_up_to_max_articles(tmp_path: Path) -> None:
    recent = [f"{JAZEERA}/news/2026/11/{day}/story-{day}" for day in (20, 21, 22)]
    old = [f"{JAZEERA}/news/2023/5/{day}/old-{day}" for day in (1, 2)]
    dates = {url: datetime(2026, 11, int(url.rsplit("-", 1)[1]), 9, tzinfo=UTC) for url in recent}
    dates |= {url: datetime(2023, 5, int(url.rsplit("-", 1)[1]), 9, tzinfo=UTC) for url in old}
    pages: dict[str, tuple[int, str, bytes]] = {
        f"{JAZEERA}/sitemap.xml": (200, XML, sitemap([(u, dates[u]) for u in [*old, *recent]], news=True)),
    }
    pages |= {u: (200, HTML, article_html(u, f"خبر رقم {i}", dates[u])) for i, u in enumerate([*old, *recent])}
    folder = write_replay(tmp_path / "replay", pages)
    database = f"sqlite:///{tmp_path / 'a.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "aljazeera", "-a", "since=2026-01-01", "-a", "max_articles=2",
         "-s", f"AKHBAR_REPLAY={folder}", "-s", f"AKHBAR_DATABASE_URL={database}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **FAST},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stored = _articles(database)
    assert sorted(stored) == recent[:2]  # the sitemap's order, capped at 2; the old ones never asked for
    assert stored[recent[0]].title == "خبر رقم 2"
    assert stored[recent[0]].site.name == "aljazeera"
    assert [r.spider for r in _runs(database)] == ["aljazeera"]


# -- exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl", "nowhere"], "no site named 'nowhere'; known sites: aawsat"),
        (["crawl", "ahram"], "site 'ahram' declares no sitemap, feed or section listing: nothing to crawl"),
        (["crawl"], "which site? give one or more names, or --all"),
        (["crawl", "alaraby", "--all"], "give site names or --all, not both"),
        (["crawl", "alaraby", "--since", "2024-02-01", "--until", "2024-01-01"], "must be later than since"),
        (["crawl", "alaraby", "--limit", "-1"], "--limit must be 0 (no limit) or more"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert akhbar(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_replay_of_an_empty_folder_or_of_another_site_exits_2(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert akhbar(["crawl", "alaraby", "--replay", str(tmp_path / "empty")]) == 2
    assert f"replay archive {tmp_path / 'empty'} is empty" in capsys.readouterr().err
    demo = str(ROOT / "scraper" / "demo" / "archive")
    assert akhbar(["crawl", "aljazeera", "--replay", demo]) == 2
    err = capsys.readouterr().err
    assert "holds none of aljazeera's sitemaps, feeds or listings (e.g. https://www.aljazeera.net/sitemap.xml)" in err


def test_no_answer_from_the_site_exits_1_with_the_reason(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    with serve() as site:  # started and stopped: its port now refuses connections
        closed = site.origin
    database = f"sqlite:///{tmp_path / 'a.db'}"
    relocate = {"aljazeera": _local(None, sitemaps=[f"{closed}/sitemap.xml"], feeds=[f"{closed}/feed"])}
    result = _run(["crawl", "aljazeera", "--database", database], relocate)
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("akhbar crawl: nothing fetched: all 2 downloads failed (first: ")
    assert "connection refused" in last
    assert "0 articles stored, 2 pages dropped" in result.stdout
    run = _runs(database)[-1]
    assert (run.finish_reason, run.articles_stored, run.download_failures) == ("finished", 0, 2)
    reliability(scenario="crawl with no answer from the site", inputs="sitemap and feed on a closed port",
                result="exit 1, last line: nothing fetched: all 2 downloads failed (connection refused)")


# -- several sites, --since / --until, incremental runs ------------------------------------------


def _news_site(site: object, paths_dates: dict[str, datetime]) -> None:
    origin = site.origin  # type: ignore[attr-defined]
    routes = site.routes  # type: ignore[attr-defined]
    for number, (path, moment) in enumerate(paths_dates.items()):
        routes[path] = (200, {"Content-Type": HTML}, article_html(origin + path, f"عنوان {number}", moment))
    entries = [(origin + path, moment) for path, moment in paths_dates.items()]
    routes["/news-sitemap.xml"] = (200, {"Content-Type": XML}, sitemap(entries, news=True))


def test_since_and_until_skip_news_sitemap_entries_before_fetching(tmp_path: Path) -> None:
    dates = {f"/news/2026/11/{d}/s{d}": datetime(2026, 11, d, 12, tzinfo=UTC) for d in (1, 10, 20, 30)}
    database = f"sqlite:///{tmp_path / 'a.db'}"
    with serve() as site:
        _news_site(site, dates)
        relocate = {"aljazeera": _local(site, news_sitemaps=[f"{site.origin}/news-sitemap.xml"])}
        result = _run(["crawl", "aljazeera", "--since", "2026-11-05", "--until", "2026-11-20",
                       "--database", database], relocate)
        hits = list(site.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    # 20 Nov is inside: a bare --until day includes that day; 1 and 30 Nov were never requested
    assert sorted(h for h in hits if h.startswith("/news/")) == ["/news/2026/11/10/s10", "/news/2026/11/20/s20"]
    assert sorted(_articles(database)) == [f"{site.origin}/news/2026/11/10/s10", f"{site.origin}/news/2026/11/20/s20"]


def test_two_sites_in_one_run_each_get_their_own_run_row(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'a.db'}"
    with serve() as first, serve() as second:
        _news_site(first, {"/news/2026/11/1/a": NOW - timedelta(days=3)})
        second_origin = second.origin.replace("127.0.0.1", "localhost")
        second.origin = second_origin
        _news_site(second, {"/news/b-1": NOW - timedelta(days=3), "/news/b-2": NOW - timedelta(days=4)})
        relocate = {
            "aljazeera": _local(first, news_sitemaps=[f"{first.origin}/news-sitemap.xml"]),
            "alaraby": {"domains": ["localhost"], "sitemaps": [f"{second_origin}/news-sitemap.xml"]},
        }
        result = _run(["crawl", "aljazeera", "alaraby", "--database", database], relocate)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "aljazeera finished (finished)" in result.stdout and "alaraby finished (finished)" in result.stdout
    runs = {r.spider: r for r in _runs(database)}
    assert sorted(runs) == ["alaraby", "aljazeera"]
    assert (runs["aljazeera"].articles_new, runs["alaraby"].articles_new) == (1, 2)
    sites = sorted((a.site.name, url.rsplit("/", 1)[-1]) for url, a in _articles(database).items())
    assert sites == [("alaraby", "b-1"), ("alaraby", "b-2"), ("aljazeera", "a")]


def test_all_crawls_the_sites_the_replay_archive_holds(tmp_path: Path) -> None:
    url = f"{JAZEERA}/news/2026/11/20/story"
    pages = {f"{JAZEERA}/sitemap.xml": (200, XML, sitemap([(url, NOW)])),
             url: (200, HTML, article_html(url, "خبر الجزيرة", NOW - timedelta(days=2)))}
    folder = write_replay(tmp_path / "replay", pages)
    database = f"sqlite:///{tmp_path / 'a.db'}"
    result = _run(["crawl", "--all", "--replay", str(folder), "--database", database])
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r.spider for r in _runs(database)] == ["aljazeera"]  # the other sites have nothing in the archive
    assert list(_articles(database)) == [url]


def _counting(site: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for hit in site.hits:  # type: ignore[attr-defined]
        counts[hit] = counts.get(hit, 0) + 1
    return counts


@pytest.mark.slow
def test_a_second_run_fetches_only_new_urls_and_due_revisits(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    database = f"sqlite:///{tmp_path / 'a.db'}"
    fresh = NOW - timedelta(hours=2)  # published 2 h ago: re-visited at 1 h, 6 h, 24 h
    dates = {"/news/2026/1/1/old": NOW - timedelta(days=30), "/news/2026/1/2/fresh": fresh}
    with serve() as site:
        _news_site(site, dates)
        relocate = {"aljazeera": _local(site, news_sitemaps=[f"{site.origin}/news-sitemap.xml"])}
        first = _run(["crawl", "aljazeera", "--database", database], relocate)
        assert first.returncode == 0, first.stderr[-3000:]
        # The first visit happened 30 minutes after publication: the 1 h re-visit is now due.
        engine = create_engine(database)
        with engine.begin() as conn:
            conn.execute(models.Article.__table__.update().values(last_seen_at=fresh + timedelta(minutes=30)))
        engine.dispose()
        # The fresh story's headline was edited; a new story appeared in the sitemap.
        origin = site.origin
        site.routes["/news/2026/1/2/fresh"] = (200, {"Content-Type": HTML},
                                               article_html(origin + "/news/2026/1/2/fresh", "عنوان معدل", fresh))
        dates["/news/2026/1/3/new"] = NOW - timedelta(minutes=10)
        site.routes["/news/2026/1/3/new"] = (200, {"Content-Type": HTML},
                                             article_html(origin + "/news/2026/1/3/new", "خبر جديد", NOW))
        entries = [(origin + path, moment) for path, moment in dates.items()]
        site.routes["/news-sitemap.xml"] = (200, {"Content-Type": XML}, sitemap(entries, news=True))
        site.hits.clear()
        second = _run(["crawl", "aljazeera", "--database", database], relocate)
        second_hits = _counting(site)
        site.hits.clear()
        third = _run(["crawl", "aljazeera", "--database", database], relocate)
        third_hits = _counting(site)
        site.hits.clear()
        refetch = _run(["crawl", "aljazeera", "--refetch", "--database", database], relocate)
        refetch_hits = _counting(site)
    assert second.returncode == 0, second.stderr[-3000:]
    articles = {k: v for k, v in second_hits.items() if k.startswith("/news/")}
    assert articles == {"/news/2026/1/2/fresh": 1, "/news/2026/1/3/new": 1}  # the old story was not fetched
    stored = _articles(database)
    assert stored[origin + "/news/2026/1/2/fresh"].title == "عنوان معدل"
    runs = _runs(database)
    assert (runs[1].articles_new, runs[1].revisions_added) == (1, 2)  # the new story's first revision + the edit
    # Right after, nothing is due: no article page is fetched, and the run still did its work.
    assert third.returncode == 0, third.stderr[-3000:]
    assert [k for k in third_hits if k.startswith("/news/")] == []
    assert runs[1].finish_reason == "finished"
    # --refetch fetches every listed article again.
    assert refetch.returncode == 0, refetch.stderr[-3000:]
    assert {k: v for k, v in refetch_hits.items() if k.startswith("/news/")} == {path: 1 for path in dates}
    reliability(scenario="incremental re-crawl", inputs="1 old, 1 edited 2 h old, 1 new article",
                result="2 fetched (edit became a revision, new stored), old one not requested; next run fetches none")


# -- listings and politeness ----------------------------------------------------------------------


def test_listing_pages_are_followed_back_until_since_is_passed_and_the_user_agent_names_the_contact(
    tmp_path: Path,
) -> None:
    agents: list[str] = []
    database = f"sqlite:///{tmp_path / 'a.db'}"
    with serve() as site:
        origin = site.origin
        for page in range(1, 6):  # page N lists stories N days old
            moment = NOW - timedelta(days=page)
            path = f"/news/2026/1/{page}/p{page}"
            site.routes[path] = (200, {"Content-Type": HTML}, article_html(origin + path, f"خبر {page}", moment))
            html = listing_html([(path, moment)], f"/section?page={page + 1}" if page < 5 else None)
            site.routes[f"/section?page={page}"] = (200, {"Content-Type": HTML}, html)

        def robots(handler: BaseHTTPRequestHandler) -> None:
            agents.append(handler.headers.get("User-Agent", ""))
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        site.routes["/robots.txt"] = robots
        relocate = {"aljazeera": _local(site, sections=[f"{origin}/section?page=1"])}
        since = (NOW - timedelta(days=3, hours=12)).isoformat()
        result = _run(["crawl", "aljazeera", "--since", since, "--database", database], relocate,
                      env={"AKHBAR_CONTACT": "ops@example.org"})
        hits = list(site.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    # Pages 1-3 are all newer than --since; page 4 holds an older story, so page 5 is not read.
    assert [h for h in hits if h.startswith("/section")] == [f"/section?page={n}" for n in range(1, 5)]
    assert agents == ["akhbar/0.1 (+https://github.com/akhbar-news/akhbar; ops@example.org)"]


def test_a_contact_with_a_line_break_is_refused(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_CONTACT", "ops@example.org\r\nX-Evil: 1")
    assert akhbar(["crawl", "alaraby"]) == 2
    assert "AKHBAR_CONTACT 'ops@example.org\\r\\nX-Evil: 1' has control characters" in capsys.readouterr().err


def test_crawl_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        akhbar(["crawl", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "exit status:\n  0  the run did its work" in text
    assert "\n  1  nothing was fetched or stored because of errors" in text
    assert "\n  2  usage error: unknown site, a site that declares nothing to crawl, a --replay archive" in text


# -- scrapy crawl: the same exit codes as akhbar crawl ---------------------------------------------


def test_scrapy_crawl_exits_0_when_it_stored_articles(tmp_path: Path) -> None:
    dates = {f"/news/2026/11/{d}/s{d}": datetime(2026, 11, d, 12, tzinfo=UTC) for d in (1, 2)}
    database = f"sqlite:///{tmp_path / 'a.db'}"
    with serve() as site:
        _news_site(site, dates)
        relocate = {"aljazeera": _local(site, news_sitemaps=[f"{site.origin}/news-sitemap.xml"])}
        result = _run(["crawl", "aljazeera", "-s", f"AKHBAR_DATABASE_URL={database}"], relocate, scrapy=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(_articles(database)) == [f"{site.origin}{path}" for path in sorted(dates)]


def test_scrapy_crawl_with_no_answer_from_the_site_exits_1_with_the_reason(tmp_path: Path) -> None:
    with serve() as site:  # started and stopped: its port now refuses connections
        closed = site.origin
    database = f"sqlite:///{tmp_path / 'a.db'}"
    relocate = {"aljazeera": _local(None, sitemaps=[f"{closed}/sitemap.xml"], feeds=[f"{closed}/feed"])}
    result = _run(["crawl", "aljazeera", "-s", f"AKHBAR_DATABASE_URL={database}"], relocate, scrapy=True)
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("scrapy crawl aljazeera: nothing fetched: all 2 downloads failed (first: "), last
    assert "connection refused" in last
    assert _runs(database)[-1].download_failures == 2  # the failures are recorded, as with akhbar crawl


def test_scrapy_crawl_that_stores_nothing_because_articles_fail_exits_1(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'a.db'}"
    with serve() as site:
        paths = [f"/news/2026/11/{d}/gone{d}" for d in (3, 4)]  # listed, but the server answers 404
        entries = [(site.origin + path, datetime(2026, 11, 3, tzinfo=UTC)) for path in paths]
        site.routes["/news-sitemap.xml"] = (200, {"Content-Type": XML}, sitemap(entries, news=True))
        relocate = {"aljazeera": _local(site, news_sitemaps=[f"{site.origin}/news-sitemap.xml"])}
        result = _run(["crawl", "aljazeera", "-s", f"AKHBAR_DATABASE_URL={database}"], relocate, scrapy=True)
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("scrapy crawl aljazeera: nothing stored"), result.stderr[-2000:]
    assert _articles(database) == {}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl", "site"], "scrapy crawl site: which site? add -a site=NAME; known sites: aawsat"),
        (["crawl", "site", "-a", "site=nowhere"], "scrapy crawl site: no site named 'nowhere'; known sites: aawsat"),
        (["crawl", "ahram"], "scrapy crawl ahram: site 'ahram' declares no sitemap, feed or section listing"),
        (["crawl", "aljazeera", "extra"], "give one spider name"),
        # a replay archive is checked as akhbar crawl --replay checks it
        (["crawl", "aljazeera", "-s", f"AKHBAR_REPLAY={ROOT / 'scraper' / 'demo' / 'archive'}"],
         "holds none of aljazeera's sitemaps, feeds or listings (e.g. https://www.aljazeera.net/sitemap.xml)"),
        (["crawl", "alaraby", "-s", "AKHBAR_REPLAY=/nonexistent/akhbar-replay"],
         "scrapy crawl alaraby: replay archive /nonexistent/akhbar-replay does not exist"),
    ],
)
def test_scrapy_crawl_usage_errors_exit_2(tmp_path: Path, argv: list[str], message: str) -> None:
    database = f"AKHBAR_DATABASE_URL=sqlite:///{tmp_path}/a.db"
    result = subprocess.run([sys.executable, "-m", "scrapy", *argv, "-s", database], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()  # refused before crawling
