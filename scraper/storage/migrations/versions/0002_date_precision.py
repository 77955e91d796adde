"""Dates as printed: the wall time, its precision and the source of its zone, beside each instant.

Existing rows get NULLs; ``akhbar reparse`` re-extracts their raw pages and fills them (and moves
a day-only ``published_at`` stored as the previous evening back to 00:00 UTC of its day).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("published_local", 40),
    ("published_precision", 8),
    ("published_zone_source", 16),
    ("updated_local", 40),
    ("updated_precision", 8),
    ("updated_zone_source", 16),
)


def upgrade() -> None:
    with op.batch_alter_table("article") as batch:
        for name, length in _COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
