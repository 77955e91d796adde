"""Full-text search index (FTS5 table on SQLite, tsvector table with a GIN index on PostgreSQL)
and an index on the date an article is filed under.

The index is filled from the existing articles, so an archive upgraded from an earlier revision can be searched
at once (``akhbar search --reindex`` rebuilds it later if needed).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from scraper.query import index

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    for statement in index.POSTGRESQL_DDL if postgresql else index.SQLITE_DDL:
        op.execute(statement)
    # Searches filter and sort on the date an article is filed under (models.py, same expression).
    op.create_index("ix_article_filed_at", "article", [sa.text("coalesce(published_at, first_seen_at)"), "id"])
    last = 0
    while ids := [
        row[0] for row in connection.exec_driver_sql(
            f"SELECT id FROM article WHERE id > {int(last)} ORDER BY id LIMIT 1000"
        )
    ]:  # fmt: skip
        index.index_articles(connection, index.documents_for(connection, ids))
        last = ids[-1]


def downgrade() -> None:
    op.drop_index("ix_article_filed_at", table_name="article")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in index.POSTGRESQL_DROP if postgresql else index.SQLITE_DROP:
        op.execute(statement)
