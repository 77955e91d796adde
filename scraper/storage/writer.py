"""Where a record is stored: batched upserts of articles, their children, revisions and raw pages.

One batch is one transaction, so a killed crawler leaves each article fully stored or absent.
Every write is an ``INSERT ... ON CONFLICT`` on a natural key (canonical URL, (article,
revision hash), (URL, body hash) ...), so two crawler processes storing the same article
at once leave one row and no error. When a batch breaks a constraint, it is retried item by
item and the offending item is logged with its URL, recorded as a ``store`` failure, and skipped.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import multiprocessing
import os
import pickle
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError

from models import Article as ArticleRow
from models import (
    ArticleRevision,
    Author,
    Caption,
    CrawlRun,
    ExtractionFailure,
    MinhashBucket,
    RawPage,
    Site,
    SourceAttribution,
    Tag,
    UTCDateTime,
)
from scraper.article import Article, CrawlItem, FetchedPage
from scraper.masking import mask_secrets
from scraper.query import index as search_index
from scraper.storage import dedup, prepare
from scraper.storage.engine import sqlite_path, writer_engine
from scraper.storage.prepare import article_record, revision_hash  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

# Fields that make a revision: a change in any of them is an edit worth keeping.
_DEADLOCK_RETRIES = 5
DOWNLOAD_STAGE = "download"  # failures of this stage never reached extraction
_CHILD_TABLES: tuple[Table, ...] = (
    Caption.__table__,  # type: ignore[assignment]
    SourceAttribution.__table__,  # type: ignore[assignment]
    Author.__table__,  # type: ignore[assignment]
    Tag.__table__,  # type: ignore[assignment]
    MinhashBucket.__table__,  # type: ignore[assignment]
)


@dataclass(slots=True)
class BatchResult:
    stored: int = 0  # articles written (new, changed or re-seen)
    new: int = 0
    revisions: int = 0  # new article_revision rows
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, error) of rows not stored
    article_ids: dict[str, int] = field(default_factory=dict)  # canonical URL -> article id

    def add(self, other: BatchResult) -> None:
        self.stored += other.stored
        self.new += other.new
        self.revisions += other.revisions
        self.skipped.extend(other.skipped)
        self.article_ids.update(other.article_ids)


@dataclass(slots=True)
class Failure:
    """A page that produced no article: stored as its raw page plus an ``extraction_failure`` row."""

    page: FetchedPage
    stage: str
    error: str
    site: str | None = None


def utc(value: datetime | None, url: str = "") -> datetime | None:
    """An aware UTC datetime; a naive one is taken as UTC and logged (the extractor should not send it)."""
    if value is None:
        return None
    if value.tzinfo is None:
        log.warning("naive datetime %s for %s stored as UTC", value.isoformat(), url)
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# -- bulk SQL below SQLAlchemy's per-row parameter processing ------------------------------------
# A batch is ~23 rows an article (children, 14 bucket keys); SQLAlchemy's per-row parameter
# handling cost more than SQLite's own work on them. Rows are plain tuples: JSON columns already
# serialized (with the engine's serializer), datetimes converted by the column type's own bind
# processor, so the stored values are exactly what SQLAlchemy would have sent.

_SQLITE_CHUNK = 10_000  # bound parameters in one IN (...) list, well under SQLite's 32,766 limit
_PROCESSORS: dict[tuple[str, str, tuple[str, ...]], tuple[Any, ...]] = {}


def _json_dumps(connection: Connection) -> Callable[[Any], str]:
    """The engine's JSON serializer (``make_engine`` sets one keeping Arabic as UTF-8)."""
    return getattr(connection.dialect, "_json_serializer", None) or json.dumps


def _processors(connection: Connection, table: Table, names: tuple[str, ...]) -> tuple[Any, ...]:
    """Per column: the type's bind processor for datetimes, None for values the driver takes as they are."""
    dialect = connection.dialect
    key = (dialect.name, table.name, names)
    found = _PROCESSORS.get(key)
    if found is None:
        found = tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if isinstance(table.c[name].type, UTCDateTime)
            else None
            for name in names
        )
        _PROCESSORS[key] = found
    return found


def _bulk_insert(
    connection: Connection,
    table: Table,
    names: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    conflict: tuple[str, ...] | None = None,
    update_set: tuple[str, ...] = (),
    returning: tuple[str, ...] = (),
) -> list[Any]:
    """INSERT rows (tuples in ``names`` order) in one statement; ``ON CONFLICT (conflict)`` updates
    ``update_set`` from the new row, or does nothing when ``update_set`` is empty.

    SQLite: the driver's executemany (one prepared statement stepped in C). ``returning`` is not
    supported there (the caller selects what it needs). PostgreSQL: ``INSERT ... SELECT FROM
    unnest(:col1, :col2 ...)``, one typed array per column, so the statement and its parsing stay
    the same size whatever the row count (multi-row VALUES gave psycopg thousands of placeholders
    to parse and the server as many to plan); JSON columns go as text and are cast.
    """
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        assert not returning, "RETURNING is not used on SQLite"
        processors = _processors(connection, table, names)
        if any(processors):
            # The same few instants recur (fetched_at is three columns): convert each once.
            done: dict[Any, Any] = {None: None}
            at = [(i, p) for i, p in enumerate(processors) if p is not None]
            converted = []
            for row in rows:
                values = list(row)
                for i, proc in at:
                    value = values[i]
                    if value in done:
                        values[i] = done[value]
                    else:
                        values[i] = done[value] = proc(value)
                converted.append(tuple(values))
            rows = converted
        sql = f"INSERT INTO {table.name} ({', '.join(_q(n) for n in names)}) VALUES ({', '.join('?' * len(names))})"
        if conflict is not None:
            target = f" ({', '.join(_q(n) for n in conflict)})" if conflict else ""
            if update_set:
                sets = ", ".join(f"{_q(n)} = excluded.{_q(n)}" for n in update_set)
                sql += f" ON CONFLICT{target} DO UPDATE SET {sets}"
            else:
                sql += f" ON CONFLICT{target} DO NOTHING"
        connection.exec_driver_sql(sql, rows)
        return []
    return _pg_insert(connection, table, names, rows, conflict, update_set, returning)


def _pg_insert(
    connection: Connection,
    table: Table,
    names: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    conflict: tuple[str, ...] | None,
    update_set: tuple[str, ...],
    returning: tuple[str, ...],
) -> list[Any]:
    """PostgreSQL side of :func:`_bulk_insert`, sent by psycopg directly with binary parameters: in
    text format psycopg escapes every string of an array with a regex, which cost more than the
    server's work on the rows."""
    columns = [f"{_q(n)}::JSON" if isinstance(table.c[n].type, JSON) else _q(n) for n in names]
    arrays, params = _pg_arrays(connection, table, names, rows)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(_q(n) for n in names)}) SELECT {', '.join(columns)} "
        f"FROM unnest({arrays}) AS batch_rows({', '.join(_q(n) for n in names)})"
    )
    if conflict is not None:
        target = f" ({', '.join(_q(n) for n in conflict)})" if conflict else ""
        if update_set:
            sets = ", ".join(f"{_q(n)} = EXCLUDED.{_q(n)}" for n in update_set)
            sql += f" ON CONFLICT{target} DO UPDATE SET {sets}"
        else:
            sql += f" ON CONFLICT{target} DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(_q(n) for n in returning)}"
    return _pg_execute(connection, sql, params, fetch=bool(returning))


def _pg_arrays(
    connection: Connection, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, list[list[Any]]]:
    """``%s::type[], ...`` for unnest, and one list per column. A column that is all NULL goes as
    an empty array (unnest pads shorter arrays with NULLs): psycopg cannot type a list of Nones."""
    casts, params = [], []
    for name, values in zip(names, zip(*rows, strict=True), strict=True):
        type_ = table.c[name].type
        pg_type = "TEXT" if isinstance(type_, JSON) else type_.compile(dialect=connection.dialect)
        casts.append(f"%b::{pg_type}[]")
        params.append([] if all(v is None for v in values) else list(values))
    return ", ".join(casts), params


def _pg_execute(connection: Connection, sql: str, params: list[Any], *, fetch: bool = False) -> list[Any]:
    """Run ``sql`` on the connection's psycopg connection (same transaction) with binary parameters."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.cursor(binary=True) as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, params)
            return cursor.fetchall() if fetch else []
    except dbapi.Error as error:  # as SQLAlchemy would raise it: IntegrityError, OperationalError ...
        raise DBAPIError.instance(sql, None, error, dbapi.Error) from error


def _sqlite_execute(connection: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` as the sqlite3 driver's tuples, on the connection (same transaction): for
    thousands of rows, SQLAlchemy's Row objects cost more than SQLite's own reading."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor = connection.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
        return cursor.fetchall()
    except dbapi.Error as error:  # as SQLAlchemy would raise it: OperationalError when locked ...
        raise DBAPIError.instance(sql, params, error, dbapi.Error) from error


def _q(name: str) -> str:
    return f'"{name}"'


def _insert(connection: Connection, table: Any) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update``/``on_conflict_do_nothing``."""
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _retryable(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40P01", "40001") or "database is locked" in str(error)


def _lost_connection(error: DBAPIError) -> bool:
    """The server went away or refused us (a PostgreSQL restart, a network drop, a full disk):
    worth a new connection and another try after a pause, unlike a constraint or a bug."""
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


# Pauses before each new try of a batch whose connection failed: ~15 s in all, long enough to
# ride out a database restart, short enough that a dead server stops the crawl soon.
RECONNECT_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Cyclic garbage collection paused while a batch is stored: a 500-article batch allocates
    hundreds of thousands of rows, records and tuples (none in cycles), and each few hundred
    allocations started a collection that walked them again. Collections resume afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# -- the worker that prepares the next part of a batch while the writer talks to the database ----

# Smaller batches are prepared inline: a crawl of a handful of items never starts the worker.
WORKER_MIN_ITEMS = 32
WORKER_SHARE = 0.15  # of the article records the worker prepares, besides every signature


def _start_worker() -> ProcessPoolExecutor:
    # forkserver (spawn where there is none): forking a crawler with reactor threads and open
    # database connections is not safe. The worker imports only scraper.storage.prepare.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    # The worker exits when this process is gone, even killed: it would otherwise wait on its
    # queue forever (it holds that queue's write end), and keep the forkserver alive too.
    return ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=prepare.worker_init, initargs=(os.getpid(),)
    )


# Writers whose worker may be running, stopped in order when the interpreter exits.
_live_writers: weakref.WeakSet[ArticleWriter] = weakref.WeakSet()


def _close_live_writers() -> None:
    """Stop every writer's worker before the interpreter shuts process pools down itself.

    concurrent.futures stops pools from a threading exit hook (``_python_exit``) that wakes each
    pool's manager thread without its lock, racing the thread closing the same pipe: now and then
    "OSError: [Errno 9] Bad file descriptor" at the end of a crawl. Hooks run last registered
    first, so this one (registered after concurrent.futures.process was imported, above) shuts
    each pool down normally, and the interpreter's hook finds nothing left to stop.
    """
    for writer in list(_live_writers):
        writer.close()


if hasattr(threading, "_register_atexit"):
    threading._register_atexit(_close_live_writers)  # before non-daemon threads are joined
else:  # pragma: no cover - every CPython from 3.9 has it
    import atexit

    atexit.register(_close_live_writers)


CHECKPOINT_INTERVAL_S = 1.0


class _Checkpointer:
    """A thread with its own SQLite connection that copies the writer's WAL into the database
    (``PRAGMA wal_checkpoint(PASSIVE)``) every ``interval`` seconds while the writer works: the
    sqlite3 module releases the GIL while SQLite copies and syncs, so the writer no longer spends
    its commits on checkpoints. A PASSIVE checkpoint never blocks the writer, nor waits for it, and
    is as crash-safe as one run at commit. The writer's own autocheckpoint (every
    ``SQLITE_WAL_AUTOCHECKPOINT_PAGES``) stays as the backstop that lets the WAL restart; it then
    finds the pages already copied."""

    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_S) -> None:
        self._path = path
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            log.warning("no background checkpoints (%s)", error)
            return
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
            while not self._stop.wait(self._interval):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:  # busy, or the file went away: try again later
                    log.debug("background checkpoint failed: %s", error)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(slots=True)
class _Prepared:
    chunks: list[Callable[[], list[prepare.Prepared]]]  # consecutive, in canonical URL order
    sketches: Callable[[], list[prepare.Sketch | None]] | None  # of every article; None: inline, later


_ARTICLE_COLUMNS = (
    "canonical_url", "url", "site_id", "title", "subtitle", "body", "blocks", "language", "section",
    "image_url", "published_at", "published_raw", "published_calendar", "updated_at", "updated_raw",
    "content_hash", "revision_hash", "raw_page_id", "fetched_at", "first_seen_at", "last_seen_at",
    "published_local", "published_precision", "published_zone_source", "updated_local", "updated_precision",
    "updated_zone_source",
)  # fmt: skip
_ARTICLE_UPDATED = tuple(c for c in _ARTICLE_COLUMNS if c not in ("canonical_url", "first_seen_at"))
_PAGE_COLUMNS = (
    "url", "site", "status", "headers", "body", "compression", "body_hash", "size", "first_fetched_at", "fetched_at",
)  # fmt: skip
_REVISION_COLUMNS = ("article_id", "revision_hash", "title", "record", "first_seen_at", "last_seen_at")


class ArticleWriter:
    """Stores batches of crawl items; one instance per process (it caches site ids).

    For batches of at least ``WORKER_MIN_ITEMS`` items, the work that needs no database (raw-page
    compression, MinHash signatures) runs in one worker process, started on first use, while this
    process reads and writes the batch; :meth:`close` stops it (so does garbage collection).
    ``worker=False`` keeps everything in this process.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        crawl_run_id: int | None = None,
        worker: bool = True,
        reconnect_delays: Sequence[float] = RECONNECT_DELAYS,
    ) -> None:
        self.engine = writer_engine(engine)
        self.crawl_run_id = crawl_run_id
        self.reconnect_delays = tuple(reconnect_delays)
        self._site_ids: dict[str, int] = {}
        self._use_worker = worker
        self._worker: ProcessPoolExecutor | None = None
        self._worker_finalizer: Any = None
        self._checkpointer_finalizer: Any = None

    def close(self) -> None:
        """Stop the worker process and the checkpoint thread, if started. The writer stays usable."""
        if self._worker_finalizer is not None:
            try:
                self._worker_finalizer()  # shutdown(wait=True): the worker and its threads are gone after
            except (OSError, BrokenProcessPool) as error:  # a worker that died already
                log.debug("storage worker shutdown: %s", error)
        self._worker = self._worker_finalizer = None
        _live_writers.discard(self)
        if self._checkpointer_finalizer is not None:
            self._checkpointer_finalizer()
        self._checkpointer_finalizer = None

    def _start_checkpointer(self) -> None:
        """For a SQLite file, the background checkpoint thread (started with the first large batch)."""
        path = sqlite_path(self.engine.url)  # type: ignore[arg-type]
        if path is not None:
            checkpointer = _Checkpointer(str(path))
            self._checkpointer_finalizer = weakref.finalize(self, checkpointer.stop)

    def __enter__(self) -> ArticleWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- public API ---------------------------------------------------------------------------

    def store(self, items: Sequence[CrawlItem]) -> BatchResult:
        """Store items that carry an article (others are ignored: use :meth:`store_failures`)."""
        pending = [item for item in items if item.article is not None]
        if not pending:
            return BatchResult()
        try:
            with _no_gc():
                return self._transaction(lambda conn: self._counted(conn, self._store_items(conn, pending)))
        except (IntegrityError, DataError) as error:
            log.warning("batch of %d broke a constraint (%s); storing one by one", len(pending), error.orig)
        result = BatchResult()
        for item in pending:
            try:
                result.add(
                    self._transaction(lambda conn, item=item: self._counted(conn, self._store_items(conn, [item])))
                )
            except (IntegrityError, DataError) as error:
                url = item.article.canonical_url if item.article else item.page.url
                message = f"{type(error.orig).__name__}: {str(error.orig).splitlines()[0]}"
                log.error("skipped %s: %s", url, message)
                result.skipped.append((url, message))
                failure = Failure(item.page, "store", message, item.article and item.article.site)
                self._transaction(lambda conn, f=failure: self._store_failures(conn, [f], errors=1))
        return result

    def _counted(self, conn: Connection, result: BatchResult) -> BatchResult:
        """Add a batch to its crawl run's counts in the batch's own transaction: the run row then
        says what was committed, whatever happens to the crawl later."""
        self._add_to_run(conn, articles_stored=result.stored, articles_new=result.new, revisions_added=result.revisions)
        return result

    def _add_to_run(self, conn: Connection, **counts: int) -> None:
        counts = {name: n for name, n in counts.items() if n}
        if self.crawl_run_id is None or not counts:
            return
        table = CrawlRun.__table__
        conn.execute(
            update(CrawlRun)
            .where(CrawlRun.id == self.crawl_run_id)
            .values({table.c[name]: table.c[name] + n for name, n in counts.items()})
        )

    def store_articles(self, articles: Sequence[Article], raw_page_ids: Sequence[int | None]) -> BatchResult:
        """Store already-extracted articles whose raw pages are archived (re-extraction)."""

        def work(conn: Connection) -> BatchResult:
            latest = self._latest(list(articles), list(raw_page_ids))
            return self._write_articles(conn, latest, self._prepare(conn, [latest[k][0] for k in sorted(latest)]), None)

        return self._transaction(work)

    def store_failures(self, failures: Sequence[Failure]) -> None:
        if failures:
            self._transaction(lambda conn: self._store_failures(conn, failures))

    def ping(self) -> None:
        """A round trip to the database (with the reconnect tries): raises when it stays unreachable."""
        self._transaction(lambda conn: conn.exec_driver_sql("SELECT 1").all())

    # -- the worker -----------------------------------------------------------------------------

    def _worker_wanted(self, items: int) -> bool:
        return self._use_worker and items >= WORKER_MIN_ITEMS

    def _defer(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """``function(*args)`` in the worker (started on first use); call the result to get the value.
        If the worker cannot be used, runs inline, now or when the value is asked for."""
        if self._use_worker:
            try:
                if self._worker is None:
                    self._worker = _start_worker()
                    self._worker_finalizer = weakref.finalize(self, self._worker.shutdown, wait=True)
                    _live_writers.add(self)
                # Arguments and results cross as one bytes object, pickled and unpickled by this
                # thread: the executor's threads would otherwise hold the GIL for milliseconds at
                # a time while the SQLite driver, which releases it on every row, waits for it.
                future = self._worker.submit(prepare.call, function, pickle.dumps(args, pickle.HIGHEST_PROTOCOL))
            except (BrokenProcessPool, RuntimeError, OSError) as error:
                self._worker_failed(error)
            else:

                def wait() -> Any:
                    try:
                        return pickle.loads(future.result())
                    except BrokenProcessPool as error:
                        self._worker_failed(error)
                        return function(*args)

                return wait
        value = function(*args)
        return lambda: value

    def _worker_failed(self, error: BaseException) -> None:
        log.warning("storage worker process unavailable (%s); preparing batches inline", error)
        self.close()
        self._use_worker = False

    # -- transactions ---------------------------------------------------------------------------

    def _transaction(self, work: Any) -> Any:
        """``work(connection)`` in one transaction. Deadlocks and lock timeouts are retried at once;
        a lost connection after each pause of ``reconnect_delays``, on a new pool (the old one's
        connections died with the server). The last error is raised when every try failed."""
        deadlocks, reconnects = 0, 0
        while True:
            try:
                try:
                    with self.engine.begin() as connection:
                        return work(connection)
                except Exception:
                    self._site_ids.clear()  # ids read inside a rolled-back transaction may not exist
                    raise
            except OperationalError as error:
                if _retryable(error) and deadlocks < _DEADLOCK_RETRIES - 1:
                    deadlocks += 1
                    log.info("retrying a batch after %s", type(error.orig).__name__)
                    time.sleep(0.05 * deadlocks)
                    continue
                if reconnects >= len(self.reconnect_delays):
                    raise
                self._reconnect(error, self.reconnect_delays[reconnects])
                reconnects += 1
            except DBAPIError as error:
                if not _lost_connection(error) or reconnects >= len(self.reconnect_delays):
                    raise
                self._reconnect(error, self.reconnect_delays[reconnects])
                reconnects += 1

    def _reconnect(self, error: DBAPIError, delay: float) -> None:
        log.warning(
            "database write failed (%s); trying again in %.1f s on new connections", one_line(error), delay
        )
        time.sleep(delay)
        self.engine.dispose()  # the shared pool: every connection opened before the failure is dropped

    def _store_items(self, conn: Connection, items: Sequence[CrawlItem]) -> BatchResult:
        pages = {item.page.url: (item.page, item.article.site if item.article else None) for item in items}
        articles = [item.article for item in items if item.article is not None]
        latest = self._latest(articles, [item.page.url for item in items if item.article is not None])
        # The worker prepares the articles while this process compresses and writes the raw pages.
        prepared = self._prepare(conn, [latest[key][0] for key in sorted(latest)])
        page_ids = self._store_pages(conn, list(pages.values()))
        return self._write_articles(conn, latest, prepared, page_ids)

    @staticmethod
    def _latest(articles: list[Article], raw_refs: list[Any]) -> dict[str, tuple[Article, Any]]:
        """Canonical URL -> (article, raw page id or page URL): the latest fetch of each URL wins."""
        latest: dict[str, tuple[Article, Any]] = {}
        for article, ref in zip(articles, raw_refs, strict=True):
            known = latest.get(article.canonical_url)
            if known is None or utc(known[0].fetched_at) <= utc(article.fetched_at):  # type: ignore[operator]
                latest[article.canonical_url] = (article, ref)
        return latest

    def _prepare(self, conn: Connection, articles: list[Article]) -> _Prepared:
        """:func:`prepare.articles` of the articles (sorted by canonical URL), in consecutive chunks.

        Inline (small batches, no worker): one chunk, and signatures later, only for the articles
        that changed. With the worker: it prepares the second half of the articles, then the
        signatures of all of them (which changed is not known yet; the cluster step needs them
        last), while this process compresses and writes the raw pages, prepares and writes the
        first half, then writes the second.
        """
        dumps = _json_dumps(conn)
        if self._checkpointer_finalizer is None and self._worker_wanted(len(articles)):
            self._start_checkpointer()
        if not self._worker_wanted(len(articles)):
            return _Prepared([lambda: prepare.articles(articles, dumps)], None)
        half = len(articles) - int(len(articles) * WORKER_SHARE)
        later = self._defer(prepare.articles, articles[half:], dumps)
        sketches = self._defer(prepare.sketches, [prepare.lead(article) for article in articles])
        return _Prepared([lambda: prepare.articles(articles[:half], dumps), later], sketches)

    # -- raw pages ------------------------------------------------------------------------------

    def _store_pages(self, conn: Connection, pages: list[tuple[FetchedPage, str | None]]) -> dict[str, int]:
        """Upsert raw pages; return URL -> raw_page id."""
        dumps = _json_dumps(conn)
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        for page, site in pages:
            body_hash, compressed = prepare.page(page.body)
            fetched = utc(page.fetched_at, page.url)
            rows[(page.url, body_hash)] = (
                page.url, site, page.status, dumps(dict(page.headers)), compressed, "zlib", body_hash,
                len(page.body), fetched, fetched,
            )  # fmt: skip
        if not rows:
            return {}
        keys = sorted(rows)  # one lock order for every process
        table: Table = RawPage.__table__  # type: ignore[assignment]
        conflict, updated = ("url", "body_hash"), ("fetched_at", "status", "headers")
        ordered = [rows[key] for key in keys]
        if conn.dialect.name == "postgresql":
            found = _bulk_insert(
                conn, table, _PAGE_COLUMNS, ordered, conflict=conflict, update_set=updated, returning=("id", "url")
            )
            return {url: id_ for id_, url in found}
        _bulk_insert(conn, table, _PAGE_COLUMNS, ordered, conflict=conflict, update_set=updated)
        ids: dict[str, int] = {}
        wanted = set(keys)
        urls = sorted({url for url, _ in keys})
        for start in range(0, len(urls), _SQLITE_CHUNK):
            chunk = urls[start : start + _SQLITE_CHUNK]
            for id_, url, body_hash in conn.execute(
                select(RawPage.id, RawPage.url, RawPage.body_hash).where(RawPage.url.in_(chunk))
            ):
                if (url, body_hash) in wanted:
                    ids[url] = id_
        return ids

    # -- articles -------------------------------------------------------------------------------

    def _site_id(self, conn: Connection, names: set[str]) -> dict[str, int]:
        missing = sorted(names - self._site_ids.keys())
        if missing:
            now = datetime.now(UTC)
            conn.execute(
                _insert(conn, Site).on_conflict_do_nothing(index_elements=["name"]),
                [{"name": name, "first_seen_at": now} for name in missing],
            )
            for id_, name in conn.execute(select(Site.id, Site.name).where(Site.name.in_(missing))):
                self._site_ids[name] = id_
        return self._site_ids

    @staticmethod
    def _select_in(conn: Connection, columns: Sequence[Any], key: Any, values: Sequence[Any]) -> list[Any]:
        """``SELECT columns WHERE key IN values``. The values go as one array on PostgreSQL and as
        plain driver parameters on SQLite: an expanding IN costs SQLAlchemy several µs a value."""
        if not values:
            return []
        names = ", ".join(_q(column.key) for column in columns)
        if conn.dialect.name == "postgresql":
            pg_type = key.type.compile(dialect=conn.dialect)
            sql = f"SELECT {names} FROM {key.table.name} WHERE {_q(key.key)} = ANY(%b::{pg_type}[])"
            return _pg_execute(conn, sql, [list(values)], fetch=True)
        found: list[Any] = []
        for start in range(0, len(values), _SQLITE_CHUNK):
            chunk = tuple(values[start : start + _SQLITE_CHUNK])
            sql = f"SELECT {names} FROM {key.table.name} WHERE {_q(key.key)} IN ({', '.join('?' * len(chunk))})"
            found += conn.exec_driver_sql(sql, chunk).all()
        return found

    @staticmethod
    def _bucket_holders(conn: Connection, buckets: Sequence[int]) -> list[tuple[int, bytes, int]]:
        """(id, minhash, story_cluster) of the clustered articles holding any of ``buckets``, each once.

        One row per article, not per (bucket, article): in a crowded bucket (a wire story copied
        across a site, bench/crawl.py's variants of four templates) every new article shares most
        of its 14 buckets with each earlier copy, and reading those rows into Python, batch after
        batch, was most of a crawl's storing. Which holder shares which band is found again from
        the signatures (:meth:`dedup.Candidates.best_in_bands`)."""
        select_ = (
            "SELECT id, minhash, story_cluster FROM article WHERE minhash IS NOT NULL AND story_cluster IS NOT NULL"
            " AND id IN (SELECT article_id FROM minhash_bucket WHERE bucket {})"
        )
        if conn.dialect.name == "postgresql":
            return _pg_execute(conn, select_.format("= ANY(%b::BIGINT[])"), [list(buckets)], fetch=True)
        found: dict[int, tuple[int, bytes, int]] = {}
        for start in range(0, len(buckets), _SQLITE_CHUNK):
            chunk = tuple(buckets[start : start + _SQLITE_CHUNK])
            for row in _sqlite_execute(conn, select_.format(f"IN ({', '.join('?' * len(chunk))})"), chunk):
                found[row[0]] = row
        return list(found.values())

    def _write_articles(
        self,
        conn: Connection,
        latest: dict[str, tuple[Article, Any]],
        prepared: _Prepared,
        page_ids: dict[str, int] | None,
    ) -> BatchResult:
        """Upsert the articles (in sorted canonical URL order: one lock order for every process),
        their revisions and children, then cluster the changed ones. ``prepared``: from :meth:`_prepare`."""
        keys = sorted(latest)
        site_ids = self._site_id(conn, {latest[key][0].site for key in keys})
        previous = dict(
            self._select_in(conn, (ArticleRow.canonical_url, ArticleRow.revision_hash), ArticleRow.canonical_url, keys)
        )
        table: Table = ArticleRow.__table__  # type: ignore[assignment]
        revision_table: Table = ArticleRevision.__table__  # type: ignore[assignment]
        result = BatchResult()
        ids: dict[str, int] = {}
        clusters: dict[int, int | None] = {}
        changed: list[tuple[str, prepare.Prepared]] = []
        done = 0
        for chunk in prepared.chunks:
            chunk_rows = chunk()
            chunk_keys = keys[done : done + len(chunk_rows)]
            done += len(chunk_rows)
            rows = []
            for key, (body, content_hash, revision, _record, blocks) in zip(chunk_keys, chunk_rows, strict=True):
                article, ref = latest[key]
                fetched = utc(article.fetched_at, key)
                rows.append(
                    (
                        key, article.url, site_ids[article.site], article.title, article.subtitle, body, blocks,
                        article.language, article.section, article.image_url, utc(article.published_at, key),
                        article.published_raw, article.published_calendar, utc(article.updated_at, key),
                        article.updated_raw, content_hash, revision, ref if page_ids is None else page_ids.get(ref),
                        fetched, fetched, fetched, article.published_local, article.published_precision,
                        article.published_zone_source, article.updated_local, article.updated_precision,
                        article.updated_zone_source,
                    )
                )  # fmt: skip
            # Kept on conflict: id, canonical_url, first_seen_at, story_cluster, minhash.
            conflict = ("canonical_url",)
            if conn.dialect.name == "postgresql":
                found = _bulk_insert(
                    conn, table, _ARTICLE_COLUMNS, rows, conflict=conflict, update_set=_ARTICLE_UPDATED,
                    returning=("id", "canonical_url", "story_cluster"),
                )  # fmt: skip
            else:
                _bulk_insert(conn, table, _ARTICLE_COLUMNS, rows, conflict=conflict, update_set=_ARTICLE_UPDATED)
                columns = (ArticleRow.id, ArticleRow.canonical_url, ArticleRow.story_cluster)
                found = self._select_in(conn, columns, ArticleRow.canonical_url, chunk_keys)
            for id_, url, cluster in found:
                ids[url], clusters[id_] = id_, cluster
            chunk_changed = [
                (key, item) for key, item in zip(chunk_keys, chunk_rows, strict=True) if previous.get(key) != item[2]
            ]
            # Revisions: a new (article, hash) pair is a new revision; a known one is seen again.
            changed_ids = [ids[key] for key, _ in chunk_changed]
            known = set(
                self._select_in(
                    conn, (ArticleRevision.article_id, ArticleRevision.revision_hash), ArticleRevision.article_id,
                    changed_ids,
                )
            )  # fmt: skip
            revisions = [  # row[18] is fetched_at, row[16] the revision hash
                (ids[key], row[16], row[3], item[3], row[18], row[18])
                for key, row, item in zip(chunk_keys, rows, chunk_rows, strict=True)
            ]
            _bulk_insert(
                conn,
                revision_table,
                _REVISION_COLUMNS,
                revisions,
                conflict=("article_id", "revision_hash"),
                update_set=("last_seen_at",),
            )
            result.revisions += sum(1 for key, item in chunk_changed if (ids[key], item[2]) not in known)
            if chunk_changed:
                self._replace_children(conn, [(ids[key], latest[key][0]) for key, _ in chunk_changed])
                # The full-text index changes with the article, in this transaction (item[0]: the body).
                search_index.index_articles(
                    conn, [search_index.document(ids[key], latest[key][0], item[0]) for key, item in chunk_changed]
                )
            changed += chunk_changed
        result.stored = len(keys)
        result.article_ids = ids
        result.new = sum(1 for key, _ in changed if key not in previous)
        if changed:
            if prepared.sketches is None:  # prepared inline: signatures only for these
                sketches = prepare.sketches([item[0] for _, item in changed])
            else:
                position = {key: i for i, key in enumerate(keys)}
                every = prepared.sketches()
                sketches = [every[position[key]] for key, _ in changed]
            pairs = [(ids[key], latest[key][0]) for key, _ in changed]
            self._cluster(conn, pairs, clusters, [item[1] for _, item in changed], sketches)
        # A URL that now gives an article is no longer a failure.
        urls = sorted({article.url for article, _ in latest.values()})
        for start in range(0, len(urls), _SQLITE_CHUNK):
            chunk_urls = urls[start : start + _SQLITE_CHUNK]
            conn.execute(delete(ExtractionFailure).where(ExtractionFailure.url.in_(chunk_urls)))
        return result

    def _replace_children(self, conn: Connection, changed: list[tuple[int, Article]]) -> None:
        ids = [id_ for id_, _ in changed]
        for table in _CHILD_TABLES:
            for start in range(0, len(ids), _SQLITE_CHUNK):
                conn.execute(delete(table).where(table.c.article_id.in_(ids[start : start + _SQLITE_CHUNK])))
        captions, sources, authors, tags = [], [], [], []
        for id_, article in changed:
            captions += [(id_, i, c.text, c.credit, c.image_url) for i, c in enumerate(article.captions)]
            sources += [(id_, i, s.name, s.canonical) for i, s in enumerate(article.sources)]
            authors += [(id_, i, n) for i, n in enumerate(article.authors)]
            tags += [(id_, i, n) for i, n in enumerate(article.tags)]
        for model, names, rows in (
            (Caption, ("article_id", "position", "text", "credit", "image_url"), captions),
            (SourceAttribution, ("article_id", "position", "name", "canonical"), sources),
            (Author, ("article_id", "position", "name"), authors),
            (Tag, ("article_id", "position", "name"), tags),
        ):
            _bulk_insert(conn, model.__table__, names, rows)  # type: ignore[arg-type]

    def _cluster(
        self,
        conn: Connection,
        changed: list[tuple[int, Article]],
        clusters: dict[int, int | None],
        content_hashes: list[str],
        sketches: list[tuple[bytes, list[int]] | None],
    ) -> None:
        """Give new articles a story cluster: an exact body match's, a near duplicate's, or their own id.

        Articles already in a cluster keep it (ids that users saved must stay meaningful);
        their signatures and buckets are refreshed so later copies still find them.
        ``content_hashes`` and ``sketches`` (from :func:`prepare.sketches`) are in ``changed`` order.
        """
        ids = [id_ for id_, _ in changed]
        hashes = dict(zip(ids, content_hashes, strict=True))
        blobs = {id_: (sketch[0] if sketch is not None else None) for id_, sketch in zip(ids, sketches, strict=True)}
        signatures = {id_: dedup.from_bytes(blob) for id_, blob in blobs.items() if blob is not None}
        bucket_keys = {id_: sketch[1] for id_, sketch in zip(ids, sketches, strict=True) if sketch is not None}

        fresh = [id_ for id_ in ids if clusters[id_] is None]
        exact: dict[str, int] = {}
        candidates = dedup.Candidates(len(fresh))  # article id -> (signature, cluster)
        if fresh:
            # The oldest cluster of an exact body match wins.
            for content_hash, cluster in sorted(
                self._select_in(
                    conn, (ArticleRow.content_hash, ArticleRow.story_cluster), ArticleRow.content_hash,
                    sorted({hashes[i] for i in fresh}),
                ),
                key=lambda row: -(row[1] or 0),
            ):  # fmt: skip
                if cluster is not None:
                    exact[content_hash] = cluster
            wanted = sorted({key for i in fresh for key in bucket_keys.get(i, ())})
            if wanted:
                holders = self._bucket_holders(conn, wanted)
                candidates.extend([row[0] for row in holders], [row[1] for row in holders], [row[2] for row in holders])

        assigned: dict[int, int] = {}
        for id_ in sorted(fresh):
            cluster = exact.get(hashes[id_])
            sig = signatures.get(id_)
            if cluster is None and sig is not None:
                best = candidates.best_in_bands(sig, exclude=id_)
                if best is not None and best[0] >= dedup.THRESHOLD:
                    cluster = best[1]
            cluster = cluster if cluster is not None else id_
            assigned[id_] = cluster
            # Later articles of this batch can match this one.
            exact.setdefault(hashes[id_], cluster)
            if sig is not None:
                candidates.add(id_, sig, cluster)

        table: Table = ArticleRow.__table__  # type: ignore[assignment]
        if conn.dialect.name == "postgresql":  # one UPDATE ... FROM unnest(...) instead of one per row
            values = [(id_, assigned.get(id_, clusters[id_]), blobs[id_]) for id_ in ids]
            arrays, params = _pg_arrays(conn, table, ("id", "story_cluster", "minhash"), values)
            _pg_execute(
                conn,
                f"UPDATE article SET story_cluster = u.story_cluster, minhash = u.minhash "
                f"FROM unnest({arrays}) AS u(id, story_cluster, minhash) WHERE article.id = u.id",
                params,
            )
        else:
            conn.exec_driver_sql(
                "UPDATE article SET story_cluster = ?, minhash = ? WHERE id = ?",
                [(assigned.get(id_, clusters[id_]), blobs[id_], id_) for id_ in ids],
            )
        bucket_rows = [(key, id_) for id_ in sorted(bucket_keys) for key in bucket_keys[id_]]
        _bulk_insert(conn, MinhashBucket.__table__, ("bucket", "article_id"), bucket_rows, conflict=())  # type: ignore[arg-type]

    # -- failures -------------------------------------------------------------------------------

    def _store_failures(self, conn: Connection, failures: Sequence[Failure], *, errors: int = 0) -> None:
        # A download that failed has no page to keep: its row says why, without an empty raw page.
        page_ids = self._store_pages(conn, [(f.page, f.site) for f in failures if f.page.status or f.page.body])
        self._add_to_run(
            conn,
            failures=len(failures),
            download_failures=sum(1 for f in failures if f.stage == DOWNLOAD_STAGE),
            errors=errors,
        )
        latest: dict[tuple[str, str], Failure] = {(f.page.url, f.stage): f for f in failures}
        rows = []
        for key in sorted(latest):
            failure = latest[key]
            fetched = utc(failure.page.fetched_at, failure.page.url)
            rows.append(
                {
                    "url": failure.page.url,
                    "site": failure.site,
                    "stage": failure.stage,
                    "error": failure.error,
                    "fetched_at": fetched,
                    "first_failed_at": fetched,
                    "attempts": 1,
                    "raw_page_id": page_ids.get(failure.page.url),
                    "crawl_run_id": self.crawl_run_id,
                }
            )
        stmt = _insert(conn, ExtractionFailure)
        table = ExtractionFailure.__table__
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["url", "stage"],
                set_={
                    "error": stmt.excluded.error,
                    "site": stmt.excluded.site,
                    "fetched_at": stmt.excluded.fetched_at,
                    "raw_page_id": stmt.excluded.raw_page_id,
                    "crawl_run_id": stmt.excluded.crawl_run_id,
                    "attempts": table.c.attempts + 1,
                },
            ),
            rows,
        )


# -- crawl runs -------------------------------------------------------------------------------


def start_crawl_run(engine: Engine, spider: str) -> int:
    with writer_engine(engine).begin() as conn:
        return int(
            conn.execute(
                _insert(conn, CrawlRun).returning(CrawlRun.id),
                {
                    "spider": spider,
                    "started_at": datetime.now(UTC),
                    "articles_stored": 0,
                    "articles_new": 0,
                    "revisions_added": 0,
                    "failures": 0,
                    "errors": 0,
                },
            ).scalar_one()
        )


def finish_crawl_run(
    engine: Engine, run_id: int, reason: str | None, counts: dict[str, int] | None = None, detail: str | None = None
) -> None:
    """Close a run's row. Its counts were added batch by batch (``counts`` adds to them)."""
    table = CrawlRun.__table__
    values: dict[Any, Any] = {table.c[name]: table.c[name] + n for name, n in (counts or {}).items()}
    detail = mask_secrets(detail) if detail else detail  # an error may quote a database URL
    values.update({table.c.finished_at: datetime.now(UTC), table.c.finish_reason: reason, table.c.detail: detail})
    statement = update(CrawlRun).where(CrawlRun.id == run_id).values(values)
    try:
        with writer_engine(engine).begin() as conn:
            conn.execute(statement)
    except OperationalError as error:
        # A full disk: SQLite's write-ahead log holds pages the database file has room for; a
        # truncating checkpoint gives that space back so the run's last row can still be written.
        if engine.dialect.name != "sqlite" or "full" not in str(error).lower():
            raise
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        with writer_engine(engine).begin() as conn:
            conn.execute(statement)


def read_crawl_run(engine: Engine, run_id: int) -> dict[str, Any] | None:
    """The run's row as committed (what a summary should print), or None if it is not there."""
    table = CrawlRun.__table__
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.id == run_id)).mappings().first()
    return dict(row) if row is not None else None


def one_line(error: BaseException) -> str:
    """``Type: first line of the message`` of an error (the driver's own error for SQLAlchemy's)."""
    origin = getattr(error, "orig", None) or error
    lines = mask_secrets(str(origin)).strip().splitlines()
    return f"{type(origin).__name__}: {lines[0] if lines else 'no message'}"
