"""crawl_health: per-run measurements (pages, articles, share of each field) and the run's health state.

Revision ID: 0005_operations
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_operations"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_health",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("http_errors", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("extraction_failures", sa.Integer(), nullable=False),
        sa.Column("with_title", sa.Integer(), nullable=False),
        sa.Column("with_body", sa.Integer(), nullable=False),
        sa.Column("with_date_time", sa.Integer(), nullable=False),
        sa.Column("with_captions", sa.Integer(), nullable=False),
        sa.Column("with_sources", sa.Integer(), nullable=False),
        sa.Column("with_authors", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("drops", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_run.id"],
            name=op.f("fk_crawl_health_crawl_run_id_crawl_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("crawl_run_id", name=op.f("pk_crawl_health")),
    )
    with op.batch_alter_table("crawl_health", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_health_site"), ["site"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawl_health", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_health_site"))
    op.drop_table("crawl_health")
