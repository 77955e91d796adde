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


def run_ours(origin: str, database_url: str, workers: str = "", profile: str = "") -> None:
    from dataclasses import replace

    os.environ["SCRAPY_SETTINGS_MODULE"] = "settings"
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scraper.sites.registry import get_site
    from scraper.spiders.site import SiteSpider

    site = replace(get_site("alaraby"), domains=("127.0.0.1",), sitemaps=(f"{origin}/sitemap.xml",), sections=())
    settings = get_project_settings()
    settings.setdict({**FAST, "AKHBAR_DATABASE_URL": database_url, "AKHBAR_REPLAY": ""}, priority="cmdline")
    if workers:
        settings.set("AKHBAR_EXTRACT_WORKERS", workers, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, site=site)
    if profile:  # CPU time of the crawl's own process (the extraction and MinHash workers are apart)
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(process.start)
        profiler.dump_stats(profile)
    else:
        process.start()
    print(json.dumps({"pages": crawler.stats.get_value("item_scraped_count", 0)}))  # type: ignore[union-attr]


def _tree_cpu(root: int, seen: dict[int, float], stop: threading.Event) -> None:
    """Keep, per process of ``root``'s tree, its last user + system CPU seconds (from /proc), so the
    extraction and MinHash workers (children of a forkserver) are counted too."""
    tick = os.sysconf("SC_CLK_TCK")
    while not stop.wait(0.1):
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
            if int(entry) in seen or int(entry) == root:
                seen[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
        todo = [root]
        while todo:
            pid = todo.pop()
            seen.setdefault(pid, 0.0)
            todo.extend(children.get(pid, []))


def measure(arguments: list[str]) -> tuple[int, float, float, float]:
    """(pages, seconds, peak RSS in MiB, CPU seconds) of one child crawl; CPU counts the child and every
    process it started (sampled every 0.1 s, so a process's last tenth of a second may be missed)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, *arguments], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_tree_cpu, args=(child.pid, seen, stop), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"child crawl {arguments[0]} failed with status {status}")
    pages = json.loads(output.strip().splitlines()[-1])["pages"]
    own = usage.ru_utime + usage.ru_stime
    others = sum(cpu for pid, cpu in seen.items() if pid != child.pid)
    return pages, seconds, usage.ru_maxrss / 1024, own + others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--run-bare", metavar="ORIGIN")
    parser.add_argument("--workers", nargs="+", default=[""],
                        help="AKHBAR_EXTRACT_WORKERS values to run akhbar with, one run each (default: settings)")
    parser.add_argument("--profile", default="", help="write a cProfile (CPU time) of akhbar's crawl process here")
    parser.add_argument("--run-ours", nargs="+", metavar="ORIGIN DATABASE_URL [WORKERS [PROFILE]]")
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
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        bare = measure(["--run-bare", origin])
        for number, workers in enumerate(args.workers):
            database = f"sqlite:///{folder}/bench-{number}.db"
            runs.append((workers, measure(["--run-ours", origin, database, workers, args.profile])))
    server.shutdown()
    print(f"{'crawler':<42} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak RSS MiB':>13} {'CPU s all':>9}"
          f" {'x bare':>7}")
    rows = [("bare Scrapy SitemapSpider", bare)]
    rows += [(f"akhbar (extract + store SQLite){f', workers={w}' if w else ''}", ours) for w, ours in runs]
    for name, (pages, seconds, rss, cpu) in rows:
        ratio = (pages / seconds) / (bare[0] / bare[1])
        print(f"{name:<42} {pages:>6} {seconds:>8.2f} {pages / seconds:>8.1f} {rss:>13.0f} {cpu:>9.1f} {ratio:>7.2f}")


if __name__ == "__main__":
    main()
