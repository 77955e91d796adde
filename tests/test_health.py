"""Monitoring: each run is measured and compared with its site's recent runs; `akhbar health` reports it.

The comparison is tested on constructed measures; the whole path (the spider's extension stores
the run's counts, a redesign that loses captions marks the run degraded, `akhbar health` exits 1)
on a constructed local site crawled by the real spider in a child process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models import CrawlHealth
from scraper.cli import main
from scraper.operations.health import DEGRADED, NEW, OK, Tolerance, compare, describe, record_run, sparkline
from scraper.operations.measure import RunMeasure
from scraper.storage.writer import start_crawl_run
from tests.support.article_site import serve

ROOT = Path(__file__).resolve().parents[1]


def _measure(articles: int = 20, **shares: float) -> RunMeasure:
    """A constructed run: ``articles`` articles, every field on all of them unless a share is given."""
    counts = {f"with_{name}": round(articles * shares.get(name, 1.0))
              for name in ("title", "body", "date_time", "captions", "sources", "authors")}
    return RunMeasure(pages_fetched=articles + 2, articles=articles, **counts)


def test_a_field_that_drops_is_named_with_its_usual_share() -> None:
    history = [_measure(captions=0.8), _measure(captions=0.9), _measure(captions=0.85)]
    drops = compare(_measure(captions=0.1), history, Tolerance())
    assert drops == [{"measure": "captions", "value": 0.1, "usual": 0.85}]
    assert describe(drops) == "captions 10% (usually 85%)"


def test_usual_variation_and_rare_fields_are_not_flagged() -> None:
    history = [_measure(authors=0.1, captions=0.8)] * 3
    # captions 0.8 -> 0.6 is within the tolerance; authors 0.1 -> 0.0 is below the smallest drop flagged
    assert compare(_measure(authors=0.0, captions=0.6), history, Tolerance()) == []


def test_error_share_rise_and_article_count_collapse_are_flagged() -> None:
    history = [_measure(40)] * 3
    run = RunMeasure(pages_fetched=42, http_errors=30, articles=3, with_title=3, with_body=3, with_date_time=3,
                     with_captions=3, with_sources=3, with_authors=3)
    measures = [d["measure"] for d in compare(run, history, Tolerance())]
    assert measures == ["http_errors", "articles"]
    # a run cut short (deadline, shutdown) is not judged on its counts
    assert [d["measure"] for d in compare(run, history, Tolerance(), finished=False)] == ["http_errors"]


def test_state_is_new_until_there_is_history_and_degraded_runs_are_not_the_baseline(engine: Engine) -> None:
    states = []
    for measure in [_measure()] * 3 + [_measure(sources=0.0), _measure(sources=0.0), _measure()]:
        run_id = start_crawl_run(engine, "alaraby")
        states.append(record_run(engine, run_id, "alaraby", measure, Tolerance())[0])
    assert states == [NEW, NEW, NEW, DEGRADED, DEGRADED, OK]
    with engine.connect() as conn:
        rows = conn.execute(select(CrawlHealth).order_by(CrawlHealth.crawl_run_id)).mappings().all()
    assert [r["with_sources"] for r in rows] == [20, 20, 20, 0, 0, 20]
    assert rows[3]["drops"] == [{"measure": "sources", "value": 0.0, "usual": 1.0}]


def test_health_command_table_json_exit_status_and_accept(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(engine.url.render_as_string(hide_password=False))
    for site, measures in (("alaraby", [_measure()] * 3 + [_measure(captions=0.0)]), ("aljazeera", [_measure(5)])):
        for measure in measures:
            record_run(engine, start_crawl_run(engine, site), site, measure, Tolerance())
    assert main(["health", "--database", url]) == 1
    table = capsys.readouterr().out
    alaraby = next(line for line in table.splitlines() if line.startswith("alaraby"))
    assert "degraded" in alaraby and "captions 0% (usually 100%)" in alaraby and "▁" not in alaraby
    assert re.search(r"aljazeera\s.*\bnew\b", table)

    assert main(["health", "--database", url, "--format", "json"]) == 1
    states = {s["site"]: s for s in json.loads(capsys.readouterr().out)}
    assert states["alaraby"]["state"] == "degraded"
    assert states["alaraby"]["drops"] == [{"measure": "captions", "value": 0.0, "usual": 1.0}]
    assert states["alaraby"]["trend"] == [20, 20, 20, 20]
    assert states["aljazeera"] | {"started_at": None} == {
        "site": "aljazeera", "last_run": 5, "started_at": None, "finish_reason": None, "state": "new",
        "drops": [], "pages_fetched": 7, "articles": 5, "trend": [5]}

    assert main(["health", "--database", url, "--site", "aljazeera"]) == 0
    capsys.readouterr()
    assert main(["health", "--database", url, "--accept", "alaraby"]) == 0
    assert main(["health", "--database", url]) == 0
    assert main(["health", "--database", url, "--accept", "alaraby"]) == 2
    assert "no degraded last run" in capsys.readouterr().err


def test_sparkline_scales_to_the_largest_run() -> None:
    assert sparkline([0, 5, 10]) == "▁▅█"
    assert sparkline([0, 0]) == "▁▁"


def _crawl(origin: str, database: str) -> dict:
    # every run fetches every page (as --refetch): the same six pages stand for each run's new articles
    options = {"origin": origin, "database": database,
               "settings": {"AKHBAR_EXTRACT_WORKERS": "0", "AKHBAR_INCREMENTAL": "0"}}
    result = subprocess.run([sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("STATS ", 1)[1])


@pytest.mark.slow
def test_a_redesign_that_loses_captions_marks_the_crawl_degraded(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        paths = site.add_articles(6)
        for _ in range(3):
            assert _crawl(site.origin, database)["akhbar/health"] == "new"
        for path in paths:  # the "redesign": captions are no longer marked up as captions
            status, headers, body = site.routes[path]  # type: ignore[misc]
            site.routes[path] = (status, headers, re.sub(rb"<figcaption.*?</figcaption>", b"", body, flags=re.S))
        stats = _crawl(site.origin, database)
    assert stats["akhbar/health"] == "degraded"
    result = subprocess.run([sys.executable, "-m", "scraper.cli", "health", "--database", database,
                             "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    (state,) = json.loads(result.stdout)
    assert state["site"] == "alaraby"
    assert state["state"] == "degraded"
    assert state["drops"] == [{"measure": "captions", "value": 0.0, "usual": 1.0}]
    assert state["trend"] == [6, 6, 6, 6]
    assert state["pages_fetched"] == 7  # the sitemap and six articles
    reliability(scenario="site redesign drops captions", inputs="3 normal runs, then 6 pages without figcaption",
                result="run marked degraded naming captions; akhbar health exits 1", lost=0, slow=True)
