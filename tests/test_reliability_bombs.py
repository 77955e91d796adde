"""Decompression bombs are refused and recorded, not inflated: a ``.gz`` sitemap beyond
AKHBAR_SITEMAP_MAXSIZE, a sitemap or a page sent with ``Content-Encoding: gzip`` beyond its limit.

The limits are set low here (1 MB) and the bombs inflate to 16 MB, so the test stays small in
memory; each bomb is a valid document padded with spaces, so a bomb that got through would show
(its article crawled or stored). Pages: CONSTRUCTED (tests/support/article_site.py).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.support.article_site import HTML, serve, sitemap
from tests.support.hostile import crawl_run, failures, rows, run_crawl, stored_urls

LIMIT = 1024 * 1024
INFLATED = 16 * LIMIT


def padded(document: bytes, size: int = INFLATED) -> bytes:
    """``document`` with an XML/HTML comment of spaces inside, to ``size`` bytes once inflated."""
    cut = document.index(b">") + 1  # after the first tag (the XML declaration or <!DOCTYPE ...>)
    filler = b"<!--" + b" " * (size - len(document)) + b"-->"
    return gzip.compress(document[:cut] + filler + document[cut:], compresslevel=9)


def test_gzip_bombs_in_sitemaps_and_pages_are_refused_and_recorded(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        good = site.add_articles(3, sitemap_path="/plain.xml")
        behind = site.add_articles(3, prefix="behind-bomb", sitemap_path="/unused.xml")
        page = site.routes[good[0]][2]  # type: ignore[index]
        small = gzip.compress(sitemap(site.origin, [*good, "/news/bomb-page"]))
        site.routes.update({
            # A .gz sitemap (gunzipped by the spider): inflates 16 MB, over AKHBAR_SITEMAP_MAXSIZE.
            "/bomb.xml.gz": (200, {"Content-Type": "application/x-gzip"}, padded(sitemap(site.origin, behind[:1]))),
            # A sitemap sent compressed (undone by the downloader): the same limit, per request.
            "/encoded.xml": (200, {"Content-Type": "application/xml", "Content-Encoding": "gzip"},
                             padded(sitemap(site.origin, behind[1:]))),
            # A small .gz sitemap is read as before.
            "/small.xml.gz": (200, {"Content-Type": "application/x-gzip"}, small),
            # An article page sent compressed: 16 MB inflated, over DOWNLOAD_MAXSIZE.
            "/news/bomb-page": (200, {"Content-Type": HTML, "Content-Encoding": "gzip"}, padded(page)),
        })  # fmt: skip
        result = run_crawl({
            "origin": site.origin, "database": database,
            "sitemaps": ["/bomb.xml.gz", "/encoded.xml", "/small.xml.gz"],
            "settings": {"AKHBAR_SITEMAP_MAXSIZE": LIMIT, "DOWNLOAD_MAXSIZE": LIMIT, "DOWNLOAD_WARNSIZE": LIMIT // 2,
                         "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip
        hits = list(site.hits)

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    origin = site.origin
    assert stored_urls(database) == {origin + path for path in good}
    assert not set(behind) & set(hits)  # nothing listed inside a bomb was fetched
    found = failures(database)
    reasons = {url.removeprefix(origin): row["error"].removeprefix(url + ": ") for url, row in found.items()}
    assert reasons == {
        "/bomb.xml.gz": f"gzipped sitemap inflates beyond {LIMIT} bytes (AKHBAR_SITEMAP_MAXSIZE)",
        "/encoded.xml": f"compressed answer ({len(site.routes['/encoded.xml'][2])} bytes) inflates beyond "  # type: ignore[index]
        f"DOWNLOAD_MAXSIZE ({LIMIT} bytes): refused",
        "/news/bomb-page": f"compressed answer ({len(site.routes['/news/bomb-page'][2])} bytes) inflates beyond "  # type: ignore[index]
        f"DOWNLOAD_MAXSIZE ({LIMIT} bytes): refused",
    }
    assert {row["stage"] for row in found.values()} == {"download"}
    # Nothing inflated was archived: the refused answers keep no page at all.
    assert {row["page_size"] for row in found.values()} == {None}
    biggest = rows(database, "SELECT max(size) AS size FROM raw_page")[0]["size"]
    assert biggest < LIMIT
    run = crawl_run(database)
    assert run["download_failures"] == run["failures"] == 3 and run["articles_stored"] == 3

    inputs = f"inflates to {INFLATED // LIMIT} MB, limit {LIMIT // LIMIT} MB; 3 good articles beside"
    reliability(scenario="bomb: .gz sitemap beyond AKHBAR_SITEMAP_MAXSIZE", inputs=inputs,
                result="refused, failure row, its entries not fetched", lost=0)
    reliability(scenario="bomb: sitemap with Content-Encoding: gzip", inputs=inputs,
                result="refused, failure row, its entries not fetched", lost=0)
    reliability(scenario="bomb: page with Content-Encoding: gzip beyond DOWNLOAD_MAXSIZE", inputs=inputs,
                result=f"refused, failure row, no raw page kept (largest raw page {biggest} bytes)", lost=0)


# -- sitemap index loops ------------------------------------------------------------------------


def _index(origin: str, locs: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>{origin}{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    ).encode()


def _number(path: str) -> int:
    return int(path.rsplit("=", 1)[1])


def _xml(handler, body: bytes) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(200)
    handler.send_header("Content-Type", "application/xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_a_sitemap_index_pointing_to_itself_ends_at_the_depth_limit_and_commits_as_it_goes(
    tmp_path: Path, reliability
) -> None:
    """/index.xml?n=K lists /index.xml?n=K+1 (itself, with a new query string) and /urls.xml?n=K
    (two articles). The deepest index read answers only once articles are committed, or after 10 s:
    what it saw shows the store commits on its interval, not only at the end of the crawl."""
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    committed_while_waiting: list[int] = []

    with serve() as site:
        articles = site.add_articles(20, sitemap_path="/unused.xml")

        def index(handler) -> None:  # type: ignore[no-untyped-def]
            number = _number(handler.path)
            if number == 3:  # the deepest followed: wait for the store's timed commit
                committed_while_waiting.append(_wait_for_articles(database, 2, seconds=10))
            _xml(handler, _index(site.origin, [f"/index.xml?n={number + 1}", f"/urls.xml?n={number}"]))

        def urls(handler) -> None:  # type: ignore[no-untyped-def]
            number = _number(handler.path)
            _xml(handler, sitemap(site.origin, articles[2 * number : 2 * number + 2]))

        site.routes.update({"/index.xml": index, "/urls.xml": urls})
        result = run_crawl({
            "origin": site.origin, "database": database, "sitemaps": ["/index.xml?n=0"],
            "settings": {"AKHBAR_SITEMAP_DEPTH": 3, "AKHBAR_STORE_INTERVAL": 0.5, "AKHBAR_STORE_BATCH": 1000,
                         "DOWNLOAD_TIMEOUT": 20, "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip
        hits = list(site.hits)

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    origin = site.origin
    assert sorted(path for path in hits if path.startswith("/index.xml")) == [f"/index.xml?n={n}" for n in range(4)]
    assert sorted(path for path in hits if path.startswith("/urls.xml")) == [f"/urls.xml?n={n}" for n in range(3)]
    assert stored_urls(database) == {origin + path for path in articles[:6]}
    found = failures(database)
    refused = "sitemap index nested deeper than 3 (AKHBAR_SITEMAP_DEPTH)"
    assert {url.removeprefix(origin): row["error"].removeprefix(url + ": ") for url, row in found.items()} == {
        "/index.xml?n=4": refused, "/urls.xml?n=3": refused}  # fmt: skip
    assert committed_while_waiting and committed_while_waiting[0] >= 2, committed_while_waiting
    run = crawl_run(database)
    assert run["articles_stored"] == 6 and run["finish_reason"] == "finished"
    reliability(scenario="sitemap index pointing to itself with a new query string each time",
                inputs="index?n=K lists index?n=K+1 and 2 articles; AKHBAR_SITEMAP_DEPTH 3",
                result=f"4 indexes read, deeper ones recorded as refused; 6 articles stored; "
                       f"{committed_while_waiting[0]} committed before the crawl ended (AKHBAR_STORE_INTERVAL 0.5 s)",
                lost=0)  # fmt: skip


def test_a_sitemap_index_fanning_out_stops_at_the_sitemap_count_limit(tmp_path: Path, reliability) -> None:
    """/index.xml?n=K lists 5 new indexes and one urlset: without a count limit the tree has no end."""
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        articles = site.add_articles(40, sitemap_path="/unused.xml")

        def index(handler) -> None:  # type: ignore[no-untyped-def]
            number = _number(handler.path)
            children = [f"/urls.xml?n={number}", *(f"/index.xml?n={5 * number + k}" for k in range(1, 6))]
            _xml(handler, _index(site.origin, children))

        def urls(handler) -> None:  # type: ignore[no-untyped-def]
            number = _number(handler.path)
            _xml(handler, sitemap(site.origin, articles[2 * number : 2 * number + 2]))

        site.routes.update({"/index.xml": index, "/urls.xml": urls})
        result = run_crawl({
            "origin": site.origin, "database": database, "sitemaps": ["/index.xml?n=0"],
            "settings": {"AKHBAR_SITEMAP_DEPTH": 50, "AKHBAR_MAX_SITEMAPS": 10, "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip
        hits = list(site.hits)

    assert result.status == 0, result.output[-3000:]
    sitemaps_read = [path for path in hits if path.startswith(("/index.xml", "/urls.xml"))]
    assert len(sitemaps_read) == 10, sitemaps_read
    assert "10 sitemaps read in this run (AKHBAR_MAX_SITEMAPS): the rest are skipped" in result.output
    read_urlsets = {_number(path) for path in sitemaps_read if path.startswith("/urls.xml")}
    expected = {site.origin + articles[i] for n in read_urlsets for i in (2 * n, 2 * n + 1)}
    assert read_urlsets and stored_urls(database) == expected
    # every sitemap the limit left unread is a failure row naming the limit, none that was read
    skipped = {url: row for url, row in failures(database).items() if row["stage"] == "discovery"}
    assert skipped and all("AKHBAR_MAX_SITEMAPS" in row["error"] for row in skipped.values())
    read = {site.origin + path for path in sitemaps_read}
    assert not read & set(skipped)
    assert all(url.startswith((site.origin + "/index.xml", site.origin + "/urls.xml")) for url in skipped)
    reliability(scenario="sitemap index fanning out without end",
                inputs="each index lists 5 new indexes and 2 articles; AKHBAR_MAX_SITEMAPS 10",
                result=f"10 sitemaps read, then {len(skipped)} listed sitemaps skipped, each a failure row; "
                       f"{len(expected)} articles stored", lost=0)  # fmt: skip


def _wait_for_articles(database: str, count: int, seconds: float) -> int:
    """Articles committed in ``database`` once there are ``count`` (or when ``seconds`` have passed)."""
    import time

    deadline = time.monotonic() + seconds
    seen = 0
    while time.monotonic() < deadline:
        try:
            seen = len(stored_urls(database))
        except Exception:  # the crawl has not created the tables yet
            seen = 0
        if seen >= count:
            break
        time.sleep(0.1)
    return seen
