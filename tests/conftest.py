"""Storage fixtures: every storage test runs on SQLite, and on PostgreSQL when a server is given.

``AKHBAR_TEST_POSTGRES_URL`` names the server (CI sets it); each test gets a fresh schema,
dropped afterwards, so tests can run repeatedly and in parallel against one database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import scraper.dates
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from tests.support.databases import ENGINES, empty_database

# An internal error in the date scanner fails the test instead of becoming "no date".
scraper.dates.strict = True



@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database (no schema yet) on each engine."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database whose schema was built by the migrations."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def reliability(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Record one reliability scenario for docs/reliability.md (see tests/support/reliability.py)."""
    from tests.support.reliability import ROWS, Row

    def record(*, scenario: str, inputs: str, result: str, lost: int = 0, slow: bool = False) -> None:
        ROWS.append(Row(scenario, inputs, result, lost, slow, request.node.nodeid.split("[")[0]))

    return record


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.support.reliability import ROWS, write

    write(ROWS)
