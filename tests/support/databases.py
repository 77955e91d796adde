"""An empty database on either engine, for module-scoped fixtures (tests/conftest.py's
``database_url`` is per test). PostgreSQL gets a fresh schema, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "AKHBAR_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database; skips (saying why) when PostgreSQL is wanted but not given."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'akhbar.db'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"PostgreSQL variant skipped: {POSTGRES_ENV} is not set")
    schema = f"akhbar_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
