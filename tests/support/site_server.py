"""A local HTTP server on 127.0.0.1 serving the demo archive as a live site.

Every ``https://www.alaraby.com`` in the saved files is rewritten to the server's own address,
so the real Scrapy downloader crawls sitemap → listing → articles over real HTTP.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

DEMO_ARCHIVE = Path(__file__).resolve().parents[2] / "scraper" / "demo" / "archive"
LIVE_ORIGIN = "https://www.alaraby.com"


def _routes(origin: str) -> dict[str, tuple[bytes, str]]:
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}
    for line in (DEMO_ARCHIVE / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        body = (DEMO_ARCHIVE / row["file"]).read_bytes().replace(LIVE_ORIGIN.encode(), origin.encode())
        routes[urlsplit(row["url"]).path] = (body, row["headers"]["Content-Type"])
    return routes


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        found = self.routes.get(urlsplit(self.path).path)
        if found is None:
            self.send_error(404)
            return
        body, content_type = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@contextmanager
def serve_demo_site() -> Iterator[tuple[str, list[str]]]:
    """Yield (origin, list of requested paths) while the server runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Handler,), {"routes": _routes(origin), "hits": hits})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin, hits
    finally:
        server.shutdown()
        server.server_close()
