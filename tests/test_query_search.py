"""Search over a small constructed archive, on SQLite and on PostgreSQL: same query, same answer.

The articles below are constructed for these tests (no real page): each carries the word forms
a test looks for, stored through the real ArticleWriter so the index is the writer's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, text

from models import Article as ArticleRow
from scraper.article import Article, Block, Caption, CrawlItem, SourceCredit
from scraper.query import index
from scraper.query.filters import FilterError, Filters, parse_bound
from scraper.query.search import search
from scraper.query.syntax import QueryError
from scraper.storage.synthetic import make_page
from scraper.storage.writer import ArticleWriter

T0 = datetime(2021, 12, 1, 10, 0, tzinfo=UTC)


def article(n: int, title: str, body: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://www.alaraby.co.uk/news/{n}",
        "canonical_url": f"https://www.alaraby.co.uk/news/{n}",
        "site": "alaraby",
        "title": title,
        "blocks": [Block("paragraph", p) for p in body.split("\n\n")],
        "fetched_at": T0 + timedelta(days=n),
        "published_at": T0 + timedelta(days=n),
        "language": "ar",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


ARCHIVE = [
    article(1, "جولة جديدة من المفاوضات في فيينا", "انطلقت المفاوضات النووية صباح اليوم.",
            sources=[SourceCredit("رويترز", "Reuters")], section="سياسة", authors=["أسامة علي"]),
    article(2, "مفاوضات متعثرة", "قال دبلوماسيون إن مفاوضات الهدنة متعثرة.", site="annahar",
            url="https://www.annahar.com/arabic/2", canonical_url="https://www.annahar.com/arabic/2",
            sources=[SourceCredit("فرانس برس", "AFP")], tags=["هدنة"]),
    article(3, "الوفد يلتقي الوسطاء", "وعاد الوفد بالمفاوضات إلى نقطة البداية.",
            captions=[Caption("الوفد في القاعة", "أرشيف - غيتي")], sources=[SourceCredit("أ ف ب", "AFP")]),
    article(4, "بُوتِين يستقبل نظيره", "استقبل الرئيس الروسي ضيفه في موسكو.", language="ar"),
    article(5, "قمة بين بوتين وبايدن", "الرئيس الروسي فلاديمير بوتين والرئيس الأميركي يلتقيان.",
            sources=[SourceCredit("Reuters", "Reuters")]),
    article(6, "أوكرانيا تطلب دعما", "طلبت أوكرانيا دعما عسكريا من حلفائها.", published_at=T0 + timedelta(days=40)),
    article(7, "اقتصاد", "ارتفعت أسعار القمح في الأسواق اوكرانيا والروسي فيها.", language="en"),
]  # fmt: skip


@pytest.fixture
def archive(engine: Engine) -> Engine:
    with ArticleWriter(engine, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])
    return engine


def ids(engine: Engine, query: str | None = None, filters: Filters | None = None, **options: object) -> list[int]:
    with engine.connect() as conn:
        page = search(conn, query, filters, limit=50, **options)  # type: ignore[arg-type]
    return [_number(hit.url) for hit in page.hits]


def _number(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def test_definite_article_and_particles_find_every_form(archive: Engine) -> None:
    # المفاوضات / مفاوضات / بالمفاوضات are one word to the reader and to the index
    assert sorted(ids(archive, "المفاوضات")) == [1, 2, 3]
    assert sorted(ids(archive, "مفاوضات")) == [1, 2, 3]
    assert sorted(ids(archive, "بالمفاوضات")) == [1, 2, 3]


def test_diacritics_and_hamza_are_folded(archive: Engine) -> None:
    assert sorted(ids(archive, "بُوتِين")) == [4, 5]
    assert sorted(ids(archive, "بوتين")) == [4, 5]
    assert sorted(ids(archive, "اوكرانيا")) == [6, 7]  # stored as أوكرانيا and اوكرانيا


def test_unrelated_word_finds_nothing(archive: Engine) -> None:
    assert ids(archive, "زلزال") == []


def test_phrase_needs_the_words_in_order(archive: Engine) -> None:
    assert sorted(ids(archive, '"الرئيس الروسي"')) == [4, 5]
    assert ids(archive, '"الروسي الرئيس"') == []
    assert ids(archive, "الروسي الرئيس") != []  # the same words, not as a phrase


def test_and_or_not_and_prefix(archive: Engine) -> None:
    assert ids(archive, "بوتين بايدن") == [5]
    assert ids(archive, "بوتين AND بايدن") == [5]
    assert sorted(ids(archive, "بايدن OR فيينا")) == [1, 5]
    assert ids(archive, "بوتين NOT بايدن") == [4]
    assert ids(archive, "بوتين -بايدن") == [4]
    assert sorted(ids(archive, "موسك*")) == [4]
    assert sorted(ids(archive, "(فيينا OR الهدنة) مفاوضات")) == [1, 2]


def test_captions_are_searched(archive: Engine) -> None:
    assert ids(archive, "القاعة") == [3]


def test_title_match_ranks_first_then_recency(archive: Engine) -> None:
    # all three mention the word once in the body; 1 and 2 also in the title; 2 is newer than 1
    assert ids(archive, "مفاوضات")[-1] == 3
    assert ids(archive, "مفاوضات", sort="newest") == [3, 2, 1]
    assert ids(archive, "مفاوضات", sort="oldest") == [1, 2, 3]


def test_snippet_marks_the_word_as_printed(archive: Engine) -> None:
    with archive.connect() as conn:
        hit = next(h for h in search(conn, "المفاوضات").hits if _number(h.url) == 3)
    marked = [s.text for s in hit.snippet if s.match]
    assert marked == ["بالمفاوضات"]
    assert "<mark>بالمفاوضات</mark>" in hit.to_dict()["snippet_html"]


def test_source_filter_accepts_every_alias(archive: Engine) -> None:
    assert sorted(ids(archive, None, Filters(source="فرانس برس"))) == [2, 3]
    assert sorted(ids(archive, None, Filters(source="AFP"))) == [2, 3]
    assert sorted(ids(archive, None, Filters(source="أ.ف.ب"))) == [2, 3]
    assert sorted(ids(archive, None, Filters(source="Reuters"))) == [1, 5]
    assert sorted(ids(archive, None, Filters(source="رويترز"))) == [1, 5]
    assert ids(archive, None, Filters(source="تاس")) == []


def test_site_country_author_section_tag_language_caption(archive: Engine) -> None:
    assert ids(archive, None, Filters(sites=["annahar"])) == [2]
    assert ids(archive, None, Filters(country="لبنان")) == [2]  # annahar's newsroom is in Beirut
    assert ids(archive, None, Filters(country="levant")) == [2]
    assert ids(archive, None, Filters(country="QA")) != [2]  # alaraby: Asia/Qatar
    assert ids(archive, None, Filters(author="اسامة")) == [1]  # folded: أسامة
    assert ids(archive, None, Filters(section="سياسة")) == [1]
    assert ids(archive, None, Filters(tag="هدنة")) == [2]
    assert ids(archive, None, Filters(language="en")) == [7]
    assert ids(archive, None, Filters(has_caption=True)) == [3]
    assert 3 not in ids(archive, None, Filters(has_caption=False))


def test_date_range_gregorian_and_hijri(archive: Engine) -> None:
    december = Filters(date_from=parse_bound("2021-12-03"), date_to=parse_bound("2021-12-05"))
    assert sorted(ids(archive, None, december)) == [2, 3, 4]
    # 1443-05-27h is 2021-12-31; article 6 is published on 2022-01-10
    assert ids(archive, None, Filters(date_from=parse_bound("1443-05-27h"))) == [6]
    assert 6 not in ids(archive, None, Filters(date_to=parse_bound("1443-05-27h")))


def test_bad_dates_and_countries_are_one_line_errors() -> None:
    with pytest.raises(FilterError, match="not a Gregorian date"):
        parse_bound("2021-13-01")
    with pytest.raises(FilterError, match="not a date"):
        parse_bound("yesterday-ish")
    with pytest.raises(FilterError, match="unknown country"):
        from scraper.query.filters import country_codes

        country_codes("Atlantis")


def test_cursor_pages_are_disjoint_and_complete(archive: Engine) -> None:
    everything = ids(archive, None)
    seen: list[int] = []
    cursor = None
    with archive.connect() as conn:
        while True:
            page = search(conn, None, limit=3, cursor=cursor)
            seen += [_number(h.url) for h in page.hits]
            cursor = page.next_cursor
            if cursor is None:
                break
        with pytest.raises(FilterError, match="another query"):
            search(conn, "بوتين", limit=3, cursor=search(conn, None, limit=3).next_cursor)
    assert seen == everything and len(seen) == len(ARCHIVE)


def test_date_cursor_survives_a_new_article(archive: Engine) -> None:
    # (relevance cursors too on PostgreSQL; SQLite's bm25 weighs words by the whole archive, so a
    # new article can move scores: docs/query.md says so)
    with archive.connect() as conn:
        first = search(conn, "مفاوضات", limit=1, sort="newest")
    newer = article(9, "مفاوضات مفاوضات", "مفاوضات جديدة")  # the newest: before the cursor
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(newer), newer)])
    with archive.connect() as conn:
        rest = search(conn, "مفاوضات", limit=10, cursor=first.next_cursor, sort="newest")
    before = [_number(h.url) for h in first.hits]
    after = [_number(h.url) for h in rest.hits]
    assert not set(before) & set(after)
    assert before == [3] and after == [2, 1]  # the new one is above the cursor: nothing repeated or shifted


def test_collapse_gives_one_row_per_story(archive: Engine) -> None:
    url = "https://www.annahar.com/arabic/8"
    copy = article(8, "جولة جديدة من المفاوضات في فيينا", ARCHIVE[0].body, site="annahar", url=url, canonical_url=url)
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(copy), copy)])
    assert sorted(ids(archive, "فيينا")) == [1, 8]
    with archive.connect() as conn:
        page = search(conn, "فيينا", collapse=True)
    assert len(page.hits) == 1 and page.total == 1 and page.hits[0].copies == 2


def test_index_follows_updates_deletes_and_reindex(archive: Engine) -> None:
    edited = replace(ARCHIVE[3], title="بوتين يستقبل نظيره الصيني", fetched_at=T0 + timedelta(days=60))
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(edited), edited)])
    assert ids(archive, "الصيني") == [4]
    with archive.begin() as conn:
        conn.execute(delete(ArticleRow).where(ArticleRow.canonical_url == ARCHIVE[4].canonical_url))
    assert ids(archive, "بايدن") == []
    with archive.begin() as conn:
        conn.execute(text(f"DELETE FROM {index.PG_TABLE if conn.dialect.name == 'postgresql' else index.FTS_TABLE}"))
    assert ids(archive, "بوتين") == []
    assert index.reindex(archive) == len(ARCHIVE) - 1
    assert ids(archive, "بوتين") == [4]


@pytest.mark.parametrize(
    "bad",
    ['"بوتين', "NOT", "بوتين NOT", "NOT بوتين", '"*', "NEAR(", "((", "x" * 100_000,
     "'; DROP TABLE article; --", "*", "OR OR", "))بوتين"],
)  # fmt: skip
def test_malformed_queries_give_an_error_or_a_result_never_a_crash(archive: Engine, bad: str) -> None:
    with archive.connect() as conn:
        try:
            page = search(conn, bad)
        except QueryError as error:
            assert str(error) and "\n" not in str(error)
        else:
            assert page.total >= 0
    with archive.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article")).scalar_one() == len(ARCHIVE)


def test_unclosed_quote_is_a_phrase_to_the_end(archive: Engine) -> None:
    assert sorted(ids(archive, '"الرئيس الروسي')) == [4, 5]


def test_reparse_path_keeps_the_index(archive: Engine) -> None:
    # `akhbar reparse` stores re-extracted articles with ArticleWriter.store_articles
    fixed = replace(ARCHIVE[5], title="أوكرانيا تطلب دعما جويا", fetched_at=T0 + timedelta(days=90))
    with ArticleWriter(archive, worker=False) as writer:
        writer.store_articles([fixed], [None])
    assert ids(archive, "جويا") == [6]


def test_upgrade_indexes_an_archive_stored_before_the_index(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0002")  # the revision before the search index
    with monkeypatch.context() as patch:  # an archive written before the index existed
        patch.setattr(index, "index_articles", lambda conn, docs: 0)
        with ArticleWriter(engine, worker=False) as writer:
            writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])
    upgrade(engine)
    assert sorted(ids(engine, "المفاوضات")) == [1, 2, 3]
    engine.dispose()


@pytest.mark.parametrize(
    ("query", "filters"),
    [("مفاوضات", Filters(source="AFP")), ("بوتين", Filters(date_from=parse_bound("2021-12-05"))),
     ("الروسي", Filters(sites=["alaraby"], has_caption=False))],
)  # fmt: skip
def test_both_sqlite_plans_give_the_same_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str, filters: Filters
) -> None:
    from scraper.query import search as search_module
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade

    archive = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(archive)
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])

    answers = []
    for ratio, small in ((1, 10**9), (10**9, -1)):  # filters always "narrower" / never
        monkeypatch.setattr(search_module, "_NARROW_RATIO", ratio)
        monkeypatch.setattr(search_module, "_SMALL_FILTER", small)
        with archive.connect() as conn:
            page = search(conn, query, filters)
        answers.append(([(h.id, h.score) for h in page.hits], page.total))
    archive.dispose()
    assert answers[0] == answers[1] and answers[0][1] > 0


def test_relevance_cursor_pages_are_disjoint_and_complete(archive: Engine) -> None:
    # 1 and 7 tie on relevance on PostgreSQL (ts_rank is a 4-byte real): the cursor's score must
    # compare equal to the row's own when read back, or the next page repeats a row.
    for query in ("مفاوضات", "الروسي", "بوتين OR مفاوضات"):
        everything = ids(archive, query)
        seen: list[int] = []
        cursor = None
        with archive.connect() as conn:
            for _ in range(len(ARCHIVE) + 1):  # a repeating cursor would page forever
                page = search(conn, query, limit=1, cursor=cursor)
                seen += [_number(h.url) for h in page.hits]
                cursor = page.next_cursor
                if cursor is None:
                    break
        assert seen == everything, query


def test_story_timeline_orders_copies_and_shows_what_differs(archive: Engine) -> None:
    from scraper.query.detail import article_detail
    from scraper.storage.synthetic import _PROSE

    url = "https://www.annahar.com/arabic/21"
    first = article(20, "قمة المناخ تنطلق في القاهرة", _PROSE)
    copy = article(21, first.title, _PROSE.replace("اليوم", "أمس") + "\n\nوأضاف مصدر أن القمة ستستمر ثلاثة أيام.",
                   site="annahar", url=url, canonical_url=url)  # fmt: skip
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in (copy, first)])
    with archive.connect() as conn:
        first_id, copy_id = (search(conn, "المناخ", sort="oldest").hits[i].id for i in (0, 1))
        timeline = article_detail(conn, copy_id)["timeline"]  # type: ignore[index]
    assert [(t["id"], t["site"], t["first"], t["current"]) for t in timeline] == [
        (first_id, "alaraby", True, False), (copy_id, "annahar", False, True)
    ]  # fmt: skip
    assert timeline[1]["changes"] == [
        {"kind": "removed", "text": "اليوم"}, {"kind": "added", "text": "أمس"},
        {"kind": "added", "text": "وأضاف مصدر أن القمة ستستمر ثلاثة أيام."},
    ]  # fmt: skip
    assert (timeline[1]["words_added"], timeline[1]["words_removed"], timeline[1]["same_title"]) == (8, 1, True)
    assert timeline[0]["changes"] == []


SAME_ON_BOTH = ["المفاوضات", "بالمفاوضات", "بُوتِين", "اوكرانيا", '"الرئيس الروسي"', "بوتين OR مفاوضات",
                "بوتين NOT بايدن", "موسك*", "القاعة", "في", '"الرئيس الروسي']  # fmt: skip


def test_sqlite_and_postgresql_give_the_same_results(tmp_path: Path) -> None:
    # Matches, totals, snippets and date orders are identical. Relevance order may differ where
    # scores are close: bm25 (SQLite) weighs document length and word rarity, ts_rank does not.
    from tests.support.databases import empty_database

    answers = []
    for kind in ("sqlite", "postgresql"):
        with empty_database(kind, tmp_path) as url:
            from scraper.storage.engine import make_engine
            from scraper.storage.migrate import upgrade

            engine = make_engine(url)
            upgrade(engine)
            with ArticleWriter(engine, worker=False) as writer:
                writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])
            with engine.connect() as conn:
                answer = []
                for query in SAME_ON_BOTH:
                    for sort in ("newest", "oldest", "relevance"):
                        page = search(conn, query, sort=sort, limit=50)
                        hits = [(_number(h.url), h.to_dict()["snippet_html"], h.to_dict()["title_html"])
                                for h in page.hits]  # fmt: skip
                        answer.append((query, sort, page.total, hits if sort != "relevance" else sorted(hits)))
            engine.dispose()
        answers.append(answer)
    for sqlite_answer, postgresql_answer in zip(*answers, strict=True):
        assert sqlite_answer == postgresql_answer
    assert all(total for _, _, total, _ in answers[0])


def test_updated_after_finds_articles_edited_since(archive: Engine) -> None:
    assert ids(archive, None, Filters(updated_after=parse_bound("2021-11-01"))) == []  # nothing edited yet
    edited = replace(ARCHIVE[3], title="بوتين يستقبل نظيره الصيني", fetched_at=T0 + timedelta(days=60))
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(edited), edited)])
    assert ids(archive, None, Filters(updated_after=parse_bound("2021-11-01"))) == [4]
    assert ids(archive, None, Filters(updated_after=parse_bound("2022-01-29"))) == [4]  # edited 2022-01-30
    assert ids(archive, None, Filters(updated_after=parse_bound("2022-01-31"))) == []
    assert ids(archive, "بوتين", Filters(updated_after=parse_bound("2022-01-29"))) == [4]


@pytest.mark.parametrize("ties", [0, 1, 20])
def test_sqlite_first_relevance_page_is_the_same_by_every_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ties: int
) -> None:
    # The first page is cut from the best limit + 1 + _TIES matches; when ties on the edge's score
    # run past those, from the bm25 floor; else the full ranking. Copies of one text tie exactly.
    from scraper.query import search as search_module
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade

    archive = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(archive)
    copies = [replace(ARCHIVE[0], url=f"{ARCHIVE[0].url}-{n}", canonical_url=f"{ARCHIVE[0].url}-{n}",
                      published_at=T0 + timedelta(hours=n)) for n in range(1, 6)]  # fmt: skip
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE + copies])
    monkeypatch.setattr(search_module, "_TIES", ties)
    answers: dict[str, list[object]] = {}
    for plan in ("candidates", "floor", "full"):
        if plan != "candidates":
            monkeypatch.setattr(search_module, "_page_candidates", lambda *_args: None)
        if plan == "full":
            monkeypatch.setattr(search_module, "_page_floor", lambda *_args: None)
        with archive.connect() as conn:
            answers[plan] = [
                (query, limit, [(h.url, h.score) for h in page.hits], page.total, page.next_cursor)
                for query in ("مفاوضات", "الروسي", "بوتين OR مفاوضات", "فيينا")
                for limit in (1, 2, 3, 50)
                for page in [search(conn, query, limit=limit)]
            ]
    archive.dispose()
    assert answers["candidates"] == answers["floor"] == answers["full"]
    assert any(len(hits) > 1 for _q, _l, hits, _t, _c in answers["full"])  # type: ignore[arg-type]


def test_sqlite_reads_matches_through_the_keys_index_without_patching_sqlalchemy(tmp_path: Path) -> None:
    # Ranking reads each match's date through ix_article_search_keys, not the wide article row;
    # the hint is rendered by search's own construct, SQLAlchemy's SQLite compiler is left as it is.
    from sqlalchemy import event
    from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
    from sqlalchemy.sql.compiler import SQLCompiler

    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade

    archive = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(archive)
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])
    statements: list[tuple[str, object]] = []
    event.listen(archive, "before_cursor_execute", lambda _c, _cur, sql, params, *_: statements.append((sql, params)))
    with archive.connect() as conn:
        first = search(conn, "مفاوضات", limit=1)  # the candidates plan
        search(conn, "مفاوضات", limit=1, cursor=first.next_cursor)  # the page query
        search(conn, "مفاوضات", Filters(source="AFP"))  # filtered
        hinted = [(sql, params) for sql, params in statements if "INDEXED BY" in sql]
        plans = [
            " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))  # type: ignore[arg-type]
            for sql, params in hinted
        ]
    archive.dispose()
    assert len(plans) == 4  # the candidates, the cursor page, the filtered count and page
    assert all("INDEX ix_article_search_keys" in plan for plan in plans), plans
    assert SQLiteCompiler.get_from_hint_text is SQLCompiler.get_from_hint_text


def _sqlite_archive(tmp_path: Path, articles: list[Article]) -> Engine:
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade

    archive = make_engine(f"sqlite:///{tmp_path / 'counts.db'}")
    upgrade(archive)
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in articles])
    return archive


def _fts5_counts(archive: Engine) -> dict[str, int]:
    with archive.begin() as conn:
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, {index.FTS_TABLE}, row)")
        counts = dict(conn.exec_driver_sql("SELECT term, doc FROM temp.v").all())
        conn.exec_driver_sql("DROP TABLE temp.v")
        counts[""] = conn.exec_driver_sql(f"SELECT count(*) FROM {index.FTS_TABLE}").scalar_one()
    return counts


def _kept_counts(archive: Engine) -> dict[str, int]:
    with archive.connect() as conn:
        return {t: n for t, n in conn.exec_driver_sql(f"SELECT term, docs FROM {index.TERMS_TABLE}") if n}


# Words in varying numbers per article (so bm25 scores differ, some tie), a Latin word with an
# accent (counted by FTS5's own tokenizer) and particle forms; days apart, two sites, two agencies.
_WORDS = ["مفاوضات", "والمفاوضات", "بمفاوضات", "هدنة", "café", "Café", "غزة", "للهدنة"]
COUNTED = ARCHIVE + [
    article(100 + n, f"{_WORDS[n % 8]} عنوان {_WORDS[(n * 3) % 8] if n % 4 == 0 else 'خبر'}",
            " ".join(_WORDS[(n * k) % 8] for k in range(1 + n % 5)) + f" نص {'قصير' if n % 2 else 'أطول بقليل من ذلك'}",
            site=("alaraby", "annahar")[n % 2], published_at=T0 + timedelta(hours=3 * n),
            url=f"https://www.alaraby.co.uk/news/{100 + n}", canonical_url=f"https://www.alaraby.co.uk/news/{100 + n}",
            sources=[SourceCredit(*(("رويترز", "Reuters"), ("فرانس برس", "AFP"))[n % 3 == 0])])
    for n in range(60)
]  # fmt: skip


def test_sqlite_term_counts_are_fts5s_own_through_writes_edits_deletes_and_reindex(tmp_path: Path) -> None:
    archive = _sqlite_archive(tmp_path, COUNTED)
    assert _kept_counts(archive) == _fts5_counts(archive)
    edited = [
        replace(a, title=a.title + " café جديد", fetched_at=a.fetched_at + timedelta(days=90)) for a in COUNTED[7:20]
    ]
    with ArticleWriter(archive, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in edited])
    assert _kept_counts(archive) == _fts5_counts(archive)
    with archive.begin() as conn:  # a deleted article: its trigger deletes the index row, not the counts
        conn.execute(delete(ArticleRow).where(ArticleRow.canonical_url == COUNTED[30].canonical_url))
    assert _kept_counts(archive)[""] == _fts5_counts(archive)[""] + 1  # so search no longer uses them
    index.reindex(archive)
    assert _kept_counts(archive) == _fts5_counts(archive)
    archive.dispose()


def test_sqlite_filtered_page_scored_from_the_counts_equals_fts5s_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A word with narrow filters is scored in Python from the kept counts; every page (rows, scores
    # to the bit, order, totals, cursors) must be the one FTS5's bm25 page query gives.
    from scraper.query import search as search_module

    archive = _sqlite_archive(tmp_path, COUNTED)
    used = []
    own = search_module._rank_few
    monkeypatch.setattr(search_module, "_rank_few", lambda *a: used.append(own(*a)) or used[-1])
    filters = [Filters(), Filters(sites=["annahar"]), Filters(source="AFP"),
               Filters(date_from=parse_bound("2021-12-03"), date_to=parse_bound("2021-12-07"))]  # fmt: skip

    def every_page(conn: object, query: str, where: Filters, sort: str, limit: int) -> list[object]:
        pages, cursor = [], None
        while True:
            page = search(conn, query, where, sort=sort, limit=limit, cursor=cursor)  # type: ignore[arg-type]
            pages.append(([(h.id, h.score, h.date) for h in page.hits], page.total, page.next_cursor))
            if not (cursor := page.next_cursor):
                return pages

    answers = {}
    for plan, most in (("own", search_module._OWN_BM25_MAX), ("fts5", -1)):
        monkeypatch.setattr(search_module, "_OWN_BM25_MAX", most)
        with archive.connect() as conn:
            answers[plan] = [
                every_page(conn, query, where, sort, limit)
                for query in ("مفاوضات", "هدنة", "café", "غزة", "مفاوضات هدنة")
                for where in filters
                for sort in ("relevance", "newest", "oldest")
                for limit in (1, 3, 50)
            ]
    archive.dispose()
    assert answers["own"] == answers["fts5"]
    assert sum(rows is not None for rows in used) > 100  # the own scoring did answer
    scores = [s for pages in answers["own"] for hits, _t, _c in pages for _i, s, _d in hits]  # type: ignore[attr-defined]
    assert len(set(scores)) > 10 and len(scores) > len(set(scores))  # scores differ, and some tie
