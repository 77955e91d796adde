"""The search benchmark's bulk fill (bench/search_fill.py) gives the archive the writer would:
every search page over it, every field of every hit, equals the page over a writer-filled one."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from scraper.query.filters import Bound, Filters
from scraper.query.search import search
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.synthetic import BASE_TIME
from scraper.storage.writer import ArticleWriter
from tests.support.databases import ENGINES, empty_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import search as bench
import search_corpus as corpus
import search_fill

ARTICLES = 700  # two of the writer's batches, the second partial


def _pages(url: str) -> list[dict[str, object]]:
    engine = make_engine(url)
    rng = random.Random(4)
    asked: list[tuple[str | None, Filters, dict[str, object]]] = [
        (query, filters, {}) for _kind, query, filters in bench.queries(60, ARTICLES)
    ]
    asked += [
        (corpus.WORDS[40], Filters(), {"collapse": True}),
        (corpus.WORDS[40], Filters(), {"sort": "oldest", "limit": 5}),
        (corpus.phrase(rng, ARTICLES), Filters(has_caption=True, author="مراسل"), {}),
        (corpus.WORDS[100], Filters(section="سياسة", tag="اقتصاد", language="ar", country="EG"), {}),
        (None, Filters(updated_after=Bound(instant=BASE_TIME)), {"limit": 3}),
    ]
    pages = []
    with engine.connect() as conn:
        for query, filters, options in asked:
            page = search(conn, query, filters, **options)  # type: ignore[arg-type]
            pages.append(page.to_dict())
            if page.next_cursor:  # the next page too: cursors carry ids and scores
                pages.append(search(conn, query, filters, cursor=page.next_cursor, **options).to_dict())  # type: ignore[arg-type]
    engine.dispose()
    return pages


@pytest.mark.parametrize("kind", ENGINES)
def test_bulk_fill_gives_the_pages_the_writer_gives(kind: str, tmp_path: Path) -> None:
    answers = []
    for fill in ("writer", "bulk"):
        folder = tmp_path / fill
        folder.mkdir()
        with empty_database(kind, folder) as url:
            engine = make_engine(url)
            upgrade(engine)
            if fill == "writer":
                with ArticleWriter(engine, worker=False) as writer:
                    batch = search_fill.WRITER_BATCH
                    for start in range(0, ARTICLES, batch):
                        writer.store([corpus.item(n) for n in range(start, min(ARTICLES, start + batch))])
            else:
                search_fill.fill_and_index(engine, ARTICLES)
            engine.dispose()
            answers.append(_pages(url))
    assert answers[0] == answers[1]
    assert sum(page["total"] for page in answers[0]) > 0  # type: ignore[misc]
