"""Faults: a crawler killed mid-write, and two crawlers storing the same pages at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from scraper.storage.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]

INGEST = textwrap.dedent(
    """
    import sys
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade
    from scraper.storage.synthetic import make_item
    from scraper.storage.writer import ArticleWriter

    url, first, last, step, reverse = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), 50, sys.argv[4] == "1"
    engine = make_engine(url)
    upgrade(engine)
    writer = ArticleWriter(engine)
    starts = list(range(first, last, step))
    for start in reversed(starts) if reverse else starts:
        result = writer.store([make_item(n) for n in range(start, min(start + step, last))])
        assert not result.skipped, result.skipped
        print(start, flush=True)
    """
)


def ingest(url: str, first: int, last: int, reverse: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, url, str(first), str(last), "1" if reverse else "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def assert_every_article_is_whole(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        articles = connection.execute(text("SELECT count(*) FROM article")).scalar_one()
        # Synthetic articles have one caption, one source, one author, two tags, one revision.
        broken = connection.execute(
            text(
                """
                SELECT a.id FROM article a
                WHERE (SELECT count(*) FROM caption c WHERE c.article_id = a.id) != 1
                   OR (SELECT count(*) FROM source_attribution s WHERE s.article_id = a.id) != 1
                   OR (SELECT count(*) FROM author w WHERE w.article_id = a.id) != 1
                   OR (SELECT count(*) FROM tag t WHERE t.article_id = a.id) != 2
                   OR (SELECT count(*) FROM article_revision r WHERE r.article_id = a.id) != 1
                   OR a.story_cluster IS NULL
                   OR NOT EXISTS (SELECT 1 FROM raw_page p WHERE p.id = a.raw_page_id)
                """
            )
        ).all()
    engine.dispose()
    assert broken == []
    return int(articles)


def test_a_crawler_killed_mid_write_leaves_whole_articles_or_none(database_url: str, reliability) -> None:
    process = ingest(database_url, 0, 1_000_000)
    assert process.stdout is not None
    for _ in range(4):  # a few batches committed, the next one in flight
        assert process.stdout.readline(), process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    stored = assert_every_article_is_whole(database_url)
    assert stored >= 200 and stored % 50 == 0  # only whole batches
    # and the database is still writable after the crash
    again = ingest(database_url, 0, 100)
    assert again.wait(timeout=120) == 0, again.stderr.read() if again.stderr else ""
    reliability(scenario=f"writer SIGKILLed mid-batch ({database_url.split(':')[0].split('+')[0]})",
                inputs="batches of 50, killed after 4 committed",
                result=f"{stored} whole articles (whole batches only), database writable after", lost=0, slow=True)


def test_two_processes_storing_the_same_1000_pages_leave_1000_articles(database_url: str, reliability) -> None:
    # Both start on an empty database: they also race to create the schema.
    first, second = ingest(database_url, 0, 1000), ingest(database_url, 0, 1000, reverse=True)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    for process, (_, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        assert "Error" not in err and "Traceback" not in err, err[-3000:]
    assert assert_every_article_is_whole(database_url) == 1000
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article_revision")).scalar() == 1000
        assert connection.execute(text("SELECT count(DISTINCT canonical_url) FROM article")).scalar() == 1000
        assert connection.execute(text("SELECT count(*) FROM raw_page")).scalar() == 1000
    engine.dispose()
    reliability(scenario=f"two processes store the same pages at once ({database_url.split(':')[0].split('+')[0]})",
                inputs="1,000 pages each, opposite orders, empty database (schema race too)",
                result="1,000 articles, 1,000 revisions, 1,000 raw pages; no error output", lost=0, slow=True)
