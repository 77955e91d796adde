"""Searching the archive: full-text match, filters, ranking, story collapsing and cursor pages.

Ranking: relevance (FTS5's bm25 on SQLite, ``ts_rank`` on PostgreSQL; title words count more
than body words on both), then the newer article, then the higher id, so the order is total and
a page cursor (the last row's sort key) gives the next page exactly. In date order articles added
meanwhile never repeat or shift a page; in relevance order neither on PostgreSQL (``ts_rank``
scores each article alone), while SQLite's bm25 weighs words by the whole archive, so an insert
between two pages can move scores a little. Without a query the order is by date.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Double,
    Float,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.selectable import Join

from models import Article, Site, UTCDateTime
from scraper.query import index, snippets
from scraper.query.display import hijri_label, local_label, local_time
from scraper.query.filters import SORTS, FilterError, Filters, article_date, conditions
from scraper.query.syntax import Query, parse
from scraper.storage.queries import children

MAX_PAGE = 100
DEFAULT_PAGE = 20
# bm25 weights of the FTS5 columns (title, body); PostgreSQL weighs A (title) over B (body) likewise.
_BM25 = (4.0, 1.0)


@dataclass(slots=True)
class Hit:
    id: int
    site: str
    title: str
    url: str
    published_at: datetime | None
    date: datetime  # published, or first seen
    score: float | None
    story_cluster: int | None
    copies: int  # matching articles of its story (1 unless collapsed)
    title_segments: list[snippets.Segment]
    snippet: list[snippets.Segment]
    sources: list[dict[str, Any]]
    authors: list[str]
    captions: int
    section: str | None
    language: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site,
            "title": self.title,
            "url": self.url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "date_local": local_time(self.date, self.site).isoformat(),  # type: ignore[union-attr]
            "date_hijri": hijri_label(self.date, self.site),
            "score": self.score,
            "story_cluster": self.story_cluster,
            "copies": self.copies,
            "title_html": snippets.to_html(self.title_segments),
            "snippet": snippets.to_text(self.snippet),
            "snippet_html": snippets.to_html(self.snippet),
            "sources": self.sources,
            "authors": self.authors,
            "captions": self.captions,
            "section": self.section,
            "language": self.language,
        }

    @property
    def date_label(self) -> str:
        return local_label(self.date, self.site)

    @property
    def hijri(self) -> str:
        return hijri_label(self.date, self.site)


@dataclass(slots=True)
class Page:
    hits: list[Hit]
    total: int  # matches (stories, when collapsed), all pages
    next_cursor: str | None
    query: str | None
    sort: str
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "sort": self.sort,
            "filters": self.filters,
            "total": self.total,
            "next_cursor": self.next_cursor,
            "results": [hit.to_dict() for hit in self.hits],
        }


def _matches(
    conn: Connection | Any, query: Query, *, scored: bool = True, within: Any = None, min_score: float | None = None
) -> Any:
    """(id, score) of the articles matching ``query``: higher score, better match (None unless ``scored``).
    ``within``: (lowest, highest) id to consider (SQLite: FTS5 then reads just that part of each
    word's list; a range, not a list of ids, since FTS5 looks each id of a list up with a cursor of
    its own, and bm25 then counts the word's articles again for each)
    ``min_score``: only matches scoring at least this (SQLite; see :func:`_page_floor`)."""
    if conn.dialect.name == "postgresql":
        fts = table(index.PG_TABLE, column("article_id"), column("document"))
        tsquery = cast(bindparam("tsquery", query.tsquery()), TSQUERY)
        # ts_rank is a 4-byte real, which the driver reads back rounded to its shortest decimal; a
        # cursor holding that value would not equal the row's own score. As a double it round-trips.
        rank = cast(func.ts_rank(fts.c.document, tsquery), Double)
        score = rank if scored else cast(null(), Double)
        return (
            select(fts.c.article_id.label("id"), score.label("score"))
            .where(fts.c.document.op("@@")(tsquery))
            .subquery("matches")
        )
    fts = table(index.FTS_TABLE, column("rowid"))
    score = -func.bm25(literal_column(index.FTS_TABLE), *_BM25, type_=Float) if scored else cast(null(), Float)
    found = select(fts.c.rowid.label("id"), score.label("score")).where(
        literal_column(index.FTS_TABLE).op("MATCH")(bindparam("fts", query.fts5()))
    )
    if within is not None:
        found = found.where(fts.c.rowid.between(*within))
    if min_score is not None and scored:
        found = found.where(score >= bindparam("min_score", min_score, type_=Float))
    return found.subquery("matches")


def _page_floor(conn: Connection, query: Query, limit: int) -> float | None:
    """SQLite, first page by relevance, no filters: the score of the (limit + 1)-th best match.

    Ranking needs each match's date for the tie-break, and reading it means one article row per
    match (slow for a word in thousands of articles). FTS5 alone scores every match quickly, so the
    page query can leave out everything scoring below this floor: the rows of the page (and the one
    after it, which says whether there is a next page) all score at least as much."""
    fts = table(index.FTS_TABLE, column("rowid"))
    score = -func.bm25(literal_column(index.FTS_TABLE), *_BM25, type_=Float)
    floor = (
        select(score.label("score"))
        .select_from(fts)
        .where(literal_column(index.FTS_TABLE).op("MATCH")(bindparam("fts", query.fts5())))
        .order_by(score.desc())
        .limit(1)
        .offset(limit)
    )
    return conn.execute(floor).scalar()


# Rows read past the page's last one, so that ties on its score are seen whole (else: the floor).
_TIES = 20


def _page_candidates(conn: Connection, query: Query, limit: int) -> list[tuple[int, float]] | None:
    """SQLite, first page by relevance, no filters: (id, score) of every match that can be on the page.

    One bm25 pass over the matches, in FTS5 alone, keeps the best ``limit + 1 + _TIES``; the page
    (and the row after it, which says whether there is a next page) is among those scoring at least
    the (limit + 1)-th, unless that score's ties run past the rows read: None, then (the caller
    falls back to :func:`_page_floor`). :func:`_rank_candidates` orders just these few, with their
    dates for the tie-break, instead of scoring every match a second time."""
    fts = table(index.FTS_TABLE, column("rowid"))
    score = -func.bm25(literal_column(index.FTS_TABLE), *_BM25, type_=Float)
    best = conn.execute(
        select(fts.c.rowid, score.label("score"))
        .where(literal_column(index.FTS_TABLE).op("MATCH")(bindparam("fts", query.fts5())))
        .order_by(score.desc())
        .limit(limit + 1 + _TIES)
    ).all()
    if len(best) < limit + 1 + _TIES:  # every match
        return [(row[0], row[1]) for row in best]
    edge = best[limit][1]
    if best[-1][1] >= edge:
        return None
    return [(row[0], row[1]) for row in best if row[1] >= edge]


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    date: Any
    score: float | None
    cluster: int | None
    copies: int


def _rank_candidates(conn: Connection, candidates: list[tuple[int, float]], limit: int) -> list[_Row]:
    """The first ``limit + 1`` of :func:`_page_candidates`' rows in the relevance order (score,
    date, id, all descending: what the page query's ORDER BY gives), dates read from the keys index."""
    scores = dict(candidates)
    marks = ", ".join(f":i{n}" for n in range(len(scores)))
    keyed = conn.execute(
        sql_text(
            f"SELECT id, coalesce(published_at, first_seen_at) AS date, story_cluster FROM article "
            f"{_KEYS_INDEX} WHERE id IN ({marks})"
        ).columns(column("id"), column("date", UTCDateTime()), column("story_cluster")),
        {f"i{n}": id_ for n, id_ in enumerate(scores)},
    ).all()
    rows = [_Row(id_, date_, scores[id_], cluster, 1) for id_, date_, cluster in keyed]
    rows.sort(key=lambda row: (row.score, row.date, row.id), reverse=True)
    return rows[: limit + 1]


# SQLite joins the FTS matches to the articles in the order FTS5 gives them. When the filters keep
# far fewer articles than the query matches (a day, a site and an agency against a common word),
# asking FTS5 about just those articles is much faster; the answer is the same either way.
_NARROW_RATIO = 4


def _filters_are_narrower(conn: Connection, query: Query, where: list[Any]) -> bool:
    fts = table(index.FTS_TABLE, column("rowid"))
    matched = conn.execute(
        select(func.count())
        .select_from(fts)
        .where(literal_column(index.FTS_TABLE).op("MATCH")(bindparam("fts", query.fts5())))
    ).scalar_one()
    probe = select(Article.id).where(*where).limit(matched // _NARROW_RATIO + 1)
    kept = conn.execute(select(func.count()).select_from(probe.subquery())).scalar_one()
    return kept <= matched // _NARROW_RATIO


# Filters keeping at most this many articles take the narrow plan without counting the query's
# matches first (that count costs as much as the narrow plan's whole page for a common word).
_SMALL_FILTER = 2000


def matching_ids(conn: Connection, text: str) -> Any:
    """A SELECT of the ids of articles matching the query ``text`` (for ``akhbar list --query``)."""
    matches = _matches(conn, parse(text))
    return select(matches.c.id)


def _keys(sort: str, found: Any) -> list[tuple[Any, bool]]:
    """(column, descending) of the total order."""
    if sort == "relevance":
        return [(found.c.score, True), (found.c.date, True), (found.c.id, True)]
    descending = sort == "newest"
    return [(found.c.date, descending), (found.c.id, descending)]


def _after(keys: list[tuple[Any, bool]], values: list[Any]) -> Any:
    """Rows after the cursor's row in the order ``keys``: (a, b, c) past (x, y, z), spelled out."""
    typed = [literal(v, UTCDateTime()) if isinstance(v, datetime) else literal(v) for v in values]
    parts = []
    for i, (key, descending) in enumerate(keys):
        equal_before = [k == v for (k, _), v in zip(keys[:i], typed[:i], strict=True)]
        parts.append(and_(*equal_before, key < typed[i] if descending else key > typed[i]))
    return or_(*parts)


def _fingerprint(query: str | None, filters: Filters, sort: str, collapse: bool) -> str:
    spec = json.dumps([query, filters.describe(), sort, collapse], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(spec.encode()).hexdigest()[:12]


def encode_cursor(fingerprint: str, values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps({"f": fingerprint, "k": plain}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, sort: str) -> list[Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = list(data["k"])
        ok = data["f"] == fingerprint
    except (ValueError, KeyError, TypeError):
        raise FilterError("the cursor is not one this server gave: start again without it") from None
    if not ok:
        raise FilterError("the cursor belongs to another query, filters or sort: start again without it")
    date_at = 1 if sort == "relevance" else 0
    try:
        values[date_at] = datetime.fromisoformat(values[date_at])
        shape_ok = len(values) == date_at + 2 and isinstance(values[-1], int)
        shape_ok = shape_ok and (date_at == 0 or isinstance(values[0], int | float))
    except (IndexError, TypeError, ValueError):
        shape_ok = False
    if not shape_ok:
        raise FilterError("the cursor is not one this server gave: start again without it")
    return values


def search(
    conn: Connection,
    query: str | None = None,
    filters: Filters | None = None,
    *,
    sort: str | None = None,
    limit: int = DEFAULT_PAGE,
    cursor: str | None = None,
    collapse: bool = False,
) -> Page:
    """One page of matching articles. QueryError / FilterError (ValueErrors) for bad input."""
    filters = filters or Filters()
    text = (query or "").strip() or None
    parsed = parse(text) if text else None
    sort = sort or ("relevance" if parsed else "newest")
    if sort not in SORTS:
        raise FilterError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if sort == "relevance" and parsed is None:
        sort = "newest"
    if not 1 <= limit <= MAX_PAGE:
        raise FilterError(f"the page size must be between 1 and {MAX_PAGE}, not {limit}")
    plain = parsed is not None and not filters.describe() and not collapse  # the index alone answers
    floor, candidates = None, None
    if plain and sort == "relevance" and not cursor and conn.dialect.name == "sqlite":
        candidates = _page_candidates(conn, parsed, limit)  # type: ignore[arg-type]
        if candidates is None:
            floor = _page_floor(conn, parsed, limit)  # type: ignore[arg-type]
    where = conditions(conn, filters)  # once: a folded filter (author, tag, section) reads its column's values
    narrow = (None if plain else _narrow(conn, parsed, where)) or _NOT_NARROW
    found = ranked(conn, parsed, filters, collapse, min_score=floor, within=narrow, where=where)
    keys = _keys(sort, found)
    # Counted without ranking: bm25 / ts_rank of every match would be computed for nothing; and
    # without filters, in the index alone (every indexed row is an article's: added and deleted together).
    counted = (
        _matches(conn, parsed, scored=False)  # type: ignore[arg-type]
        if plain
        else ranked(conn, parsed, filters, collapse, scored=False, within=narrow, where=where)
    )
    total = int(conn.execute(select(func.count()).select_from(counted)).scalar_one())
    fingerprint = _fingerprint(text, filters, sort, collapse)
    page = select(found).order_by(*[k.desc() if d else k.asc() for k, d in keys]).limit(limit + 1)
    if cursor:
        page = page.where(_after(keys, decode_cursor(cursor, fingerprint, sort)))
    rows: list[Any] | None = []
    if candidates is not None:
        rows = _rank_candidates(conn, candidates, limit)
    elif total:  # no match: no page to rank (SQLite's bm25 would still count each word's articles)
        rows = None
        if narrow != _NOT_NARROW and not collapse and total <= _OWN_BM25_MAX:
            after = decode_cursor(cursor, fingerprint, sort) if cursor else None
            rows = _rank_few(conn, parsed, narrow, counted, keys, after)  # type: ignore[arg-type]
        if rows is None:
            rows = conn.execute(page).all()
        rows = rows[: limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        values = [last.score, last.date, last.id] if sort == "relevance" else [last.date, last.id]
        next_cursor = encode_cursor(fingerprint, values)
    return Page(_hits(conn, rows, parsed), total, next_cursor, text, sort, filters.describe())


# A filtered query with at most this many matches in the narrow plan is scored here (:func:`_rank_few`).
_OWN_BM25_MAX = 2000
# A query FTS5 reads as an OR of single terms (one word and its particle forms).
_TERMS = re.compile(r'^\(?("[^" ]+"(?: OR "[^" ]+")*)\)?$')
_K1, _B = 1.2, 0.75  # FTS5's bm25 parameters (fts5_aux.c)


def _rank_few(
    conn: Connection, parsed: Query, within: tuple[int, int], counted: Any, keys: list[tuple[Any, bool]],
    after: list[Any] | None,
) -> list[_Row] | None:  # fmt: skip
    """SQLite, a word with narrow filters: the page's rows, ordered as the page query would order
    them, their bm25 computed here as FTS5 computes it (fts5_aux.c, the same double operations in
    the same order, so the scores are equal to the bit), but with each term's archive-wide document
    count read from the kept counts (``index.TERMS_TABLE``) instead of counted by reading the term's
    whole list. None when that cannot be done exactly (another kind of query, counts not current):
    the caller runs the page query."""
    shape = _TERMS.match(parsed.fts5())
    if shape is None:
        return None
    terms = [t.strip('"') for t in shape.group(1).split(" OR ")]
    if len(set(terms)) < len(terms) or not all(index.SIMPLE_TERM.fullmatch(t) for t in terms):
        return None
    if not index.counts_kept(conn):
        return None
    averages = conn.exec_driver_sql(f"SELECT block FROM {index.FTS_TABLE}_data WHERE id = 1").scalar()
    if averages is None:
        return None
    rows_total, *column_tokens = _varints(averages)
    marks = ", ".join("?" * (len(terms) + 1))
    docs = dict(
        conn.exec_driver_sql(f"SELECT term, docs FROM {index.TERMS_TABLE} WHERE term IN ({marks})", ("", *terms)).all()
    )
    if docs.get("") != rows_total:  # the counts are not of this index (see index.TERMS_TABLE)
        return None
    found = conn.execute(select(counted.c.id, counted.c.date, counted.c.cluster)).all()
    ids = [row[0] for row in found]
    if not ids:
        return []
    phrase = {term: i for i, term in enumerate(terms)}
    frequencies: dict[int, list[float]] = {}
    # Where each term stands in each filtered match (highlight marks every instance, one token
    # each; only the filtered articles' rows are marked, the rest of the range just passed over).
    wanted = f"rowid IN ({', '.join('?' * len(ids))})"
    marked_columns = ", ".join(
        f"CASE WHEN {wanted} THEN highlight({index.FTS_TABLE}, {n}, char(1), char(2)) END" for n in (0, 1)
    )
    for rowid, *columns in conn.exec_driver_sql(
        f"SELECT rowid, {marked_columns} FROM {index.FTS_TABLE} "
        f"WHERE {index.FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
        (*ids, *ids, parsed.fts5(), *within),
    ):
        if columns[0] is None:
            continue
        freq = [0.0] * len(terms)
        for text_, weight in zip(columns, _BM25, strict=True):
            for marked in text_.split("\x01")[1:]:
                at = phrase.get(marked.split("\x02", 1)[0])
                if at is None:  # a marked word that is not one term: not the simple case after all
                    return None
                freq[at] += weight
        frequencies[rowid] = freq
    sizes = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT id, sz FROM {index.FTS_TABLE}_docsize WHERE id IN ({marks})"
        sizes.update(conn.exec_driver_sql(sql, tuple(chunk)).all())
    if len(frequencies) != len(ids) or len(sizes) != len(ids):
        return None
    # fts5Bm25GetData and fts5Bm25Function, operation for operation.
    avgdl = float(sum(column_tokens)) / float(rows_total)
    idf = []
    for term in terms:
        hits = docs.get(term, 0)
        value = math.log((rows_total - hits + 0.5) / (hits + 0.5))
        idf.append(value if value > 0.0 else 1e-6)
    rows = []
    for id_, date_, cluster in found:
        length = float(sum(_varints(sizes[id_])))
        score = 0.0
        for weight, freq in zip(idf, frequencies[id_], strict=True):
            score += weight * ((freq * (_K1 + 1.0)) / (freq + _K1 * (1 - _B + _B * length / avgdl)))
        rows.append(_Row(id_, date_, -(-1.0 * score), cluster, 1))
    names = [key.name for key, _ in keys]  # score, date, id; or date, id
    descending = keys[0][1]  # all keys of an order run the same way

    def key(row: _Row) -> tuple[Any, ...]:
        return tuple(getattr(row, name) for name in names)

    rows.sort(key=key, reverse=descending)
    if after is not None:  # the rows past the cursor's, as _after says in SQL
        cut = tuple(after)
        rows = [row for row in rows if (key(row) < cut if descending else key(row) > cut)]
    return rows


def _varints(blob: bytes) -> list[int]:
    """FTS5's record of SQLite varints (big-endian, 7 bits a byte, the ninth byte all 8)."""
    values, at = [], 0
    while at < len(blob):
        value = 0
        for n in range(9):
            byte = blob[at]
            at += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


_NOT_NARROW = (0, -1)  # "not narrower": every id (see _narrow)


def _narrow(conn: Connection, parsed: Query | None, where: list[Any]) -> tuple[int, int] | None:
    """SQLite, a query with filters far narrower than its matches: the (lowest, highest) id of the
    filtered articles, the part of the index FTS5 need read; None otherwise."""
    if parsed is None or conn.dialect.name != "sqlite" or not where:
        return None
    few = select(Article.id).where(*where).limit(_SMALL_FILTER + 1).subquery()
    kept, low, high = conn.execute(select(func.count(), func.min(few.c.id), func.max(few.c.id))).one()
    if kept > _SMALL_FILTER:
        if not _filters_are_narrower(conn, parsed, where):
            return None
        low, high = conn.execute(select(func.min(Article.id), func.max(Article.id)).where(*where)).one()
    return (1, 0) if low is None else (low, high)  # (1, 0): no filtered article, no id


# SQLite's planner looks a match's article up by rowid, which reads the wide row (body and blocks
# come first); the search keys index (models.py) holds what ranking needs.
_KEYS_INDEX = "INDEXED BY ix_article_search_keys"


class _KeysJoin(Join):
    """``article JOIN matches``, the article table read through the search keys index on SQLite.
    SQLAlchemy's own table hints need its SQLite compiler changed to render (for every user of the
    process); this construct renders the hint itself, and is a plain join elsewhere."""

    inherit_cache = True


@compiles(_KeysJoin)
def _plain_join(join: _KeysJoin, compiler: Any, **kw: Any) -> str:
    return compiler.visit_join(join, **kw)  # type: ignore[no-any-return]


@compiles(_KeysJoin, "sqlite")
def _keys_join(join: _KeysJoin, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = join.left._compiler_dispatch(compiler, **kw)
    right = join.right._compiler_dispatch(compiler, **kw)
    kw.pop("asfrom")
    return f"{left} {_KEYS_INDEX} JOIN {right} ON {join.onclause._compiler_dispatch(compiler, **kw)}"


def ranked(
    conn: Connection, parsed: Query | None, filters: Filters, collapse: bool, *, scored: bool = True,
    min_score: float | None = None, within: tuple[int, int] | None = None, where: list[Any] | None = None,
) -> Any:  # fmt: skip
    """The matching articles with id, date, score, story cluster and copies: a subquery.
    ``within``: from :func:`_narrow` (asked here when not given; ``_NOT_NARROW``: every id);
    ``where``: ``conditions(conn, filters)``, when already made."""
    date_ = article_date()
    where = conditions(conn, filters) if where is None else where
    if parsed is not None:
        if within is None:
            within = _narrow(conn, parsed, where)
        elif within == _NOT_NARROW:
            within = None
        matches = _matches(conn, parsed, scored=scored, within=within, min_score=min_score)
        score = matches.c.score
    else:
        matches, score = None, cast(null(), Float)
    base: Select[Any] = select(
        Article.id.label("id"), date_.label("date"), score.label("score"), Article.story_cluster.label("cluster")
    )
    if matches is not None:
        base = base.select_from(_KeysJoin(Article.__table__, matches, matches.c.id == Article.id))
    base = base.where(and_(True, *where))
    if not collapse:
        inner = base.add_columns(literal(1).label("copies")).subquery("found")
        return inner
    story = func.coalesce(Article.story_cluster, -Article.id)
    ranks = matches is not None and scored
    order = [score.desc(), date_.desc(), Article.id.desc()] if ranks else [date_.asc(), Article.id.asc()]
    windowed = base.add_columns(
        func.row_number().over(partition_by=story, order_by=order).label("place"),
        func.count().over(partition_by=story).label("copies"),
    ).subquery("windowed")
    return (
        select(windowed.c.id, windowed.c.date, windowed.c.score, windowed.c.cluster, windowed.c.copies)
        .where(windowed.c.place == 1)
        .subquery("found")
    )


def _hits(conn: Connection, rows: list[Any], parsed: Query | None) -> list[Hit]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    articles = {
        r.id: r
        for r in conn.execute(
            select(Article.id, Article.title, Article.body, Article.canonical_url, Article.published_at,
                   Article.section, Article.language, Site.name.label("site"))
            .join(Site, Site.id == Article.site_id)
            .where(Article.id.in_(ids))
        )
    }  # fmt: skip
    extras = children(conn, ids, full=False)
    exact, prefixes = parsed.highlights() if parsed else (frozenset(), ())
    hits = []
    for row in rows:
        article = articles[row.id]
        extra = extras[row.id]
        body = article.body
        caption_text = " ".join(c["text"] for c in extra["captions"])
        snippet = snippets.snippet(body, exact, prefixes)
        if parsed and not any(s.match for s in snippet) and caption_text:
            in_caption = snippets.snippet(caption_text, exact, prefixes)
            if any(s.match for s in in_caption):
                snippet = in_caption
        hits.append(
            Hit(
                id=row.id, site=article.site, title=article.title, url=article.canonical_url,
                published_at=article.published_at, date=_aware(row.date), score=row.score,
                story_cluster=row.cluster, copies=row.copies,
                title_segments=snippets.highlight(article.title, exact, prefixes), snippet=snippet,
                sources=extra["sources"], authors=extra["authors"], captions=len(extra["captions"]),
                section=article.section, language=article.language,
            )
        )  # fmt: skip
    return hits


def _aware(value: Any) -> datetime:
    """A row's coalesced date as an aware UTC datetime (SQLite returns it as stored text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type,return-value]
