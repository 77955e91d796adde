"""Downloads that fail for good leave a trace: each is an ``extraction_failure`` row (URL, stage
``download``, a one-line reason) counted in ``crawl_run.download_failures``, and retries wait
(the server's Retry-After, capped, or a backoff) instead of going out at once.

A real crawl (real Scrapy downloader, real pipelines) runs against a local server on 127.0.0.1
whose routes answer as a failing site would. Pages: CONSTRUCTED (tests/support/article_site.py).
"""

from __future__ import annotations

import itertools
import socket
import struct
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.support.article_site import HTML, delayed, serve, sitemap
from tests.support.hostile import crawl_run, failures, run_crawl, stored_urls

RETRY_AFTER_MAX = 2.0
BACKOFF = 0.5


class Clock:
    """When each path was asked for (server side), to show how long a retry waited."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    def hit(self, path: str) -> None:
        with self.lock:
            self.times[path].append(time.monotonic())

    def gaps(self, path: str) -> list[float]:
        moments = self.times[path]
        return [later - earlier for earlier, later in itertools.pairwise(moments)]

    def tries(self, path: str, resend_window: float = 0.2) -> list[list[float]]:
        """Arrivals grouped into the crawler's tries: a request Twisted's pool resends at once on
        a reused connection arrives within ``resend_window`` of the first."""
        groups: list[list[float]] = []
        for moment in self.times[path]:
            if groups and moment - groups[-1][-1] < resend_window:
                groups[-1].append(moment)
            else:
                groups.append([moment])
        return groups


@pytest.mark.slow  # waits on purpose (timeouts, Retry-After, a deadline)
def test_each_download_failure_is_recorded_with_its_reason_and_retries_wait(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    clock = Clock()

    def answer(status: int, headers: dict[str, str]):
        def route(handler: BaseHTTPRequestHandler) -> None:
            clock.hit(handler.path)
            handler.send_response(status)
            for name, value in {**headers, "Content-Length": "5"}.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(b"error")

        return route

    release = threading.Event()  # set when the crawl is over: no handler outlives the test

    def hang(handler: BaseHTTPRequestHandler) -> None:
        clock.hit(handler.path)
        release.wait(10)  # longer than DOWNLOAD_TIMEOUT: the crawler gives up first
        handler.close_connection = True

    def reset(handler: BaseHTTPRequestHandler) -> None:
        clock.hit(handler.path)
        # SO_LINGER 0: close() sends a TCP RST instead of a FIN, as a dropped connection does.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    def loop(handler: BaseHTTPRequestHandler) -> None:
        clock.hit("/news/loop")
        number = int(handler.path.rsplit("=", 1)[1]) + 1 if "=" in handler.path else 1
        handler.send_response(302)
        handler.send_header("Location", f"/news/loop?hop={number}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with serve() as site:
        good = site.add_articles(3)
        # The same server under another host name: off the site's domain (127.0.0.1).
        away = site.origin.replace("127.0.0.1", "localhost") + "/news/elsewhere"
        site.routes.update({
            "/news/server-error": answer(500, {"Content-Type": "text/plain"}),
            "/news/unavailable": answer(503, {"Content-Type": "text/plain", "Retry-After": "1"}),
            "/news/too-many": answer(429, {"Content-Type": "text/plain", "Retry-After": "3600"}),
            "/news/hang": hang,
            "/news/reset": reset,
            "/news/loop": loop,
            "/news/away": (302, {"Location": away}, b""),
            "/news/elsewhere": (200, {"Content-Type": HTML}, site.routes[good[0]][2]),  # type: ignore[index]
        })  # fmt: skip
        bad = ["/news/server-error", "/news/unavailable", "/news/too-many", "/news/hang", "/news/reset",
               "/news/loop", "/news/away"]  # fmt: skip
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap(site.origin, good + bad))
        try:
            result = run_crawl({
                "origin": site.origin, "database": database,
                "settings": {"DOWNLOAD_TIMEOUT": 1, "AKHBAR_RETRY_AFTER_MAX": RETRY_AFTER_MAX,
                             "AKHBAR_RETRY_BACKOFF": BACKOFF, "AKHBAR_EXTRACT_WORKERS": 0},
            })  # fmt: skip
        finally:
            release.set()
        hits = list(site.hits)

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    assert stored_urls(database) == {site.origin + path for path in good}
    found = failures(database)
    origin = site.origin
    # The store prefixes each reason with its URL (the dropped item's message).
    reasons = {url.removeprefix(origin): row["error"].removeprefix(url + ": ") for url, row in found.items()}
    assert {row["stage"] for row in found.values()} == {"download"}
    assert set(reasons) == set(bad), reasons
    assert reasons["/news/server-error"] == "HTTP 500 after 2 tries"
    assert reasons["/news/unavailable"] == "HTTP 503 after 2 tries"
    assert reasons["/news/too-many"] == "HTTP 429 after 2 tries"
    assert reasons["/news/hang"] == "timed out (no complete answer in 1 s)"
    assert reasons["/news/reset"] == "connection reset or closed before the whole answer arrived"
    assert reasons["/news/loop"] == (f"more than 5 redirects (REDIRECT_MAX_TIMES); the last from {origin}"
                                     f"/news/loop?hop=5 to /news/loop?hop=6")
    assert reasons["/news/away"] == f"redirected off the site to {away}", reasons["/news/away"]
    # No body was kept for these (an HTTP error keeps an empty page with its status).
    assert {path: found[origin + path]["page_size"] for path in bad} == {
        path: 0 if path in ("/news/server-error", "/news/unavailable", "/news/too-many") else None for path in bad}
    run = crawl_run(database)
    assert run["download_failures"] == run["failures"] == len(bad)
    assert run["articles_stored"] == len(good) and run["finish_reason"] == "finished"

    # Each retried once (RETRY_TIMES 1), after a wait: never at once.
    for path in ("/news/server-error", "/news/unavailable", "/news/too-many", "/news/hang"):
        assert len(clock.times[path]) == 2, (path, clock.times[path])
    # A reset on a kept-alive connection may also be resent at once by Twisted's connection pool
    # (a request never answered on a reused connection): 2 or 3 arrivals, the crawler's retry waited.
    tries = clock.tries("/news/reset")
    assert len(tries) == 2 and all(len(arrivals) <= 2 for arrivals in tries), clock.times["/news/reset"]
    assert tries[1][0] - tries[0][-1] >= BACKOFF  # the crawler's own retry waited
    for path in ("/news/server-error", "/news/hang"):  # no Retry-After: the backoff
        assert clock.gaps(path)[0] >= BACKOFF, (path, clock.gaps(path))
    assert clock.gaps("/news/unavailable")[0] >= 1.0  # Retry-After: 1, honoured
    assert clock.gaps("/news/too-many")[0] >= RETRY_AFTER_MAX  # Retry-After: 3600, capped
    assert result.seconds < 600  # the hour asked for was not waited
    assert len(clock.times["/news/loop"]) == 6  # the first answer and 5 redirects followed
    assert "/news/elsewhere" not in hits  # the off-site redirect was not followed

    for scenario, inputs, expected in [
        ("HTTP 500 until the retries run out", "500 twice", reasons["/news/server-error"]),
        ("HTTP 503 with Retry-After: 1", "503 twice", "waited >= 1 s, " + reasons["/news/unavailable"]),
        ("HTTP 429 with Retry-After: 3600", f"cap {RETRY_AFTER_MAX:g} s", "waited the cap, failure row"),
        ("a page that hangs", "no answer, DOWNLOAD_TIMEOUT 1 s", reasons["/news/hang"]),
        ("a connection reset (TCP RST)", "reset on both tries", reasons["/news/reset"]),
        ("a redirect loop", "302 to a new query string each time", "more than 5 redirects (REDIRECT_MAX_TIMES)"),
        ("an off-site redirect", "302 to another host", "not followed, failure row"),
    ]:
        reliability(scenario=f"download: {scenario}", inputs=f"{inputs}; 3 good articles beside",
                    result=f"{expected}; stage download, counted in crawl_run; 3 articles stored", lost=0, slow=True)


# -- hanging and trickling answers, the run's deadline -------------------------------------------


def test_the_download_timeout_fits_news_sites() -> None:
    import settings

    # A hanging server costs at most 2 x 30 s per URL, not Scrapy's 3 x 180 s.
    assert (settings.DOWNLOAD_TIMEOUT, settings.RETRY_TIMES) == (30, 1)


@pytest.mark.slow  # waits on purpose (timeouts, Retry-After, a deadline)
def test_a_hanging_sitemap_and_a_trickling_page_end_at_the_download_timeout(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    clock = Clock()

    release = threading.Event()  # set when the crawl is over: no handler outlives the test

    def hang(handler: BaseHTTPRequestHandler) -> None:
        clock.hit(handler.path)
        release.wait(30)  # never answers in the crawl's time
        handler.close_connection = True

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        clock.hit(handler.path)
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            while not release.wait(0.1):  # one byte every 0.1 s: data keeps coming, the answer never ends
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except OSError:  # the crawler gave up and closed the connection
            pass
        handler.close_connection = True

    with serve() as site:
        good = site.add_articles(2, sitemap_path="/good.xml")
        site.routes.update({"/hanging.xml": hang, "/news/trickle": trickle})
        site.routes["/good.xml"] = (200, {"Content-Type": "application/xml"},
                                    sitemap(site.origin, [*good, "/news/trickle"]))  # fmt: skip
        try:
            result = run_crawl({
                "origin": site.origin, "database": database, "sitemaps": ["/hanging.xml", "/good.xml"],
                "settings": {"DOWNLOAD_TIMEOUT": 1, "AKHBAR_RETRY_BACKOFF": 0.1, "AKHBAR_EXTRACT_WORKERS": 0},
            })  # fmt: skip
        finally:
            release.set()

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    origin = site.origin
    assert stored_urls(database) == {origin + path for path in good}
    found = failures(database)
    reasons = {url.removeprefix(origin): row["error"].removeprefix(url + ": ") for url, row in found.items()}
    assert reasons == {"/hanging.xml": "timed out (no complete answer in 1 s)",
                       "/news/trickle": "timed out (no complete answer in 1 s)"}  # fmt: skip
    assert len(clock.times["/hanging.xml"]) == len(clock.times["/news/trickle"]) == 2  # one retry each
    run = crawl_run(database)
    assert run["download_failures"] == 2 and run["articles_stored"] == 2
    # Two tries of 1 s each (and a 0.1 s pause), not 3 x 180 s: the run is short.
    assert result.stats["elapsed_time_seconds"] < 30, result.stats
    elapsed = result.stats["elapsed_time_seconds"]
    reliability(scenario="a hanging sitemap", inputs="no answer; DOWNLOAD_TIMEOUT 1 s (default 30 s), 1 retry",
                result=f"failure row 'timed out', 2 articles of another sitemap stored; crawl {elapsed:.1f} s",
                lost=0, slow=True)  # fmt: skip
    reliability(scenario="a trickling page", inputs="1 byte per 0.1 s of a 100 kB answer; DOWNLOAD_TIMEOUT 1 s",
                result="failure row 'timed out' after 2 tries; the rest of the crawl stored", lost=0, slow=True)


@pytest.mark.slow  # waits on purpose (timeouts, Retry-After, a deadline)
def test_the_deadline_stops_the_run_with_exit_1_and_keeps_what_was_fetched(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        paths = site.add_articles(40)
        for path in paths:
            site.routes[path] = delayed(site.routes[path][2], 0.5)  # type: ignore[index]  # a slow site: 40 pages, 2 at a time, take 10 s
        result = run_crawl({
            "origin": site.origin, "database": database,
            "settings": {"AKHBAR_DEADLINE": 3, "CONCURRENT_REQUESTS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                         "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip
        fetched = {site.origin + path for path in site.hits if path.startswith("/news/")}

    assert result.status == 1, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    assert "Deadline of 3 s passed: closing the crawl" in result.output
    assert "crawl finished (deadline)" in result.output
    stored = stored_urls(database)
    run = crawl_run(database)
    assert run["finish_reason"] == "deadline" and run["articles_stored"] == len(stored)
    assert 0 < len(stored) < len(paths)
    # Nothing fetched is lost: every page asked for is stored or still on the server for the next run.
    assert stored <= fetched
    reliability(scenario="run deadline (AKHBAR_DEADLINE / crawl --deadline)",
                inputs="3 s deadline, 40 pages at 0.5 s each, 2 at a time",
                result=f"closed with reason deadline, exit 1; {len(stored)} articles committed", lost=0, slow=True)


def test_crawl_deadline_option_reaches_the_spider_and_bad_values_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scraper.cli import crawl as crawl_cli
    from scraper.cli import main

    asked: list[dict[str, object]] = []

    def fake_crawl_many(jobs: list[tuple[object, dict[str, object]]], *, settings: object = None) -> list[dict]:
        asked.extend(spider_args for _, spider_args in jobs)
        return [{"finish_reason": "deadline"} for _ in jobs]

    monkeypatch.setattr(crawl_cli, "crawl_many", fake_crawl_many)
    monkeypatch.setattr(crawl_cli, "crawl", lambda *a, **k: pytest.fail("crawl_many is the one that runs"))
    database = ["--database", f"sqlite:///{tmp_path / 'akhbar.db'}"]
    assert main(["crawl", "alaraby", "--deadline", "90", *database]) == 1  # stopped by the deadline: 1
    assert asked[-1]["deadline"] == "90"
    assert "the run stopped early (deadline)" in capsys.readouterr().err
    for value in ("soon", "-5", "nan"):
        assert main(["crawl", "alaraby", "--deadline", value, *database]) == 2
        err = capsys.readouterr().err.strip()
        assert "Traceback" not in err and len(err.splitlines()) == 1, err
        assert "deadline must be" in err and repr(value) in err, err
    monkeypatch.setenv("AKHBAR_DEADLINE", "an hour")
    assert main(["crawl", "alaraby", *database]) == 2
    assert capsys.readouterr().err.strip().endswith(
        ": environment variable AKHBAR_DEADLINE: deadline must be a number of seconds, got 'an hour'")
    assert len(asked) == 1
