"""Crawl throughput: akhbar's full stack against a bare Scrapy spider, on the same local site.

A local HTTP server on 127.0.0.1 serves N article pages (variants of the constructed demo
pages, each made distinct) and a sitemap. Two crawls run in child processes, one after the other:

* bare: a plain ``scrapy.spiders.SitemapSpider`` that only yields each page's URL;
* akhbar: the real site spider, extraction, and validate → normalize → store into SQLite.

Each prints pages/s and the child's peak RSS, then the ratio. No network beyond loopback.

    python bench/crawl.py [--pages 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scraper" / "demo" / "archive"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False}


def build_site(origin: str, pages: int) -> dict[str, bytes]:
    templates = []
    for line in (DEMO / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["file"].startswith("pages/") and "video" not in row["file"] and "news.html" not in row["file"]:
            slug = row["url"].rsplit("/", 1)[-1]
            templates.append((slug, (DEMO / row["file"]).read_text(encoding="utf-8")))
    routes: dict[str, bytes] = {}
    locs = []
    for number in range(pages):
        slug, html = templates[number % len(templates)]
        path = f"/news/story-{number}"
        page = html.replace("https://www.alaraby.com", origin).replace(f"/news/{slug}", path)
        # A distinct headline and paragraph per page, so each is a new article, not a duplicate.
        page = page.replace("</h1>", f" ({number})</h1>", 1)
        page = re.sub(r'(itemprop="articleBody">)', rf"\1<p>تقرير رقم {number} من سلسلة التغطية المستمرة للأزمة.</p>",
                      page, count=1)
        routes[path] = page.encode()
        locs.append(f"<url><loc>{origin}{path}</loc></url>")
    routes["/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(locs) + "</urlset>"
    ).encode()
    return routes


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, bytes]] = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        kind = "application/xml" if self.path.endswith(".xml") else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def run_bare(origin: str) -> None:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class Bare(SitemapSpider):
        name = "bare"
        sitemap_urls = [f"{origin}/sitemap.xml"]  # noqa: RUF012

        def parse(self, response):  # type: ignore[no-untyped-def]
            yield {"url": response.url}

    process = CrawlerProcess(FAST)
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    process.start()
    print(json.dumps({"pages": crawler.stats.get_value("item_scraped_count", 0)}))  # type: ignore[union-attr]


def run_ours(origin: str, database_url: str) -> None:
    from dataclasses import replace

    os.environ["SCRAPY_SETTINGS_MODULE"] = "settings"
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scraper.sites.registry import get_site
    from scraper.spiders.site import SiteSpider

    site = replace(get_site("alaraby"), domains=("127.0.0.1",), sitemaps=(f"{origin}/sitemap.xml",), sections=())
    settings = get_project_settings()
    settings.setdict({**FAST, "AKHBAR_DATABASE_URL": database_url, "AKHBAR_REPLAY": ""}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, site=site)
    process.start()
    print(json.dumps({"pages": crawler.stats.get_value("item_scraped_count", 0)}))  # type: ignore[union-attr]


def measure(arguments: list[str]) -> tuple[int, float, float]:
    """(pages, seconds, peak RSS in MiB) of one child crawl."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, *arguments], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"child crawl {arguments[0]} failed with status {status}")
    pages = json.loads(output.strip().splitlines()[-1])["pages"]
    return pages, seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--run-bare", metavar="ORIGIN")
    parser.add_argument("--run-ours", nargs=2, metavar=("ORIGIN", "DATABASE_URL"))
    args = parser.parse_args()
    if args.run_bare:
        run_bare(args.run_bare)
        return
    if args.run_ours:
        run_ours(*args.run_ours)
        return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.routes = build_site(origin, args.pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as folder:
        bare = measure(["--run-bare", origin])
        ours = measure(["--run-ours", origin, f"sqlite:///{folder}/bench.db"])
    server.shutdown()
    print(f"{'crawler':<34} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak RSS MiB':>13}")
    for name, (pages, seconds, rss) in (("bare Scrapy SitemapSpider", bare), ("akhbar (extract + store SQLite)", ours)):
        print(f"{name:<34} {pages:>6} {seconds:>8.2f} {pages / seconds:>8.1f} {rss:>13.0f}")
    print(f"akhbar/bare throughput ratio: {(ours[0] / ours[1]) / (bare[0] / bare[1]):.2f}")


if __name__ == "__main__":
    main()
