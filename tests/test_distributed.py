"""Distributed crawling: two crawler processes share one frontier in Redis and one PostgreSQL database.

The site is a local server with 500 article pages (constructed: variants of the demo archive's
pages, see tests/support/article_site.py) listed in one sitemap. Each test uses its own Redis key
prefix (deleted afterwards) and its own PostgreSQL schema (dropped afterwards).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.article_site import serve
from tests.support.databases import empty_database

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/0"
PAGES = 500



@pytest.fixture
def redis_prefix() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"distributed tests skipped: no Redis server at {REDIS_URL}")
    prefix = f"akhbar-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    skip = "distributed tests skipped (they need one PostgreSQL server)"
    with empty_database("postgresql", tmp_path, skip_reason=skip) as url:
        yield url


def start_crawler(origin: str, database: str, prefix: str, log: Path) -> subprocess.Popen[str]:
    """One crawler process, as ``akhbar crawl`` runs it, with AKHBAR_REDIS_URL set."""
    options = {
        "origin": origin,
        "database": database,
        "settings": {
            "AKHBAR_REDIS_URL": REDIS_URL,
            "AKHBAR_REDIS_KEY": prefix,
            "AKHBAR_REDIS_IDLE": "1",
            "AKHBAR_REDIS_WORKER_TIMEOUT": "3",
            "AKHBAR_STORE_INTERVAL": "1",
            "AKHBAR_STORE_BATCH": "20",
            "AKHBAR_SPOOL_DIR": str(log.parent / "spool"),
        },
    }
    handle = log.open("w", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "tests.support.reliability_crawl", json.dumps(options)],
        cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, text=True,
    )


def finish(process: subprocess.Popen[str], log: Path, timeout: float = 50) -> dict:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler prints where it hung
        time.sleep(1)
        process.kill()
        process.wait()
        pytest.fail(f"crawler did not finish in {timeout} s (the frontier hung):\n{log.read_text()[-3000:]}")
    output = log.read_text(encoding="utf-8")
    assert process.returncode == 0, output[-3000:]
    stats_line = next(line for line in output.splitlines() if line.startswith("STATS "))
    return json.loads(stats_line[len("STATS "):])


def stored(database: str) -> tuple[list[str], list[tuple[int, int, str | None]]]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            urls = [row[0] for row in connection.execute(text("SELECT canonical_url FROM article"))]
            runs = [tuple(row) for row in connection.execute(
                text("SELECT articles_stored, articles_new, finish_reason FROM crawl_run ORDER BY id"))]
    finally:
        engine.dispose()
    return urls, runs  # type: ignore[return-value]


def redis_keys(prefix: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return sorted(key.decode() for key in client.scan_iter(match=f"{prefix}:*"))
    finally:
        client.close()


@pytest.mark.slow
def test_two_processes_share_one_frontier(
    redis_prefix: str, postgres_url: str, tmp_path: Path, reliability  # type: ignore[no-untyped-def]
) -> None:
    with serve() as site:
        paths = site.add_articles(PAGES)
        first = start_crawler(site.origin, postgres_url, redis_prefix, tmp_path / "first.log")
        second = start_crawler(site.origin, postgres_url, redis_prefix, tmp_path / "second.log")
        stats = [finish(first, tmp_path / "first.log"), finish(second, tmp_path / "second.log")]
        hits = Counter(site.hits)

    # Every page fetched exactly once across both processes, the sitemap too.
    assert {path: hits[path] for path in paths} == dict.fromkeys(paths, 1)
    assert hits["/sitemap.xml"] == 1
    # Both did part of the work (a joiner that waited idle for the whole crawl would fetch nothing).
    fetched = [s.get("downloader/response_count", 0) for s in stats]
    assert all(count > 0 for count in fetched), fetched
    assert [s["finish_reason"] for s in stats] == ["finished", "finished"]
    # Every article stored exactly once: 500 rows, and the two runs' counts add up to 500, not more.
    urls, runs = stored(postgres_url)
    assert sorted(urls) == sorted(site.origin + path for path in paths)
    assert len(runs) == 2
    assert sum(run[0] for run in runs) == PAGES
    assert sum(run[1] for run in runs) == PAGES
    assert [run[2] for run in runs] == ["finished", "finished"]
    # The last process out cleared the run's keys: the next crawl starts afresh.
    assert redis_keys(redis_prefix) == []
    reliability(
        scenario="two crawler processes, one Redis frontier, one PostgreSQL",
        inputs=f"{PAGES} article pages, AKHBAR_REDIS_URL set for both",
        result=f"each page fetched once ({fetched[0]} + {fetched[1]} responses), {PAGES} articles stored once",
        slow=True,
    )


@pytest.mark.slow
def test_killed_process_leaves_its_work_to_the_other(
    redis_prefix: str, postgres_url: str, tmp_path: Path, reliability  # type: ignore[no-untyped-def]
) -> None:
    with serve() as site:
        paths = site.add_articles(PAGES)
        survivor = start_crawler(site.origin, postgres_url, redis_prefix, tmp_path / "survivor.log")
        victim = start_crawler(site.origin, postgres_url, redis_prefix, tmp_path / "victim.log")
        deadline = time.monotonic() + 40
        while len(site.hits) < PAGES // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim.poll() is None, "the victim finished before it could be killed"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        hits_at_kill = len(site.hits)
        stats = finish(survivor, tmp_path / "survivor.log")
        hits = Counter(site.hits)

    assert hits_at_kill < PAGES, "the kill came after the crawl was over"
    assert stats["finish_reason"] == "finished"
    # Nothing lost: every page fetched at least once, and every article is in the database once.
    assert [path for path in paths if hits[path] == 0] == []
    urls, runs = stored(postgres_url)
    assert sorted(urls) == sorted(site.origin + path for path in paths)
    # The victim's run row stays open (it was killed); the survivor's is finished.
    assert sorted(str(run[2]) for run in runs) == ["None", "finished"]
    refetched = sum(count - 1 for path, count in hits.items() if path in set(paths) and count > 1)
    victim_log = (tmp_path / "survivor.log").read_text(encoding="utf-8")
    assert "stopped beating" in victim_log  # the survivor requeued what the victim held
    assert redis_keys(redis_prefix) == []
    reliability(
        scenario="one of two distributed crawlers SIGKILLed mid-run",
        inputs=f"{PAGES} article pages, victim killed after {hits_at_kill} fetches",
        result=f"survivor requeued the victim's pending requests and stored all {PAGES} articles "
               f"({refetched} pages fetched twice)",
        slow=True,
    )
