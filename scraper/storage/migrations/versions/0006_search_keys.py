"""Search: an index holding what ranking reads of each matching article (id, filed-under date,
site, story cluster), so a full-text match is joined to a few index bytes, not a wide article row.

Revision ID: 0006_search_keys
Revises: 0005_operations
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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


def downgrade() -> None:
    op.drop_index("ix_article_search_keys", table_name="article")
