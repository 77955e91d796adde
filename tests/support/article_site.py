"""A local HTTP server with N distinct article pages (constructed: variants of the constructed
demo archive's pages, each with its own headline and paragraph), a sitemap of them, and any extra
routes a test adds: hostile answers such as a hang, a 503 with Retry-After, a reset connection,
a redirect loop or a decompression bomb.

A route is a path mapped to ``(status, headers, body)`` or to a function taking the request
handler (for answers that are not a plain response).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

DEMO = Path(__file__).resolve().parents[2] / "scraper" / "demo" / "archive"
HTML = "text/html; charset=utf-8"

Route = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]


def article_pages(origin: str, count: int, prefix: str = "story") -> dict[str, bytes]:
    """``count`` distinct article pages at ``/news/<prefix>-<n>``."""
    templates = []
    for line in (DEMO / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["file"].startswith("pages/") and "video" not in row["file"] and "news.html" not in row["file"]:
            templates.append((row["url"].rsplit("/", 1)[-1], (DEMO / row["file"]).read_text(encoding="utf-8")))
    pages = {}
    for number in range(count):
        slug, html = templates[number % len(templates)]
        path = f"/news/{prefix}-{number}"
        page = html.replace("https://www.alaraby.com", origin).replace(f"/news/{slug}", path)
        page = page.replace("</h1>", f" ({number})</h1>", 1)
        page = re.sub(r'(itemprop="articleBody">)', rf"\1<p>تقرير رقم {number} من سلسلة التغطية المستمرة.</p>",
                      page, count=1)
        pages[path] = page.encode()
    return pages


def delayed(body: bytes, seconds: float) -> Route:
    """A route answering ``body`` as an HTML page after ``seconds``: a slow site."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def sitemap(origin: str, paths: list[str]) -> bytes:
    locs = "".join(f"<url><loc>{origin}{path}</loc></url>" for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    ).encode()


@dataclass
class Site:
    origin: str
    routes: dict[str, Route]
    hits: list[str] = field(default_factory=list)

    def add_articles(self, count: int, prefix: str = "story", sitemap_path: str = "/sitemap.xml") -> list[str]:
        pages = article_pages(self.origin, count, prefix)
        for path, body in pages.items():
            self.routes[path] = (200, {"Content-Type": HTML}, body)
        self.routes[sitemap_path] = (200, {"Content-Type": "application/xml"}, sitemap(self.origin, list(pages)))
        return list(pages)


class _Handler(BaseHTTPRequestHandler):
    site: ClassVar[Site]
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.site.hits.append(self.path)
        route: Any = self.site.routes.get(self.path) or self.site.routes.get(urlsplit(self.path).path)
        if route is None:
            body = b"not found"
            route = (404, {"Content-Type": "text/plain"}, body)
        if callable(route):
            route(self)
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(routes: dict[str, Route] | None = None) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    site = Site(f"http://127.0.0.1:{server.server_address[1]}", dict(routes or {}))
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": site})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
