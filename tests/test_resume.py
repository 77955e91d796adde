"""Resume: a crawl stopped by SIGTERM or killed by SIGKILL, then run again with the job folder,
stores every article once and does not fetch again the pages it had finished.

The site is constructed (tests/support/article_site.py): 30 article pages that each answer after a
short pause, so the crawl is still going when the test stops it; the server counts every request.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

import models
from scraper.cli import main
from scraper.operations.resume import FINISHED, STOPPED, read_marker, resume_settings
from tests.support.article_site import delayed, serve

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 30


def _start(origin: str, database: str) -> subprocess.Popen[str]:
    settings = {
        **resume_settings(database, "alaraby"),
        "AKHBAR_EXTRACT_WORKERS": "0",
        "AKHBAR_STORE_BATCH": "3",
        "AKHBAR_STORE_INTERVAL": "0.1",
        "CONCURRENT_REQUESTS": "2",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    }
    options = {"origin": origin, "database": database, "settings": settings}
    return subprocess.Popen([sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored(database: str) -> set[str]:
    engine = create_engine(database)
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(models.Article.url)).scalars())
    except Exception:  # the schema is not there yet
        return set()
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_crawl_resumes_without_fetching_finished_pages(
    stop: signal.Signals, tmp_path: Path, reliability  # type: ignore[no-untyped-def]
) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        paths = site.add_articles(ARTICLES)
        for path in paths:
            site.routes[path] = delayed(site.routes[path][2], 0.3)  # type: ignore[index]
        first = _start(site.origin, database)
        deadline = time.monotonic() + 90
        while len(_stored(database)) < 6 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, "the crawl ended before it could be interrupted"
        first.send_signal(stop)
        first.communicate(timeout=90)
        before = _stored(database)
        hits_before = Counter(site.hits)
        assert 6 <= len(before) < ARTICLES
        folder = tmp_path / "jobs" / "alaraby"
        marker = read_marker(folder)
        assert marker is not None
        assert marker["state"] == (STOPPED if stop == signal.SIGTERM else "running")

        second = _start(site.origin, database)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err[-3000:]
        hits = Counter(site.hits)

    origin = site.origin
    article_hits = {path: hits[path] for path in paths}
    # every page stored before the interruption was fetched once, in the first run only
    for url in before:
        path = url.removeprefix(origin)
        assert article_hits[path] == 1 and hits_before[path] == 1, (path, article_hits[path])
    if stop == signal.SIGTERM:  # Scrapy's saved queue: nothing at all is fetched twice, not even the sitemap
        assert set(article_hits.values()) == {1}
        assert hits["/sitemap.xml"] == 1
    else:  # after a kill the sitemap is read again; only pages in flight at the kill may be fetched again
        assert hits["/sitemap.xml"] == 2
        assert all(count >= 1 for count in article_hits.values())
    stats = json.loads(out.split("STATS ", 1)[1])
    if stop == signal.SIGKILL:
        # skipped without a fetch: by the resume filter, or before it by the incremental run's
        # stored-URL check (both only for pages this job stored)
        skipped = stats.get("akhbar/resume_skipped", 0) + stats.get("akhbar/known_skipped", 0)
        assert skipped == len(before)
    engine = create_engine(database)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(models.Article)) == ARTICLES
        assert conn.scalar(select(func.count()).select_from(models.ArticleRevision)) == ARTICLES
        runs = conn.execute(select(models.CrawlRun).order_by(models.CrawlRun.id)).mappings().all()
    engine.dispose()
    assert [run["finish_reason"] for run in runs] == ["shutdown" if stop == signal.SIGTERM else None, "finished"]
    assert sum(run["articles_new"] for run in runs) == ARTICLES  # each article stored new exactly once
    assert read_marker(folder)["state"] == FINISHED  # type: ignore[index]
    refetched = sum(article_hits.values()) - ARTICLES
    reliability(scenario=f"crawl stopped by {stop.name}, then --resume",
                inputs=f"{ARTICLES} articles, stopped after {len(before)} stored",
                result=f"{ARTICLES} stored once each; finished pages not fetched again; {refetched} in-flight "
                       "pages fetched twice", lost=0)


def test_resume_flag_keeps_a_job_folder_beside_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AKHBAR_JOBS_DIR", raising=False)
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    archive = ROOT / "scraper" / "demo" / "archive"
    result = subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "alaraby", "--resume", "--replay",
                             str(archive), "--database", database], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    marker = read_marker(tmp_path / "jobs" / "alaraby")
    assert marker is not None and marker["state"] == FINISHED and marker["runs"] == 1
    assert "5 articles stored" in result.stdout
    with pytest.raises(SystemExit):
        main(["crawl", "--help"])
    assert "--resume" in capsys.readouterr().out
