"""The full-text index: search tokens of every article's title, and of its body and captions.

The tokens are computed here in Python (scraper.query.arabic), so SQLite and PostgreSQL index
exactly the same words and give the same matches:

- SQLite: the FTS5 table ``article_fts(title, body)``, rowid = article id; a trigger deletes an
  article's row with the article.
- PostgreSQL: ``article_search(article_id, document tsvector)`` with a GIN index, title tokens
  weighted A and body tokens B. The tsvector is written as a literal (token:position), not made by
  ``to_tsvector``, so PostgreSQL's parser never re-splits a token.

:func:`index_articles` is called by the storage writer in the same transaction that writes the
articles (and by ``reparse``, which goes through the writer), so the index never lags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from scraper.article import Article
from scraper.query import arabic
from scraper.storage.engine import writer_engine

FTS_TABLE = "article_fts"
PG_TABLE = "article_search"
_BATCH = 500
# Positions of the body start after the title's plus this gap, so no phrase spans the two.
_TITLE_GAP = 10
_PG_MAX_POSITION = 16383  # PostgreSQL keeps positions up to this; later ones count as this one

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS_TABLE}_article_deleted AFTER DELETE ON article BEGIN "
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
)
SQLITE_DROP = (f"DROP TRIGGER IF EXISTS {FTS_TABLE}_article_deleted", f"DROP TABLE IF EXISTS {FTS_TABLE}")
POSTGRESQL_DDL = (
    f"CREATE TABLE {PG_TABLE} (article_id INTEGER PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE, "
    "document TSVECTOR NOT NULL)",
    f"CREATE INDEX ix_{PG_TABLE}_document ON {PG_TABLE} USING gin (document)",
)
POSTGRESQL_DROP = (f"DROP TABLE IF EXISTS {PG_TABLE}",)


@dataclass(frozen=True, slots=True)
class Document:
    article_id: int
    title: str
    body: str
    captions: Sequence[str] = ()


def document(article_id: int, article: Article, body: str | None = None) -> Document:
    """The indexed text of an extracted article (``body``: its body when already built)."""
    return Document(
        article_id, article.title, article.body if body is None else body, [c.text for c in article.captions]
    )


def tokens(document: Document) -> tuple[list[str], list[str]]:
    """(title tokens, body-and-caption tokens)."""
    body: list[str] = []
    for part in (document.body, *document.captions):
        body += arabic.tokens(part)
    return arabic.tokens(document.title), body


def tsvector_literal(title: list[str], body: list[str]) -> str:
    positions: dict[str, list[str]] = {}
    for i, token in enumerate(title, start=1):
        positions.setdefault(token, []).append(f"{min(i, _PG_MAX_POSITION)}A")
    start = len(title) + _TITLE_GAP
    for i, token in enumerate(body, start=start):
        positions.setdefault(token, []).append(f"{min(i, _PG_MAX_POSITION)}B")
    # A lexeme keeps at most 256 positions in PostgreSQL; more would be refused.
    return " ".join(f"'{token}':{','.join(places[:256])}" for token, places in positions.items())


def index_articles(conn: Connection, documents: Iterable[Document]) -> int:
    """Put (or replace) these articles in the index; returns how many."""
    docs = list(documents)
    if not docs:
        return 0
    ids = [d.article_id for d in docs]
    prepared = [(d.article_id, *tokens(d)) for d in docs]
    if conn.dialect.name == "postgresql":
        rows = [(id_, tsvector_literal(title, body)) for id_, title, body in prepared]
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            conn.execute(
                text(
                    f"INSERT INTO {PG_TABLE} (article_id, document) "
                    "SELECT id, doc::tsvector "
                    "FROM unnest(CAST(:ids AS INTEGER[]), CAST(:docs AS TEXT[])) AS u(id, doc) "
                    "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document"
                ),
                {"ids": [r[0] for r in chunk], "docs": [r[1] for r in chunk]},
            )
        return len(rows)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join('?' * len(chunk))})", tuple(chunk))
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)",
        [(id_, " ".join(title), " ".join(body)) for id_, title, body in prepared],
    )
    return len(prepared)


def documents_for(conn: Connection, ids: Sequence[int]) -> list[Document]:
    """Title, body and captions of these articles, as stored."""
    if not ids:
        return []
    found: dict[int, Document] = {}
    captions: dict[int, list[str]] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = list(ids[start : start + _BATCH])
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        for id_, caption in conn.execute(
            text(f"SELECT article_id, text FROM caption WHERE article_id IN ({marks}) ORDER BY article_id, position"),
            params,
        ):
            captions.setdefault(id_, []).append(caption)
        for id_, title, body in conn.execute(
            text(f"SELECT id, title, body FROM article WHERE id IN ({marks})"), params
        ):
            found[id_] = Document(id_, title, body)
    return [Document(d.article_id, d.title, d.body, captions.get(d.article_id, ())) for d in found.values()]


def reindex(engine: Engine, *, batch: int = 1000) -> int:
    """Rebuild the whole index from the article table (one transaction); returns the article count."""
    total = 0
    with writer_engine(engine).begin() as conn:
        conn.execute(text(f"DELETE FROM {PG_TABLE if conn.dialect.name == 'postgresql' else FTS_TABLE}"))
        last = 0
        while True:
            ids = [row[0] for row in conn.execute(
                text("SELECT id FROM article WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": batch}
            )]  # fmt: skip
            if not ids:
                break
            total += index_articles(conn, documents_for(conn, ids))
            last = ids[-1]
    return total


def indexed_count(conn: Connection) -> int:
    table = PG_TABLE if conn.dialect.name == "postgresql" else FTS_TABLE
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
