"""crawl_run: download failures, items spooled when the database failed, and why a run stopped.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("download_failures", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("items_spooled", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("detail", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("detail")
        batch.drop_column("items_spooled")
        batch.drop_column("download_failures")
