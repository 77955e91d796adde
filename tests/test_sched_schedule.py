"""`akhbar schedule`: the schedules file (validated with line numbers), one process per site, a run
that is due while the last is still going is skipped and recorded, SIGTERM stops cleanly.

Files are constructed in each test; the end-to-end runs crawl the bundled (constructed) demo archive.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

import models
from scraper.cli import main
from scraper.operations.scheduler import CrawlScheduler, crawl_command
from scraper.operations.schedules import Job, Schedules, load

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "scraper" / "demo" / "archive"


def _check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "schedules.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["schedule", "--check", str(path)])
    out, err = capsys.readouterr()
    return code, out, err.replace(str(path), "FILE")


def test_the_documented_example_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "--check", str(ROOT / "docs" / "schedules.example.toml")]) == 0
    out = capsys.readouterr().out
    assert "job gulf: aljazeera, alarabiya, skynewsarabia, every 900 s" in out
    assert "job egypt: youm7, masrawy, almasryalyoum, ahram, cron 0 6,18 * * *" in out
    assert out.endswith("3 jobs, valid\n")


def test_every_mistake_is_reported_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """[defaults]
stop_timeout = "soon"
colour = "blue"

[[job]]
site = "alaraby"
every = "15x"

[[job]]
sites = ["aljazeera", "nosuch"]
cron = "61 * * * *"
max_articles = -1
resume = "yes"

[[job]]
site = "alaraby"
cron = "*/5 * * * *"

[[job]]
sitee = "bbc_arabic"
"""
    code, out, err = _check(tmp_path, text, capsys)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "akhbar schedule: FILE:2: stop_timeout 'soon' is not a duration such as 90s, 10m or 1h"
    assert lines[1].startswith("akhbar schedule: FILE:3: unknown key 'colour' in [defaults]")
    assert lines[2] == "akhbar schedule: FILE:7: every '15x' is not a duration such as 90s, 15m, 2h or 1d"
    assert lines[3] == "akhbar schedule: FILE:10: no site named 'nosuch'; `akhbar sites` lists them"
    assert lines[4].startswith("akhbar schedule: FILE:11: cron '61 * * * *': ")
    assert lines[5] == "akhbar schedule: FILE:12: max_articles must be a whole number, 0 or more, not -1"
    assert lines[6] == "akhbar schedule: FILE:13: resume must be true or false, not 'yes'"
    assert lines[7] == ("akhbar schedule: FILE:15: two jobs are named 'alaraby' (the other at line 5); "
                        "give one a `name`")
    assert lines[8] == ('akhbar schedule: FILE:19: a job needs `site = "NAME"` or `sites = ["NAME", ...]` '
                        "(one of them)")
    assert lines[9] == ('akhbar schedule: FILE:19: a job needs `every = "15m"` or `cron = "*/15 * * * *"` '
                        "(one of them)")
    assert lines[10].startswith("akhbar schedule: FILE:20: unknown key 'sitee' in [[job]]")
    assert len(lines) == 11


def test_broken_toml_and_a_missing_file_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _check(tmp_path, '[[job]]\nsite = "alaraby\nevery = "1m"\n', capsys)
    assert code == 2
    assert err.startswith("akhbar schedule: FILE:2: not valid TOML: ")
    assert len(err.splitlines()) == 1
    assert main(["schedule", "--check", str(tmp_path / "none.toml")]) == 2
    err = capsys.readouterr().err
    missing = tmp_path / "none.toml"
    assert err == f"akhbar schedule: {missing}: cannot read the schedules file (No such file or directory)\n"


def test_a_job_becomes_an_akhbar_crawl_command_per_site(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[defaults]\nsince = "2d"\n[[job]]\nsites = ["aljazeera", "alarabiya"]\nevery = "15m"\n'
                    'max_articles = 20\nresume = true\ndatabase = "sqlite:///x.db"\n', encoding="utf-8")
    (job,) = load(path).jobs
    assert job.name == "aljazeera+alarabiya" and job.every == 900
    now = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
    assert crawl_command(job, "alarabiya", now)[1:] == [
        "-m", "scraper.cli", "crawl", "alarabiya", "--since", "2024-05-01T12:00:00+00:00", "--max-articles", "20",
        "--resume", "--database", "sqlite:///x.db"]


def test_a_site_still_running_is_skipped_and_recorded(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    job = Job(name="seed", sites=("alaraby", "aljazeera"), every=60)
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]  # a crawl that is still going
    scheduler = CrawlScheduler(Schedules(jobs=(job,), stop_timeout=0), command=lambda *_: sleeper,
                               database=database)
    scheduler.fire(job)
    first = {site: run.process.pid for site, run in scheduler.running.items()}
    scheduler.fire(job)
    assert {site: run.process.pid for site, run in scheduler.running.items()} == first  # nothing new started
    assert (scheduler.started_runs, scheduler.skipped_runs) == (2, 2)
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(select(models.CrawlRun).order_by(models.CrawlRun.id)).mappings().all()
    engine.dispose()
    assert [(r["spider"], r["finish_reason"]) for r in rows] == [("alaraby", "skipped"), ("aljazeera", "skipped")]
    assert f"(pid {first['alaraby']}) is still going" in rows[0]["detail"]
    assert rows[0]["detail"].startswith("job seed: the run started at ")
    # stopping with no time left: the crawls are sent SIGTERM and the scheduler ends once they are gone
    assert scheduler._drain() == 0
    assert scheduler.running == {}


def _serve_scheduler(tmp_path: Path, stop_timeout: str) -> tuple[int, str, list]:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    path = tmp_path / "schedules.toml"
    path.write_text(f'[defaults]\nstop_timeout = "{stop_timeout}"\ndatabase = "{database}"\n'
                    f'[[job]]\nsite = "alaraby"\nevery = "1s"\nreplay = "{ARCHIVE}"\n', encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "schedule", str(path)], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    skipped = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "skipped alaraby" in line:
                skipped.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert skipped.wait(120), "".join(lines)[-3000:]
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=120)
    reader.join(timeout=30)
    engine = create_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(select(models.CrawlRun).order_by(models.CrawlRun.id)).mappings().all()
    engine.dispose()
    return code, "".join(lines), rows


@pytest.mark.slow
def test_sigterm_waits_for_the_running_crawl(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    code, log, rows = _serve_scheduler(tmp_path, "5m")
    assert code == 0, log[-3000:]
    crawls = [r for r in rows if r["finish_reason"] != "skipped"]
    assert [(r["spider"], r["finish_reason"], r["articles_stored"]) for r in crawls] == [("alaraby", "finished", 5)]
    skipped = [r for r in rows if r["finish_reason"] == "skipped"]
    assert skipped and all(r["spider"] == "alaraby" for r in skipped)
    assert "SIGTERM received: no new crawls; waiting for 1 running" in log
    assert "alaraby finished with exit status 0" in log
    assert f"scheduler stopped: 1 runs started, {len(skipped)} skipped" in log
    reliability(scenario="scheduler gets SIGTERM while a crawl runs", inputs="a job every 1 s, crawls of ~10 s",
                result=f"the crawl finished and stored 5 articles; {len(skipped)} overlapping runs skipped and "
                       "recorded; exit 0", lost=0, slow=True)


@pytest.mark.slow
def test_at_the_stop_timeout_running_crawls_are_stopped_cleanly(tmp_path: Path) -> None:
    """A real crawl of a constructed local site whose pages answer slowly, stopped by the scheduler."""
    import json

    from tests.support.article_site import delayed, serve

    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        for path in site.add_articles(30):
            site.routes[path] = delayed(site.routes[path][2], 0.3)  # type: ignore[index]
        options = {"origin": site.origin, "database": database,
                   "settings": {"AKHBAR_EXTRACT_WORKERS": "0", "CONCURRENT_REQUESTS": "2",
                                "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "AKHBAR_STORE_BATCH": "2"}}
        command = [sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)]
        job = Job(name="local", sites=("alaraby",), every=60)
        scheduler = CrawlScheduler(Schedules(jobs=(job,), stop_timeout=0), command=lambda *_: command,
                                   database=database)
        scheduler.fire(job)
        engine = create_engine(database)
        deadline = time.monotonic() + 90
        stored = 0
        while stored < 2 and time.monotonic() < deadline:  # the crawl is running and storing
            time.sleep(0.1)
            try:
                with engine.connect() as conn:
                    stored = len(conn.execute(select(models.Article.id)).all())
            except Exception:  # the schema is not there yet
                continue
        assert stored >= 2
        scheduler.stop_requested.set()
        assert scheduler._drain() == 0
        with engine.connect() as conn:
            (run,) = conn.execute(select(models.CrawlRun)).mappings().all()
            articles = len(conn.execute(select(models.Article.id)).all())
        engine.dispose()
    assert run["finish_reason"] == "shutdown"  # Scrapy's clean stop on SIGTERM
    assert run["articles_stored"] == articles and 2 <= articles < 30  # what was fetched was stored
