"""Engines from a URL: SQLite tuned for a crawler (WAL, foreign keys, waits on locks), or anything else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from scraper.storage.json_codec import dump_json, load_json

# A reader or second writer waits this long for the SQLite write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 60_000
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 40_000  # 4 KiB pages
# Per connection, filled as the file grows: 64 MiB was two thirds of a crawl's memory growth
# (bench/README.md, Crawl); the OS page cache keeps the rest of a large archive's index pages close.
SQLITE_CACHE_KIB = 16 * 1024


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for other engines and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for a SQLite file, creates its folder (``data/`` on first use)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if make_url(url).get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    # JSON columns keep Arabic as UTF-8, not \u escapes: readable in SQL and a third of the size.
    # orjson: 5-10x faster than the json module on records and blocks, UTF-8 as well; the values
    # read back are the same (only the separators' spaces differ in the stored text).
    kwargs.setdefault("json_serializer", dump_json)
    kwargs.setdefault("json_deserializer", load_json)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _tune_postgresql(engine)
    return engine


def _tune_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Bodies, blocks and revision records are TOASTed: lz4 compresses them several times faster
        # than the default pglz (the server's biggest cost when ingesting). Values written either
        # way read back the same; a server built without lz4 keeps pglz.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SET default_toast_compression = lz4")
        except dbapi_connection.DatabaseError:  # type: ignore[attr-defined]
            pass
        finally:
            dbapi_connection.autocommit = autocommit


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions start (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the crawler, nor it them
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
        # Checkpoint (copy the WAL into the file and fsync it) every ~160 MB of WAL rather than every
        # 4 MB: a 500-article batch is ~9 MB, so the default checkpointed on every commit; a longer
        # interval also writes the hot index pages, changed by every batch, once instead of many times.
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # indexes of a large archive stay in memory
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads first and
        # writes later can fail with "database is locked" without ever waiting on busy_timeout.
        mode = "IMMEDIATE" if connection.get_execution_options().get("sqlite_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def writer_engine(engine: Engine) -> Engine:
    """The same engine and pool, marked so SQLite write transactions lock at BEGIN."""
    return engine.execution_options(sqlite_write=True)
