"""Each malformed or hostile query sent to all three interfaces: ``akhbar search``, the JSON API and
the web reader, both served by a real ``akhbar serve`` (uvicorn, as a user runs it), on SQLite and
PostgreSQL. Each gives a clear one-line error or a sensible result, never a traceback, and the
stored articles are the same afterwards. The archive is constructed (tests/test_query_search.py),
plus one article whose stored text holds markup, which must come out as text.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from scraper.article import CrawlItem
from scraper.cli import main
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.synthetic import make_page
from scraper.storage.writer import ArticleWriter
from tests.support.databases import ENGINES, empty_database
from tests.support.web_server import serve
from tests.test_query_search import ARCHIVE
from tests.test_web_api import HOSTILE

KILOBYTES_100 = 100 * 1024


@dataclass(frozen=True)
class Bad:
    name: str
    query: str
    error: str | None  # words of the one-line error; None: a result is the sensible answer


BAD = [
    Bad("unbalanced quote", '"الرئيس الروسي', None),  # a phrase to the end of the query
    Bad("lone NOT", "NOT", "NOT must be followed by a word"),
    Bad("FTS5 star in quotes", '"*', "nothing to search for"),
    Bad("FTS5 NEAR(", "NEAR(", None),  # punctuation is not searched: the word "near"
    Bad("100 KB of Latin", "x" * KILOBYTES_100, "the limit is 500"),
    Bad("100 KB of Arabic", "ب" * (KILOBYTES_100 // 2), "the limit is 500"),  # 2 bytes a letter
    Bad("SQL injection", "'; DROP TABLE article; --", None),
    Bad("markup", "<script>alert(1)</script>", None),
]


@dataclass
class Served:
    url: str  # the database
    base: str  # the server


@pytest.fixture(scope="module", params=ENGINES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with empty_database(request.param, tmp_path_factory.mktemp("bad")) as url:
        engine = make_engine(url)
        upgrade(engine)
        with ArticleWriter(engine, worker=False) as writer:
            writer.store([CrawlItem(make_page(a), a) for a in [*ARCHIVE, HOSTILE]])
        engine.dispose()
        for base in serve(url):
            yield Served(url, base)


def _stored(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT id, title, body, updated_at FROM article ORDER BY id"))]
    engine.dispose()
    return rows


def _get(base: str, path: str, **params: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET to the real server."""
    try:
        with urllib.request.urlopen(f"{base}{path}?{urllib.parse.urlencode(params)}", timeout=60) as response:
            return response.status, response.headers["content-type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read().decode("utf-8")


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_each_bad_query_on_cli_api_and_reader(
    served: Served, bad: Bad, capsys: pytest.CaptureFixture[str], reliability: object
) -> None:
    before = _stored(served.url)

    code = main(["search", bad.query, "--database", served.url, "--format", "json"])
    out, err = capsys.readouterr()
    if bad.error:
        assert code == 2 and out == ""
        assert err.startswith("akhbar search: ") and bad.error in err and err.count("\n") == 1
    else:
        assert code == 0 and err == ""
        assert json.loads(out)["query"] == bad.query.strip()

    status, kind, body = _get(served.base, "/api/search", q=bad.query)
    assert kind == "application/json"
    answer = json.loads(body)
    if bad.error:
        assert status == 400 and bad.error in answer["error"] and "\n" not in answer["error"]
    else:
        assert status == 200 and answer["query"] == bad.query.strip()

    status, kind, page = _get(served.base, "/", q=bad.query)
    assert kind.startswith("text/html") and '<form class="search"' in page
    assert status == (400 if bad.error else 200)
    if bad.error:
        assert '<div class="error" role="alert"' in page and bad.error in page
    assert "<script>alert" not in page and "Traceback" not in page

    assert _stored(served.url) == before
    reliability(scenario=f"search query: {bad.name}", inputs="akhbar search, /api/search, / (real server)",
                result="one-line error" if bad.error else "searched as words", lost=0)  # type: ignore[operator]


def test_stored_markup_is_shown_as_text(served: Served) -> None:
    status, _, found = _get(served.base, "/api/search", q="بوتين", source="Reuters")
    hostile = next(r for r in json.loads(found)["results"] if "script" in r["title"])
    status, _, page = _get(served.base, f"/articles/{hostile['id']}")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; عنوان" in page and "<script>" not in page
    assert "نص &lt;img src=x onerror=alert(2)&gt; بوتين" in page and "<img src=x" not in page
    assert "&lt;b&gt;صورة&lt;/b&gt;" in page
    assert "&lt;script&gt;" in hostile["title_html"] and "<script>" not in hostile["snippet_html"]


def test_server_binds_loopback_only_and_sends_no_cors(served: Served) -> None:
    port = int(served.base.rsplit(":", 1)[1])
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    addresses = {local for local, _remote, state in (row[1:4] for row in listening)
                 if state == "0A" and int(local.split(":")[1], 16) == port}  # fmt: skip
    assert addresses == {f"0100007F:{port:04X}"}  # 127.0.0.1, not 0.0.0.0
    request = urllib.request.Request(served.base + "/api/stats", headers={"Origin": "http://elsewhere.example"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    preflight = urllib.request.Request(
        served.base + "/api/search", method="OPTIONS",
        headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(preflight, timeout=30)
    assert refused.value.code == 405
    assert not [h for h in refused.value.headers if h.lower().startswith("access-control-")]
