"""Search (SQLite): how many indexed articles hold each term, kept beside the FTS5 index, so a
filtered search scores its few matches without FTS5 counting each query word's articles over the
whole archive first (see ``scraper.query.index.TERMS_TABLE``). Counted once here from the index.

Revision ID: 0007_search_terms
Revises: 0006_search_keys
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from scraper.query import index

revision: str = "0007_search_terms"
down_revision: str | None = "0006_search_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(index.TERMS_DDL)
        index.count_terms(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {index.TERMS_TABLE}")
