"""Extraction in worker processes, with a time limit per page.

Extraction is CPU work (lxml parsing plus the field extractors), and a hostile page (one element
with 100,000 attributes, millions of tiny elements) can take minutes. Run on the crawl's event
thread it would stall every download; run in a thread it could not be stopped. Here each worker
process is driven by one thread of the crawler: the thread sends a page, waits for the answer at
most ``timeout`` seconds, and kills and replaces the process when the page takes longer. The
page then comes back as an :class:`Outcome` saying so, and the crawl goes on.

On a 2-core machine one worker also lets extraction run beside the crawler's own work (the
downloader, the store pipeline), so it costs nothing in throughput and usually gains.
"""

from __future__ import annotations

import inspect
import logging
import multiprocessing
import os
import pickle
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any, Literal

from scraper.article import Article, NotAnArticle
from scraper.extract import extract
from scraper.sites.base import Site

log = logging.getLogger(__name__)

# The body helper adds ``content_type`` to extract(); until then it is not passed.
TAKES_CONTENT_TYPE = "content_type" in inspect.signature(extract).parameters


@dataclass(slots=True)
class Outcome:
    kind: Literal["article", "not_article", "error", "timeout"]
    article: Article | None = None
    message: str = ""


def extract_page(
    body: bytes, url: str, fetched_at: datetime, site: Site | None, content_type: str | None
) -> Outcome:
    """:func:`scraper.extract.extract` as an :class:`Outcome`, never raising."""
    options: dict[str, Any] = {"site": site}
    if TAKES_CONTENT_TYPE:
        options["content_type"] = content_type
    try:
        return Outcome("article", extract(body, url, fetched_at, **options))
    except NotAnArticle as verdict:
        return Outcome("not_article", message=str(verdict))
    except Exception as error:  # an extractor bug costs one page, not the crawl
        return Outcome("error", message=f"{type(error).__name__}: {error}")


# Extracted once by each new worker before it says it is ready: the first page would otherwise pay
# for lazily loaded data (date languages, the YAML lists) inside its time limit. CONSTRUCTED.
WARM_UP_PAGE = (
    b'<html><head><meta charset="utf-8"><title>warm-up</title>'
    b'<meta property="article:published_time" content="2024-05-01T10:00:00+03:00"></head>'
    b"<body><article><h1>warm-up</h1><p>A page extracted before the first real one.</p></article></body></html>"
)
READY = b"ready"
# A worker has this long to import and warm up, beside the per-page limit (a loaded machine is slow).
START_TIMEOUT_S = 120.0


def _serve(connection: Connection) -> None:
    """A worker process: extract each page sent until the crawler's end of the pipe closes."""
    extract_page(WARM_UP_PAGE, "http://warm-up.invalid/news/1", datetime(2024, 5, 1), None, "text/html")
    try:
        connection.send_bytes(READY)
    except OSError:
        return
    while True:
        try:
            payload = connection.recv_bytes()
        except (EOFError, OSError):
            return
        outcome = extract_page(*pickle.loads(payload))
        try:
            connection.send_bytes(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    """One worker process and the thread in this process that feeds it."""

    def __init__(self, pool: ExtractionPool, number: int) -> None:
        self.pool = pool
        self.process: Any = None
        self.connection: Connection | None = None
        self.thread = threading.Thread(target=self._run, name=f"extraction-{number}", daemon=True)
        self.thread.start()

    def _start(self) -> Connection:
        """A new worker, once it has imported and warmed up: the page limit counts parsing only."""
        ours, theirs = multiprocessing.Pipe()
        self.process = self.pool.context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        self.connection = ours
        if not (ours.poll(START_TIMEOUT_S) and ours.recv_bytes() == READY):
            raise OSError(f"the extraction worker did not start within {START_TIMEOUT_S:g} s")
        return ours

    def _stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process = None

    def _run(self) -> None:
        while True:
            task = self.pool.tasks.get()
            if task is None:
                self._stop()
                return
            payload, future = task
            if not future.set_running_or_notify_cancel():
                continue
            future.set_result(self._extract(payload))

    def _extract(self, payload: bytes) -> Outcome:
        try:
            connection = self.connection or self._start()
            connection.send_bytes(payload)
            if connection.poll(self.pool.timeout):
                outcome: Outcome = pickle.loads(connection.recv_bytes())
                return outcome
        except (EOFError, OSError) as error:  # the worker died (killed, out of memory) or never started
            self._stop()
            return Outcome("error", message=f"extraction worker died ({str(error) or type(error).__name__})")
        self._stop()  # still parsing: kill it, the next page gets a fresh worker
        return Outcome("timeout", message=f"extraction took longer than {self.pool.timeout:g} s: page skipped")


class ExtractionPool:
    """``workers`` extraction processes; :meth:`submit` returns a future of the page's :class:`Outcome`."""

    def __init__(self, workers: int = 1, timeout: float = 20.0) -> None:
        methods = multiprocessing.get_all_start_methods()
        # forkserver: forking a crawler with reactor threads and open connections is not safe.
        self.context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self.timeout = timeout
        self.tasks: queue.SimpleQueue[tuple[bytes, Future[Outcome]] | None] = queue.SimpleQueue()
        self._workers = [_Worker(self, number) for number in range(max(1, workers))]
        self._pid = os.getpid()

    def submit(
        self, body: bytes, url: str, fetched_at: datetime, site: Site | None, content_type: str | None = None
    ) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        payload = pickle.dumps((body, url, fetched_at, site, content_type), pickle.HIGHEST_PROTOCOL)
        self.tasks.put((payload, future))
        return future

    def close(self) -> None:
        """Stop the workers (after the pages already submitted)."""
        if os.getpid() != self._pid:
            return
        for _ in self._workers:
            self.tasks.put(None)
        for worker in self._workers:
            worker.thread.join()
