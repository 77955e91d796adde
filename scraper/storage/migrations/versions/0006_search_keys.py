"""Search: an index holding what ranking reads of each matching article (id, filed-under date,
site, story cluster), so a full-text match is joined to a few index bytes, not a wide article row;
on PostgreSQL, tsvectors kept in the table's own pages (compressed), not in its TOAST table.

``ts_rank`` reads each match's whole tsvector (~3 KB compressed for a news article); fetched from
TOAST, that is a TOAST index lookup and chunks per match, and ranking a word in 75,000 articles
took 1.4 s, inline 0.6 s. Rows written from now on (the writer, ``akhbar search --reindex``) are
stored so; existing ones move at their next write or a reindex.

Revision ID: 0006_search_keys
Revises: 0005_operations
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from scraper.query import index

revision: str = "0006_search_keys"
down_revision: str | None = "0005_operations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_article_search_keys",
        "article",
        ["id", sa.text("coalesce(published_at, first_seen_at)"), "site_id", "story_cluster"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {index.PG_TABLE} ALTER COLUMN document SET STORAGE MAIN")
        op.execute(f"ALTER TABLE {index.PG_TABLE} SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {index.PG_TABLE} RESET (toast_tuple_target)")
        op.execute(f"ALTER TABLE {index.PG_TABLE} ALTER COLUMN document SET STORAGE EXTENDED")
    op.drop_index("ix_article_search_keys", table_name="article")
