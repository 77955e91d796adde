"""``akhbar db upgrade|current``, and how every database command finds and opens the database."""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.util import CommandError as AlembicCommandError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from scraper.cli.common import CliError
from scraper.dates import parse_iso
from scraper.masking import mask_url
from scraper.storage.engine import make_engine, sqlite_path
from scraper.storage.migrate import current_revision, head_revision, known_revisions, upgrade

DEFAULT_DATABASE_URL = "sqlite:///data/akhbar.db"


def database_url(args: argparse.Namespace) -> str:
    return getattr(args, "database", None) or os.environ.get("AKHBAR_DATABASE_URL") or DEFAULT_DATABASE_URL


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", default=None, help=f"SQLAlchemy URL (default: $AKHBAR_DATABASE_URL or {DEFAULT_DATABASE_URL})"
    )


def first_line(error: Exception) -> str:
    """The driver's message without SQLAlchemy's SQL echo and links."""
    return (str(getattr(error, "orig", None) or error).splitlines() or [type(error).__name__])[0]


def checked_url(url: str) -> str:
    """``url`` when SQLAlchemy can read it and has its driver, else a one-line CliError."""
    try:
        make_url(url).get_dialect().import_dbapi()  # a missing driver is a user error too
    except (SQLAlchemyError, ValueError, ImportError) as error:
        raise CliError(f"{mask_url(url)!r} is not a usable database URL ({first_line(error)}); "
                       "e.g. sqlite:///data/akhbar.db or postgresql+psycopg://user@host/db") from None  # fmt: skip
    return url


def writable_folder(folder: Path, what: str) -> None:
    """A one-line CliError unless files can be created in ``folder`` (made when missing).

    Tried for real, not with os.access: root passes access checks on a read-only mount or an
    immutable folder, and the crawl would then fail inside Scrapy with a traceback."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise CliError(f"cannot write in {what} {folder} ({error.strerror or error}): make it writable, "
                       "or put the database elsewhere with --database sqlite:///PATH") from None  # fmt: skip


def reachable_database(url: str) -> str:
    """``url`` when a crawl or a migration can write there, else a one-line CliError: the SQLite
    file's folder (which also holds the spool and the migration lock) must be writable, a server
    must answer."""
    checked_url(url)
    path = sqlite_path(url)
    if path is not None:
        writable_folder(path.parent, "the data folder")
        try:
            if path.exists():
                with path.open("r+b"):
                    pass
        except OSError as error:
            raise CliError(f"cannot write the database {path} ({error.strerror or error}): make it writable, "
                           "or give another with --database") from None  # fmt: skip
        return url
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as error:
        raise CliError(f"cannot reach the database {mask_url(url)}: {first_line(error)}; start the server "
                       "or fix --database / AKHBAR_DATABASE_URL") from None  # fmt: skip
    finally:
        engine.dispose()
    return url


def _engine(url: str) -> Engine:
    return make_engine(checked_url(url))


def open_database(args: argparse.Namespace) -> Engine:
    """An engine on an existing database whose schema is current, or a one-line CliError."""
    url = checked_url(database_url(args))
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise CliError(f"no database at {path}: crawl something first, or run `akhbar db upgrade`")
    engine = make_engine(url)
    try:
        current, head = current_revision(engine), head_revision()
    except SQLAlchemyError as error:
        raise CliError(f"cannot open {engine.url}: {first_line(error)}") from None
    if current != head:
        engine.dispose()
        raise CliError(f"the database schema is at {current or 'nothing'}, this akhbar needs {head}: "
                       "run `akhbar db upgrade`")  # fmt: skip
    return engine


def parse_date(text: str | None, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (UTC day; ``end`` gives the next midnight) or an ISO 8601 time."""
    if not text:
        return None
    value = parse_iso(text)
    if value is None:
        raise CliError(f"{text!r} is not a date: use YYYY-MM-DD or an ISO 8601 time")
    day_only = text.strip().replace("-", "").isdigit()  # 2024-01-31 or 20240131, no time
    if end and day_only:
        value += timedelta(days=1)
    return value


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="manage the article database (schema migrations)")
    commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = commands.add_parser("upgrade", help="create the database or bring its schema up to date")
    add_database_argument(up)
    up.add_argument("--revision", default="head", help="target migration (default: head)")
    up.set_defaults(func=run_upgrade)
    current = commands.add_parser("current", help="print the schema revision of the database")
    add_database_argument(current)
    current.set_defaults(func=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    engine = _engine(reachable_database(database_url(args)))
    try:
        upgrade(engine, args.revision)
        print(f"database {engine.url} is at schema {current_revision(engine)}")
    except SQLAlchemyError as error:
        raise CliError(f"cannot upgrade {engine.url}: {first_line(error)}") from None
    except AlembicCommandError as error:  # an unknown --revision
        raise CliError(f"--revision {args.revision}: {first_line(error)}; the migrations are "
                       f"{', '.join(known_revisions())} (or head)") from None  # fmt: skip
    except OSError as error:  # the migration lock file beside the database
        raise CliError(f"cannot upgrade {engine.url}: {error.strerror or error} ({error.filename})") from None
    finally:
        engine.dispose()
    return 0


def run_current(args: argparse.Namespace) -> int:
    url = checked_url(database_url(args))
    path = sqlite_path(url)
    if path is not None and not path.exists():  # reading the revision must not create the file
        raise CliError(f"no database at {path}: run `akhbar db upgrade` to create it")
    engine = make_engine(url)
    try:
        current, head = current_revision(engine), head_revision()
    except SQLAlchemyError as error:
        raise CliError(f"cannot open {engine.url}: {first_line(error)}") from None
    finally:
        engine.dispose()
    print(f"{current or 'empty'} (latest: {head})")
    return 0 if current == head else 1
