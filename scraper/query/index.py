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

import re
from collections import Counter
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

_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, {_TOKENIZE})",
    f"CREATE TRIGGER {FTS_TABLE}_article_deleted AFTER DELETE ON article BEGIN "
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
)
SQLITE_DROP = (f"DROP TRIGGER IF EXISTS {FTS_TABLE}_article_deleted", f"DROP TABLE IF EXISTS {FTS_TABLE}")
# SQLite: how many indexed rows hold each FTS5 term (bm25's document count, which FTS5 otherwise
# counts by reading the term's whole list, 25-38 ms for a word in half of a million articles, on
# every query). Kept by index_articles and reindex. Term '' holds the number of rows the counts
# are of: when it differs from FTS5's own row count, something wrote the index by another way
# (an article deleted, whose trigger deletes its row) and search does not use the counts until
# the next reindex.
TERMS_TABLE = f"{FTS_TABLE}_terms"
TERMS_DDL = f"CREATE TABLE {TERMS_TABLE} (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID"
# Tokens of these characters only are one FTS5 term each, spelled the same (unicode61 splits
# nothing in them and folds nothing); texts with any other are counted by FTS5's own tokenizer.
SIMPLE_TERM = re.compile("[a-z0-9\u0621-\u063a\u0641-\u064a]+")
_NOT_SIMPLE = re.compile("[^ a-z0-9\u0621-\u063a\u0641-\u064a]")
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


def index_articles(conn: Connection, documents: Iterable[Document], *, count: bool = True) -> int:
    """Put (or replace) these articles in the index; returns how many. ``count=False``: leave the
    term counts (SQLite) to the caller (:func:`reindex` counts them once, at the end)."""
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
    rows = [(id_, " ".join(title), " ".join(body)) for id_, title, body in prepared]
    counting = count and counts_kept(conn)
    replaced: list[tuple[str, str]] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        marks = ", ".join("?" * len(chunk))
        if counting:
            replaced += conn.exec_driver_sql(
                f"SELECT title, body FROM {FTS_TABLE} WHERE rowid IN ({marks})", tuple(chunk)
            ).all()
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", tuple(chunk))
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)", rows)
    if counting:
        change = _term_docs(conn, [(title, body) for _id, title, body in rows])
        change.subtract(_term_docs(conn, replaced))
        change[""] += len(rows) - len(replaced)
        _add_counts(conn, change)
    return len(prepared)


def counts_kept(conn: Connection) -> bool:
    """SQLite: the term counts table exists (migration 0007)."""
    found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TERMS_TABLE,))
    return found.first() is not None


def _term_docs(conn: Connection, rows: list[tuple[str, str]]) -> Counter[str]:
    """How many of these (title, body) texts hold each FTS5 term."""
    counts: Counter[str] = Counter()
    other = []
    for title, body in rows:
        if _NOT_SIMPLE.search(title) or _NOT_SIMPLE.search(body):
            other.append((title, body))
        else:
            terms = set(title.split())
            terms.update(body.split())
            counts.update(terms)
    if other:  # FTS5's tokenizer says what the terms are: a scratch index of these texts
        scratch = f"temp.{FTS_TABLE}_scratch"
        options = f"{_TOKENIZE}, content='', detail=none"
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {scratch} USING fts5(title, body, {options})")
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {scratch}_vocab USING fts5vocab(temp, {FTS_TABLE}_scratch, row)"
        )
        conn.exec_driver_sql(f"INSERT INTO {scratch} (title, body) VALUES (?, ?)", other)
        counts.update(dict(conn.exec_driver_sql(f"SELECT term, doc FROM {scratch}_vocab").all()))
        conn.exec_driver_sql(f"INSERT INTO {scratch} ({FTS_TABLE}_scratch) VALUES ('delete-all')")
    return counts


def _add_counts(conn: Connection, change: Counter[str]) -> None:
    if not any(change.values()):
        return
    conn.exec_driver_sql(
        f"INSERT INTO {TERMS_TABLE} (term, docs) VALUES (?, ?) "
        "ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs",
        [(term, n) for term, n in change.items() if n],
    )


def count_terms(conn: Connection) -> None:
    """SQLite: the term counts made anew from the index itself (one pass over all of it)."""
    vocab = f"temp.{FTS_TABLE}_vocab"
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {FTS_TABLE}, row)")
    conn.exec_driver_sql(f"DELETE FROM {TERMS_TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {TERMS_TABLE} (term, docs) SELECT term, doc FROM {vocab}")
    conn.exec_driver_sql(f"INSERT INTO {TERMS_TABLE} (term, docs) SELECT '', count(*) FROM {FTS_TABLE}")
    conn.exec_driver_sql(f"DROP TABLE {vocab}")


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
            total += index_articles(conn, documents_for(conn, ids), count=False)
            last = ids[-1]
        if conn.dialect.name == "sqlite" and counts_kept(conn):
            count_terms(conn)
    return total


def indexed_count(conn: Connection) -> int:
    table = PG_TABLE if conn.dialect.name == "postgresql" else FTS_TABLE
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
