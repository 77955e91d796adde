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
