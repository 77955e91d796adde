"""``akhbar ingest PATH...``: store saved pages through the crawl's own stages, without discovery.

Each page is extracted as a crawl extracts it (the site found by its URL, in a worker process with
the time limit), then goes through the same pipelines: validate, normalize, store (batched, its raw
page kept, failures recorded in ``extraction_failure``, a ``crawl_run`` row named ``ingest``).
Spool files (what a crawl could not store when its database failed) are stored as they are:
named as a PATH, or all of this database's with ``--spool``.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scraper.cli.common import CliError
from scraper.cli.db import add_database_argument, checked_url, database_url

INGEST_RUN = "ingest"  # the crawl_run row's spider name


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="store saved pages (HTML files, folders, replay folders, WARC files, spool files) without crawling",
        description="Store saved pages through the crawl's extraction and pipelines, without discovery.",
        epilog="exit status: 0 pages stored (or nothing new); 1 nothing stored because every page failed or the "
        "database refused; 2 usage error (missing path, a page without a URL, nothing to ingest)",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="HTML files, folders of them, replay folders (manifest.jsonl), .warc/.warc.gz, "
                             "spool .jsonl files")  # fmt: skip
    parser.add_argument("--url", help="the address of the page, when PATH is one HTML file without a canonical link")
    parser.add_argument("--spool", action="store_true", help="also store this database's pending spool files")
    add_database_argument(parser)
    parser.set_defaults(func=run_ingest)


@dataclass(slots=True)
class Tally:
    pages: int = 0
    stored: int = 0  # articles handed to the store
    dropped: int = 0  # pages that are not articles (or not usable ones)
    failed: int = 0  # unreadable files, pages without a URL, extractor errors and time-outs
    skipped: int = 0  # saved responses that are not article candidates: non-200, sitemaps, feeds


class _Ingest:
    """The validate -> normalize -> store pipelines, driven page by page outside a Scrapy crawl."""

    def __init__(self, url: str) -> None:
        from pipelines.normalize import NormalizePipeline
        from pipelines.store import StorePipeline
        from pipelines.validate import ValidatePipeline

        spool = os.environ.get("AKHBAR_SPOOL_DIR")
        self.validate = ValidatePipeline()
        self.normalize = NormalizePipeline()
        # The store pipeline reads the run's name from its crawler's spider: an "ingest" run.
        from scrapy.signalmanager import SignalManager

        # (and signals: it announces each committed batch, which nothing here listens to)
        crawler = SimpleNamespace(spider=SimpleNamespace(name=INGEST_RUN), stats=None, signals=SignalManager())
        self.store = StorePipeline(url, crawler=crawler, interval=0, spool_dir=Path(spool) if spool else None)  # type: ignore[arg-type]
        self.tally = Tally()
        self._pool: Any = None

    def open(self) -> None:
        self.store.open_spider()  # also stores what earlier runs left in this database's spool folder

    def extract(self, body: bytes, url: str, fetched_at: datetime, content_type: str | None) -> Any:
        from scraper.extraction_pool import ExtractionPool, extract_page
        from scraper.sites.registry import site_for_url

        site = site_for_url(url)
        workers = int(os.environ.get("AKHBAR_EXTRACT_WORKERS", "1") or 0)
        if workers <= 0:
            return extract_page(body, url, fetched_at, site, content_type)
        if self._pool is None:
            self._pool = ExtractionPool(1, float(os.environ.get("AKHBAR_EXTRACT_TIMEOUT", "20") or 20))
        return self._pool.submit(body, url, fetched_at, site, content_type).result()

    def page(self, saved: Any) -> None:
        from scraper.article import CrawlItem, FetchedPage
        from scraper.saved_pages import content_type, looks_like_html

        response = saved.response
        if response is None:
            self.tally.pages += 1
            self.tally.failed += 1
            print(f"akhbar ingest: {saved.problem}", file=sys.stderr)
            return
        if response.status != 200 or not looks_like_html(response):
            self.tally.skipped += 1
            return
        self.tally.pages += 1
        fetched_at = response.fetched_at or datetime.now(UTC)
        page = FetchedPage(url=response.url, status=200, headers=dict(response.headers), body=response.body,
                           fetched_at=fetched_at)  # fmt: skip
        outcome = self.extract(response.body, response.url, fetched_at, content_type(response))
        if outcome.kind == "article":
            item = CrawlItem(page=page, article=outcome.article)
        elif outcome.kind == "not_article":
            item = CrawlItem(page=page, problem=f"not an article: {outcome.message}")
        else:
            item = CrawlItem(page=page, problem=outcome.message if outcome.kind == "timeout"
                             else f"extractor error: {outcome.message}")  # fmt: skip
        problem = self.validate.problem(item)
        if problem is not None:
            self._failure(item, problem, failed=outcome.kind in ("error", "timeout"))
            return
        self.store.process_item(self.normalize.process_item(item))
        self.tally.stored += 1

    def _failure(self, item: Any, problem: str, *, failed: bool) -> None:
        from pipelines.normalize import strip_controls
        from scraper.sites.registry import site_for_url
        from scraper.storage.writer import Failure

        site = site_for_url(item.page.url)
        self.store.failures.append(Failure(item.page, item.stage, strip_controls(problem), site.name if site else None))
        if len(self.store.failures) >= self.store.batch_size:
            self.store.flush()
        if failed:
            self.tally.failed += 1
        else:
            self.tally.dropped += 1

    def spool_file(self, path: Path) -> None:
        """Store one spool file as it is (its articles were extracted by the crawl), then remove it."""
        from scraper.storage.spool import read_spool

        contents = read_spool(path)
        for item in contents.items:
            self.store.process_item(item)
        self.store.failures.extend(contents.failures)
        self.store.flush()
        if self.store.store_failed is None:
            path.unlink()
            print(f"stored {len(contents.items)} articles and {len(contents.failures)} failures from spool file "
                  f"{path} (removed)", file=sys.stderr)  # fmt: skip
        self.tally.pages += len(contents.items) + len(contents.failures)
        self.tally.stored += len(contents.items)
        self.tally.dropped += len(contents.failures)

    def close(self) -> dict[str, Any]:
        """Store what is buffered, close the run's row; the row as committed ({} if unreadable)."""
        from scraper.storage.engine import make_engine
        from scraper.storage.writer import read_crawl_run

        if self._pool is not None:
            self._pool.close()
        self.store.close_spider()
        run_id = self.store.run_id
        self.store.spider_closed(spider=None, reason="finished")  # type: ignore[arg-type]
        if run_id is None:
            return {}
        engine = make_engine(self.store.database_url)
        try:
            return read_crawl_run(engine, run_id) or {}
        except Exception:  # the database that refused the items may still be down
            return {}
        finally:
            engine.dispose()


def _show(progress: Any, tally: Tally) -> None:
    progress.update(pages=tally.pages, stored=tally.stored, dropped=tally.dropped, failed=tally.failed)


def _pending_spool_files(url: str) -> list[Path]:
    from scraper.storage.spool import default_folder, is_spool_file, masked, read_spool

    folder = Path(os.environ.get("AKHBAR_SPOOL_DIR") or default_folder(url))
    files = [p for p in sorted(folder.glob("*.jsonl")) if is_spool_file(p)] if folder.is_dir() else []
    return [p for p in files if read_spool(p).header.get("database") == masked(url)]


def run_ingest(args: argparse.Namespace) -> int:
    from scraper.saved_pages import SavedPagesError, is_warc, saved_pages
    from scraper.storage.spool import SpoolError, is_spool_file

    if not args.paths and not args.spool:
        raise CliError("what to ingest? give HTML files, folders, replay folders or WARC files, or --spool")
    paths = [Path(p).expanduser() for p in args.paths]
    for path in paths:
        if not path.exists():
            raise CliError(f"{path} does not exist: give HTML files, a folder, a replay folder or a WARC file")
    if args.url and (len(paths) != 1 or not paths[0].is_file() or is_warc(paths[0])):
        raise CliError("--url names one page: give exactly one HTML file with it")
    url = checked_url(database_url(args))
    # A lone HTML file without a URL is a usage error before anything is opened.
    if len(paths) == 1 and paths[0].is_file() and not is_warc(paths[0]) and not is_spool_file(paths[0]):
        first = next(saved_pages(paths[0], args.url))
        if first.response is None:
            raise CliError(str(first.problem))
    try:
        spools = _pending_spool_files(url) if args.spool else []
    except (SpoolError, OSError) as error:
        raise CliError(str(error)) from None
    from scraper.operations.progress import Progress

    ingest = _Ingest(url)
    # A live line on a terminal; elsewhere a line every AKHBAR_PROGRESS_INTERVAL seconds.
    progress = Progress("ingest", ("pages", "stored", "dropped", "failed")).start()
    ingest.open()  # stores this database's pending spool files itself
    spooled = sum(1 for p in spools if not p.exists())
    try:
        for path in paths:
            if path.is_file() and is_spool_file(path):
                try:
                    ingest.spool_file(path)
                except SpoolError as error:
                    print(f"akhbar ingest: {error}", file=sys.stderr)
                    ingest.tally.failed += 1
                continue
            try:
                for saved in saved_pages(path, args.url):
                    ingest.page(saved)
                    _show(progress, ingest.tally)
            except SavedPagesError as error:
                print(f"akhbar ingest: {error}", file=sys.stderr)
                ingest.tally.failed += 1
    finally:
        run = ingest.close()
        _show(progress, ingest.tally)
        progress.finish(always=False)  # the summary below says it all when no progress line was logged
    tally = ingest.tally
    if spooled:
        print(f"stored {spooled} pending spool file{'s' if spooled != 1 else ''} of this database")
    stored = run.get("articles_stored", tally.stored)
    print(f"ingested {tally.pages} pages: {stored} stored ({run.get('articles_new', 0)} new, "
          f"{run.get('revisions_added', 0)} revisions), {tally.dropped} dropped (not articles), "
          f"{tally.failed} failed" + (f"; {tally.skipped} saved responses skipped (not article pages)"
                                      if tally.skipped else ""))  # fmt: skip
    if ingest.store.store_failed is not None:
        print(f"akhbar ingest: storing failed: {ingest.store.store_failed}; unstored items are in the spool folder",
              file=sys.stderr)
        return 1
    if tally.pages == 0 and not spooled:
        print("akhbar ingest: nothing to ingest: no saved HTML pages found in " + ", ".join(map(str, paths)),
              file=sys.stderr)
        return 2
    if stored == 0 and (tally.failed or tally.dropped) and not spooled:
        print(f"akhbar ingest: nothing stored: {tally.failed} pages failed and {tally.dropped} were not articles",
              file=sys.stderr)
        return 1
    return 0
