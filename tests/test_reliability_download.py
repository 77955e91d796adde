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

from tests.support.article_site import HTML, serve, sitemap
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

    def hang(handler: BaseHTTPRequestHandler) -> None:
        clock.hit(handler.path)
        time.sleep(4)  # longer than DOWNLOAD_TIMEOUT: the crawler gives up first

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
        result = run_crawl({
            "origin": site.origin, "database": database,
            "settings": {"DOWNLOAD_TIMEOUT": 1, "AKHBAR_RETRY_AFTER_MAX": RETRY_AFTER_MAX,
                         "AKHBAR_RETRY_BACKOFF": BACKOFF, "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip
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
    assert len(clock.times["/news/reset"]) in (2, 3)
    for path in ("/news/server-error", "/news/hang", "/news/reset"):  # no Retry-After: the backoff
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
        ("a redirect loop", "302 to a new query string each time", reasons["/news/loop"]),
        ("an off-site redirect", "302 to another host", "not followed, failure row"),
    ]:
        reliability(scenario=f"download: {scenario}", inputs=f"{inputs}; 3 good articles beside",
                    result=f"{expected}; stage download, counted in crawl_run; 3 articles stored", lost=0)
