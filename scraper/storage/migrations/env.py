"""Alembic environment: the connection comes from scraper.storage.migrate, or from sqlalchemy.url."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from models import Base, include_name
from scraper.storage.engine import make_engine, writer_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_name=include_name,  # the search index is engine-specific (models.SEARCH_INDEX_TABLES)
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (given := config.attributes.get("connection")) is not None:
    _run(given)
else:
    engine = writer_engine(make_engine(config.get_main_option("sqlalchemy.url") or ""))
    with engine.begin() as connection:
        _run(connection)
