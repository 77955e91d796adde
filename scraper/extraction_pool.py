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


def _serve(connection: Connection) -> None:
    """A worker process: extract each page sent until the crawler's end of the pipe closes."""
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
        ours, theirs = multiprocessing.Pipe()
        self.process = self.pool.context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        self.connection = ours
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
        connection = self.connection or self._start()
        try:
            connection.send_bytes(payload)
            if connection.poll(self.pool.timeout):
                outcome: Outcome = pickle.loads(connection.recv_bytes())
                return outcome
        except (EOFError, OSError) as error:  # the worker died (killed, out of memory)
            self._stop()
            return Outcome("error", message=f"extraction worker died ({type(error).__name__})")
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
