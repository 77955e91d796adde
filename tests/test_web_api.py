"""The JSON API and the reader pages through FastAPI's TestClient, on a constructed archive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from scraper.article import Article, Block, Caption, CrawlItem, SourceCredit
from scraper.query.filters import Filters
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.synthetic import make_page
from scraper.storage.writer import ArticleWriter
from scraper.web.app import create_app
from tests.support.databases import ENGINES, empty_database
from tests.test_query_search import ARCHIVE, T0

HOSTILE = Article(  # constructed: markup in the stored text must come out as text
    url="https://www.alaraby.co.uk/news/66", canonical_url="https://www.alaraby.co.uk/news/66", site="alaraby",
    title="<script>alert(1)</script> عنوان", blocks=[Block("paragraph", "نص <img src=x onerror=alert(2)> بوتين")],
    fetched_at=T0, published_at=T0, captions=[Caption("<b>صورة</b>", "غيتي")],
    sources=[SourceCredit("رويترز", "Reuters")],
)  # fmt: skip


@pytest.fixture(scope="module", params=ENGINES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a constructed archive, on SQLite and on PostgreSQL."""
    with empty_database(request.param, tmp_path_factory.mktemp("web")) as url:
        engine: Engine = make_engine(url)
        upgrade(engine)
        with ArticleWriter(engine, worker=False) as writer:
            writer.store([CrawlItem(make_page(a), a) for a in [*ARCHIVE, HOSTILE]])
        engine.dispose()
        app = create_app(url)
        yield TestClient(app, raise_server_exceptions=False)
        app.state.engine.dispose()


def test_search_with_filters_and_cursor(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "المفاوضات", "source": "فرانس برس"}).json()
    assert found["total"] == 2
    assert {r["url"].rsplit("/", 1)[1] for r in found["results"]} == {"2", "3"}
    first = client.get("/api/search", params={"q": "مفاوضات", "limit": 2}).json()
    assert len(first["results"]) == 2 and first["next_cursor"]
    rest = client.get("/api/search", params={"q": "مفاوضات", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(rest["results"]) == 1 and rest["next_cursor"] is None
    hijri = client.get("/api/search", params={"from": "1443-05-27h"}).json()
    assert [r["url"].rsplit("/", 1)[1] for r in hijri["results"]] == ["6"]


def test_result_fields_are_local_hijri_and_highlighted(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "بالمفاوضات", "site": "alaraby"}).json()["results"][-1]
    assert hit["date_local"].endswith("+03:00")  # alaraby's newsroom: Asia/Qatar
    assert hit["date_hijri"].endswith("هـ")
    assert "<mark>" in hit["snippet_html"]


def test_article_has_captions_sources_revisions_and_story(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "القاعة"}).json()["results"][0]
    article = client.get(f"/api/articles/{found['id']}").json()
    assert article["captions"] == [{"text": "الوفد في القاعة", "credit": "أرشيف - غيتي", "image_url": None}]
    assert article["sources"] == [{"name": "أ ف ب", "canonical": "AFP"}]
    assert len(article["revision_list"]) == 1
    assert article["timeline"][0]["first"] is True


def test_stats_count_per_site_and_source(client: TestClient) -> None:
    counts = client.get("/api/stats").json()
    assert counts["total"] == len(ARCHIVE) + 1
    assert counts["per_site"]["annahar"] == 1
    assert counts["per_source"]["AFP"] == 2


def test_openapi_document_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/articles/{article_id}", "/api/stats"} <= set(paths)


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"q": "NOT"}, 400, "NOT must be followed"),
        ({"q": '"*'}, 400, "nothing to search for"),
        ({"q": "x" * 60_000}, 400, "limit is 500"),
        ({"limit": 1000}, 422, "limit"),
        ({"from": "2021-13-01"}, 400, "not a Gregorian date"),
        ({"cursor": "garbage"}, 400, "cursor"),
        ({"country": "Atlantis"}, 400, "unknown country"),
    ],
)
def test_bad_input_is_a_json_error_with_a_message(client: TestClient, params: dict, status: int, words: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    assert words in response.json()["error"]
    assert "Traceback" not in response.text


def test_missing_article_is_404_json(client: TestClient) -> None:
    response = client.get("/api/articles/99999")
    assert response.status_code == 404 and response.json()["error"] == "no article with id 99999"


@pytest.mark.parametrize("q", ["'; DROP TABLE article; --", "NEAR(", '"بوتين', "بوتين NOT"])
def test_hostile_queries_leave_the_database_unchanged(client: TestClient, q: str) -> None:
    for url in ("/api/search", "/"):
        response = client.get(url, params={"q": q})
        assert response.status_code in (200, 400)
        assert "Traceback" not in response.text
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.execute(text("SELECT count(*) FROM article")).scalar_one() == len(ARCHIVE) + 1


def test_reader_escapes_stored_markup(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "بوتين", "source": "Reuters"}).json()["results"]
    page = client.get(f"/articles/{next(h for h in hit if 'script' in h['title'])['id']}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>صورة</b>" not in page
    results = client.get("/", params={"q": "بوتين"}).text
    assert "<script>alert" not in results


def test_reader_pages_are_rtl_arabic(client: TestClient) -> None:
    for url in ("/", "/?q=بوتين", "/stats"):
        page = client.get(url)
        assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in page.text
    assert "<svg" in client.get("/stats").text


def test_nothing_is_written_through_the_server(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn, pytest.raises(DBAPIError, match=r"readonly|read-only"):
        conn.execute(text("DELETE FROM article"))


def test_forged_cursor_is_refused(client: TestClient) -> None:
    import base64
    import json

    from scraper.query.search import _fingerprint

    for keys in (["DROP", "2021-12-01T00:00:00+00:00", 1], [1.0, "2021-12-01T00:00:00+00:00"], [1.0, "yesterday", 3]):
        raw = json.dumps({"f": _fingerprint("بوتين", Filters(), "relevance", False), "k": keys}).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        response = client.get("/api/search", params={"q": "بوتين", "cursor": cursor})
        assert response.status_code == 400 and "cursor" in response.json()["error"]
