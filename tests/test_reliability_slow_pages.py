"""Pages that would stall a crawl cost one failure row each, not the crawl: a page over
AKHBAR_MAX_PAGE_BYTES is refused before parsing, and a page whose extraction outlasts
AKHBAR_EXTRACT_TIMEOUT (one element with 100,000 attributes: about a minute in lxml) is given up
by the extraction worker, which is replaced, while the crawl's other pages are stored. At the end
of the crawl the worker processes are gone and nothing printed a traceback.

Pages: CONSTRUCTED (tests/support/article_site.py; the hostile pages are built here).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.article_site import HTML, delayed, serve, sitemap
from tests.support.hostile import crawl_run, failures, rows, run_crawl, stored_urls

ATTRIBUTES = 100_000


def many_attributes(count: int = ATTRIBUTES) -> bytes:
    attributes = " ".join(f'data-a{i}="x"' for i in range(count))
    return (
        '<html lang="ar"><head><meta charset="utf-8"><title>صفحة معادية</title></head><body>'
        f"<h1>عنوان</h1><div {attributes}><p>نص الخبر.</p></div></body></html>"
    ).encode()


@pytest.mark.slow  # two worker start-ups and a 1 s limit: 10-25 s
def test_a_page_over_the_size_cap_and_a_page_outlasting_the_time_limit_fail_alone(
    tmp_path: Path, reliability
) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    cap = 2_000_000  # above the hostile page (1.6 MB), below the padded one
    with serve() as site:
        good = site.add_articles(8, sitemap_path="/unused.xml")
        page = site.routes[good[0]][2]  # type: ignore[index]
        # A real article, padded past the cap: extracted, it would be stored.
        large = page.replace(b"</body>", b"<!--" + b" " * cap + b"--></body>")
        hostile = many_attributes()
        for path in good:  # a slow site: downloads are still in flight while the hostile page is parsed
            site.routes[path] = delayed(site.routes[path][2], 0.3)  # type: ignore[index]
        site.routes.update({
            "/news/large": (200, {"Content-Type": HTML}, large),
            "/news/attributes": (200, {"Content-Type": HTML}, hostile),
        })  # fmt: skip
        # The hostile page first, so the other pages arrive while its extraction runs. Were it parsed
        # on the crawl's thread (a minute), their downloads would pass DOWNLOAD_TIMEOUT and fail.
        listed = ["/news/attributes", "/news/large", *good]
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap(site.origin, listed))
        result = run_crawl({
            "origin": site.origin, "database": database,
            "settings": {"AKHBAR_MAX_PAGE_BYTES": cap, "AKHBAR_EXTRACT_TIMEOUT": 1, "DOWNLOAD_TIMEOUT": 5,
                         "AKHBAR_EXTRACT_WORKERS": 1,
                         "CONCURRENT_REQUESTS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2},
        })  # fmt: skip

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    assert result.orphans == [], result.orphans  # the worker pool stopped with the crawl
    origin = site.origin
    assert stored_urls(database) == {origin + path for path in good}
    found = failures(database)
    reasons = {url.removeprefix(origin): row["error"].removeprefix(url + ": ") for url, row in found.items()}
    assert reasons == {
        "/news/large": f"page has {len(large)} bytes, more than the {cap} parsed (AKHBAR_MAX_PAGE_BYTES)",
        "/news/attributes": "extraction took longer than 1 s: page skipped",
    }
    assert {row["stage"] for row in found.values()} == {"extract"}
    # Both pages are archived as fetched, for a later reparse with other limits.
    assert {path: found[origin + path]["page_size"] for path in reasons} == {
        "/news/large": len(large), "/news/attributes": len(hostile)}  # fmt: skip
    run = crawl_run(database)
    assert run["articles_stored"] == len(good) and run["failures"] == 2 and run["finish_reason"] == "finished"
    assert rows(database, "SELECT count(*) AS n FROM raw_page")[0]["n"] == len(good) + 2

    reliability(scenario="slow page: over AKHBAR_MAX_PAGE_BYTES", inputs=f"{len(large)} bytes, cap {cap}",
                result="failure row before parsing, page archived; 8 other articles stored", slow=True, lost=0)
    reliability(scenario="slow page: one element with 100,000 attributes",
                inputs=f"{len(hostile)} bytes (~1 min in lxml), AKHBAR_EXTRACT_TIMEOUT 1 s, 1 worker",
                result="worker killed and replaced, failure row with the reason; 8 other articles (0.3 s each) "
                       "stored, none timed out; no traceback, no process left (inline: still running after 120 s)",
                slow=True, lost=0)  # fmt: skip
