"""Live progress: a rich live line on a terminal, a periodic one-line summary off it, a summary at the end.

Unit tests drive ``Progress`` with a constructed clock; crawl tests run the real spider against a
constructed local site in a child process, off a terminal and on a forced terminal.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from rich.console import Console

from scraper.operations.progress import Progress
from tests.support.article_site import HTML, serve

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"crawl: (\d+) pages, (\d+) stored, (\d+) dropped, (\d+) errors; [\d.]+ pages/s; \d+:\d\d:\d\d")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_one_line_per_interval_and_a_summary() -> None:
    clock, lines = Clock(), []
    progress = Progress("crawl", ("pages", "stored", "dropped", "errors"), live=False, interval=30,
                        emit=lines.append, clock=clock).start()
    clock.now += 10
    progress.update(pages=5, stored=4)
    assert lines == []  # not yet 30 s
    clock.now += 20
    progress.update(pages=60, stored=50, dropped=3, errors=1)
    assert lines == ["crawl: 60 pages, 50 stored, 3 dropped, 1 errors; 2.0 pages/s; 0:00:30"]
    clock.now += 3600
    progress.update(pages=7260)
    progress.finish()
    assert lines[-1] == "crawl: 7260 pages, 50 stored, 3 dropped, 1 errors; 2.0 pages/s; 1:00:30 (finished)"


def test_a_short_run_off_a_terminal_logs_nothing_unless_asked_for_a_summary() -> None:
    lines: list[str] = []
    progress = Progress("export", ("articles",), live=False, interval=30, emit=lines.append, clock=Clock())
    list(progress.track(range(3)))
    progress.finish(always=False)
    assert lines == []
    progress.finish()
    assert lines == ["export: 3 articles; 3000000000.0 articles/s; 0:00:00 (finished)"]


def test_a_total_is_shown_beside_the_first_count() -> None:
    progress = Progress("reparse", ("pages", "changed"), live=False, emit=lambda _: None, clock=Clock())
    progress.update(total=13, pages=4, changed=1)
    assert progress.line().startswith("reparse: 4/13 pages, 1 changed;")


def test_on_a_terminal_a_live_line_with_logs_above_it() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, force_interactive=True, width=120)
    handler = logging.StreamHandler(out)
    handler.stream.isatty = lambda: True  # type: ignore[method-assign]  # the log handler writes to the same terminal
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        progress = Progress("crawl", ("pages", "stored"), console=console, clock=Clock()).start()
        assert progress.live_mode
        progress.update(pages=3, stored=2)
        logging.getLogger("test").warning("a log line during the live display")
        progress.finish()
    finally:
        root.removeHandler(handler)
    text = out.getvalue()
    assert "\x1b[" in text  # terminal control: the line is redrawn in place
    assert "a log line during the live display" in text
    assert "crawl: 3 pages, 2 stored; 3000000000.0 pages/s; 0:00:00 (finished)" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]",
                                                                                           "", text)
    assert handler.stream is out  # the handler writes where it did before


def _slow_page(handler: BaseHTTPRequestHandler) -> None:
    """An article link that answers after a second: the crawl lasts past a few progress intervals."""
    time.sleep(1.0)
    body = b"<html><body>slow, not an article</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _crawl(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    with serve() as site:
        paths = site.add_articles(6)
        site.routes["/news/slow-page"] = _slow_page
        from tests.support.article_site import sitemap

        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                       sitemap(site.origin, [*paths, "/news/slow-page"]))
        options = {"origin": site.origin, "database": f"sqlite:///{tmp_path / 'akhbar.db'}",
                   "settings": {"AKHBAR_EXTRACT_WORKERS": "0"}}
        return subprocess.run([sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_a_crawl_off_a_terminal_logs_progress_lines_and_a_final_one(tmp_path: Path) -> None:
    result = _crawl(tmp_path, {"AKHBAR_PROGRESS_INTERVAL": "0.2"})
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if "[akhbar.progress]" in line]
    assert len(lines) >= 2  # at least one periodic line during the one-second page, and the last
    assert all(LINE.search(line) for line in lines), lines
    assert "\x1b[" not in result.stderr  # no terminal control in a log file
    final = LINE.search(lines[-1])
    assert final is not None and lines[-1].endswith("(finished)")
    # the sitemap, six articles and the slow page; the slow page is not an article
    assert final.groups() == ("8", "6", "1", "0")
    assert "Crawled 0 pages" not in result.stderr  # Scrapy's own periodic line is replaced


def test_a_crawl_on_a_forced_terminal_shows_a_live_line(tmp_path: Path) -> None:
    result = _crawl(tmp_path, {"AKHBAR_PROGRESS": "live", "FORCE_COLOR": "1", "TTY_INTERACTIVE": "1",
                               "COLUMNS": "150"})
    assert result.returncode == 0, result.stderr[-3000:]
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    assert "\x1b[" in result.stderr
    assert re.search(r"crawl: 8 pages, 6 stored, 1 dropped, 0 errors; [\d.]+ pages/s; 0:00:\d\d \(finished\)", plain)
    assert "[akhbar.progress]" not in plain  # the live line replaces the log lines
    assert "Spider closed (finished)" in plain  # Scrapy's log still shows
