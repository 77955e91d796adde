"""First schema: articles, revisions, children, raw pages, crawl runs, failures, duplicate buckets.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 09:06:35.098996
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finish_reason", sa.String(length=100), nullable=True),
        sa.Column("articles_stored", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("revisions_added", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )
    op.create_table(
        "raw_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("first_fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_page")),
        sa.UniqueConstraint("url", "body_hash", name=op.f("uq_raw_page_url_body_hash")),
    )
    with op.batch_alter_table("raw_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_raw_page_fetched_at"), ["fetched_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_raw_page_site"), ["site"], unique=False)

    op.create_table(
        "reparse_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filters", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_raw_page_id", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("articles_changed", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reparse_run")),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("name", name=op.f("uq_site_name")),
    )
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_raw", sa.Text(), nullable=True),
        sa.Column("published_calendar", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_raw", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("revision_hash", sa.String(length=64), nullable=False),
        sa.Column("story_cluster", sa.BigInteger(), nullable=True),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("raw_page_id", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(canonical_url) <= 2048", name=op.f("ck_article_canonical_url_length")),
        sa.CheckConstraint("length(title) BETWEEN 1 AND 1000", name=op.f("ck_article_title_length")),
        sa.ForeignKeyConstraint(
            ["raw_page_id"], ["raw_page.id"], name=op.f("fk_article_raw_page_id_raw_page"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_article_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_article_canonical_url")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_story_cluster"), ["story_cluster"], unique=False)

    op.create_table(
        "extraction_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=True),
        sa.Column("stage", sa.String(length=50), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("raw_page_id", sa.Integer(), nullable=True),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_run.id"],
            name=op.f("fk_extraction_failure_crawl_run_id_crawl_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raw_page_id"],
            ["raw_page.id"],
            name=op.f("fk_extraction_failure_raw_page_id_raw_page"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extraction_failure")),
        sa.UniqueConstraint("url", "stage", name=op.f("uq_extraction_failure_url_stage")),
    )
    op.create_table(
        "article_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_article_revision_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revision")),
        sa.UniqueConstraint("article_id", "revision_hash", name=op.f("uq_article_revision_article_id_revision_hash")),
    )
    op.create_table(
        "author",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_author_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_author_article_id_position")),
    )
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_author_name"), ["name"], unique=False)

    op.create_table(
        "caption",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("credit", sa.Text(), nullable=True),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_caption_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caption")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_caption_article_id_position")),
    )
    op.create_table(
        "minhash_bucket",
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_minhash_bucket_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("bucket", "article_id", name=op.f("pk_minhash_bucket")),
    )
    with op.batch_alter_table("minhash_bucket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minhash_bucket_article_id"), ["article_id"], unique=False)

    op.create_table(
        "source_attribution",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("canonical", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_source_attribution_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_attribution")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_source_attribution_article_id_position")),
    )
    with op.batch_alter_table("source_attribution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_attribution_canonical"), ["canonical"], unique=False)

    op.create_table(
        "tag",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_tag_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_tag_article_id_position")),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_name"), ["name"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_name"))

    op.drop_table("tag")
    with op.batch_alter_table("source_attribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_attribution_canonical"))

    op.drop_table("source_attribution")
    with op.batch_alter_table("minhash_bucket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minhash_bucket_article_id"))

    op.drop_table("minhash_bucket")
    op.drop_table("caption")
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_author_name"))

    op.drop_table("author")
    op.drop_table("article_revision")
    op.drop_table("extraction_failure")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_story_cluster"))
        batch_op.drop_index(batch_op.f("ix_article_site_id"))
        batch_op.drop_index(batch_op.f("ix_article_published_at"))
        batch_op.drop_index(batch_op.f("ix_article_content_hash"))

    op.drop_table("article")
    op.drop_table("site")
    op.drop_table("reparse_run")
    with op.batch_alter_table("raw_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_raw_page_site"))
        batch_op.drop_index(batch_op.f("ix_raw_page_fetched_at"))

    op.drop_table("raw_page")
    op.drop_table("crawl_run")
