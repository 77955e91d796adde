"""An empty database on either engine: tests/conftest.py's ``database_url``, module-scoped
fixtures, and the tests that need a PostgreSQL server. PostgreSQL gets a fresh schema, dropped
afterwards, so tests can run repeatedly and in parallel against one server."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

POSTGRES_ENV = "AKHBAR_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")


@contextmanager
def empty_database(
    kind: str, folder: Path, *, skip_reason: str = "PostgreSQL variant skipped", password: str | None = None
) -> Iterator[str]:
    """The URL of an empty database; skips (``skip_reason``, and why) when PostgreSQL is wanted
    but not given. ``password``: put in the URL (trust auth ignores it), for masking tests. The
    schema is dropped even after a test restarted the server (it is waited for, up to 30 s)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'akhbar.db'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{skip_reason}: {POSTGRES_ENV} is not set")
    schema = f"akhbar_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    if password is not None:
        url = url.set(password=password)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        for _ in range(30):
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                break
            except OperationalError:  # the server is still starting up again
                time.sleep(1)
        admin.dispose()
