"""Encodings and huge text nodes in a real crawl: the HTTP header's charset reaches the extractor
(UTF-16 without a BOM, declared only in the header, is read, not taken for binary), and a text
node over libxml2's 10 MB limit neither truncates a page nor a sitemap (``huge_tree``).

Pages: CONSTRUCTED (tests/support/article_site.py, re-encoded or padded here).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.article_site import HTML, serve, sitemap
from tests.support.hostile import failures, rows, run_crawl, stored_urls

HUGE = 11 * 1024 * 1024  # over libxml2's 10 MB text node limit (XML_MAX_TEXT_LENGTH)


def utf16_without_bom(page: bytes, codec: str) -> bytes:
    """The page in UTF-16 with no BOM and no declaration inside: it opens with a comment, not
    <html>, so nothing but the HTTP header says what it is."""
    text = re.sub(r"<meta charset=\"utf-8\">", "", page.decode("utf-8"), count=1)
    return ("<!-- صفحة بترميز UTF-16 -->" + text).encode(codec)


def titles(database: str) -> dict[str, str]:
    return {row["canonical_url"]: row["title"] for row in rows(database, "SELECT canonical_url, title FROM article")}


def test_utf16_declared_only_in_the_http_header_is_read_during_a_crawl(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        paths = site.add_articles(3, sitemap_path="/unused.xml")
        originals = {path: site.routes[path][2] for path in paths}  # type: ignore[index]
        served = {
            "/news/story-0": ("utf-16-le", "text/html; charset=utf-16"),
            "/news/story-1": ("utf-16-be", "text/html; charset=UTF-16"),
            "/news/story-2": ("utf-16-le", "text/html"),  # the control: no charset anywhere
        }
        for path, (codec, content_type) in served.items():
            site.routes[path] = (200, {"Content-Type": content_type}, utf16_without_bom(originals[path], codec))
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap(site.origin, paths))
        # Through the extraction worker (the default), which must pass the header on too.
        result = run_crawl({"origin": site.origin, "database": database, "settings": {"AKHBAR_EXTRACT_WORKERS": 1}})

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    assert result.orphans == []
    origin = site.origin
    expected = {}
    for path in paths[:2]:
        title = re.search(r"<h1[^>]*>(.*?)</h1>", originals[path].decode("utf-8"), re.S)
        assert title is not None
        expected[origin + path] = re.sub(r"<[^>]+>", "", title.group(1)).strip()
    assert titles(database) == expected
    body = rows(database, f"SELECT body FROM article WHERE canonical_url = '{origin}/news/story-1'")[0]["body"]
    assert "تقرير رقم 1 من سلسلة التغطية المستمرة." in body
    # Without the header nothing says UTF-16: the page is refused as binary, and recorded so.
    found = failures(database)
    assert list(found) == [origin + "/news/story-2"]
    assert found[origin + "/news/story-2"]["error"].endswith("binary content (NUL bytes), not an HTML page")
    reliability(scenario="UTF-16 without a BOM, charset only in the HTTP header",
                inputs="UTF-16-LE and -BE pages opening with a comment; a third without the header charset",
                result="both read (titles and bodies exact); the undeclared one recorded as binary", lost=0)


def test_a_text_node_over_10_mb_truncates_neither_a_page_nor_a_sitemap(tmp_path: Path, reliability) -> None:
    database = f"sqlite:///{tmp_path / 'akhbar.db'}"
    with serve() as site:
        paths = site.add_articles(3, sitemap_path="/unused.xml")
        page = site.routes[paths[0]][2]  # type: ignore[index]
        # A page whose head holds an 11 MB script (an inlined blob): the article comes after it.
        script = b'<script>var blob="' + b"A" * HUGE + b'";</script>'
        site.routes[paths[0]] = (200, {"Content-Type": HTML}, page.replace(b"</head>", script + b"</head>", 1))
        # A sitemap whose first entry carries an 11 MB text node: the entries after it must be read.
        listing = sitemap(site.origin, paths)
        first = listing.index(b"<url>")
        huge_entry = f"<url><loc>{site.origin}/news/padding</loc><note>".encode() + b"x" * HUGE + b"</note></url>"
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                       listing[:first] + huge_entry + listing[first:])  # fmt: skip
        limit = 16 * 1024 * 1024  # above the page and the sitemap, so both reach the parser
        result = run_crawl({
            "origin": site.origin, "database": database,
            "settings": {"DOWNLOAD_MAXSIZE": limit, "AKHBAR_MAX_PAGE_BYTES": limit, "AKHBAR_EXTRACT_WORKERS": 0},
        })  # fmt: skip

    assert result.status == 0, result.output[-3000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    origin = site.origin
    assert stored_urls(database) == {origin + path for path in paths}
    body = rows(database, f"SELECT body FROM article WHERE canonical_url = '{origin}{paths[0]}'")[0]["body"]
    assert "تقرير رقم 0 من سلسلة التغطية المستمرة." in body  # the text after the huge node
    assert list(failures(database)) == [origin + "/news/padding"]  # 404: the padding entry itself
    reliability(scenario="a text node over 10 MB (libxml2's limit)",
                inputs="an 11 MB <script> in a page's head; an 11 MB element in a sitemap's first entry",
                result="page parsed whole (huge_tree), body stored; every sitemap entry after it read", lost=0)


# -- the lifted size limit keeps entities off: XXE and billion-laughs are still refused ---------

LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    + "]>"
)  # &j; would be 10^9 "lol"s
XXE = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>'


def _spider():  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from scrapy.utils.test import get_crawler

    from scraper.sites.registry import get_site
    from scraper.spiders.site import SiteSpider

    site = replace(get_site("alaraby"), domains=("news.example",), article_url=r"^/news/")
    return SiteSpider.from_crawler(get_crawler(SiteSpider), site=site)


def test_huge_feeds_and_sitemaps_are_read_whole_and_entities_stay_unexpanded(reliability) -> None:
    from scrapy.http import XmlResponse

    spider = _spider()
    huge = "x" * HUGE
    feed = (f'<?xml version="1.0"?><rss><channel><item><title>{huge}</title><link>https://news.example/news/a</link>'
            "</item><item><link>https://news.example/news/b</link></item></channel></rss>")  # fmt: skip
    found = [r.url for r in spider.parse_feed(XmlResponse("https://news.example/rss", body=feed.encode()))]
    assert found == ["https://news.example/news/a", "https://news.example/news/b"]

    for doctype, entity in ((LAUGHS, "&j;"), (XXE, "&x;")):
        sitemap_body = (f'<?xml version="1.0"?>{doctype}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"<url><loc>https://news.example/news/{entity}</loc></url>"
                        "<url><loc>https://news.example/news/c</loc></url></urlset>")  # fmt: skip
        requests = list(spider.parse_sitemap(XmlResponse("https://news.example/s.xml", body=sitemap_body.encode())))
        urls = [r.url for r in requests]
        # the DOCTYPE is dropped before parsing: the reference is an undefined entity, and the
        # entries after it are read (libxml2 would otherwise end the parse at a billion-laughs)
        assert urls == ["https://news.example/news/", "https://news.example/news/c"]
        assert all(len(url) < 100 and "lol" not in url for url in urls), [u[:100] for u in urls]
        hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else None
        assert not hostname or all(hostname not in url for url in urls)
        feed = (f'<?xml version="1.0"?>{doctype}<rss><channel><item><link>https://news.example/news/{entity}</link>'
                "</item><item><link>https://news.example/news/d</link></item></channel></rss>")  # fmt: skip
        urls = [r.url for r in spider.parse_feed(XmlResponse("https://news.example/rss", body=feed.encode()))]
        assert urls == ["https://news.example/news/", "https://news.example/news/d"]
        assert all(len(url) < 100 and "lol" not in url for url in urls)
        assert not hostname or all(hostname not in url for url in urls)
    reliability(scenario="feeds and sitemaps read with huge_tree",
                inputs="an 11 MB title in a feed; billion-laughs and XXE (file:///etc/hostname) entities",
                result="every entry of the huge feed read; entities left unexpanded (no lol, no file content); "
                       "the declaration dropped, so every entry after a billion-laughs reference is read too",
                lost=0)


def test_a_sitemap_or_feed_whose_parse_libxml2_ends_early_leaves_a_failure_row() -> None:
    """A declaration past the 64 KB prologue is not removed: libxml2 then ends the parse at the
    billion-laughs reference, and the unread rest is a failure row, not a silent loss."""
    from scrapy.http import XmlResponse

    from scraper.article import CrawlItem

    spider = _spider()
    padding = "<!--" + "x" * 70_000 + "-->"
    body = (f'<?xml version="1.0"?>{padding}{LAUGHS}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://news.example/news/a</loc></url><url><loc>https://news.example/news/&j;</loc></url>"
            "<url><loc>https://news.example/news/c</loc></url></urlset>")  # fmt: skip
    out = list(spider.parse_sitemap(XmlResponse("https://news.example/s.xml", body=body.encode())))
    rows = [item for item in out if isinstance(item, CrawlItem)]
    urls = [r.url for r in out if not isinstance(r, CrawlItem)]
    assert urls[0] == "https://news.example/news/a" and "https://news.example/news/c" not in urls
    assert len(rows) == 1 and rows[0].stage == "discovery" and rows[0].page.url == "https://news.example/s.xml"
    assert "parse stopped early" in (rows[0].problem or "") and "unread" in (rows[0].problem or "")

    feed = (f'<?xml version="1.0"?>{padding}{LAUGHS}<rss><channel><item><link>https://news.example/news/&j;</link>'
            "</item></channel></rss>")  # fmt: skip
    out = list(spider.parse_feed(XmlResponse("https://news.example/rss", body=feed.encode())))
    rows = [item for item in out if isinstance(item, CrawlItem)]
    assert len(rows) == 1 and rows[0].stage == "discovery" and "parse stopped early" in (rows[0].problem or "")


def test_the_doctype_is_removed_only_where_a_declaration_stands() -> None:
    from scraper.spiders.sitemap_entries import without_doctype

    plain = b'<?xml version="1.0"?><urlset><url><loc>https://a.example/x</loc></url></urlset>'
    assert without_doctype(plain) == plain  # nothing to remove: byte for byte
    declared = b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "x>y">]>' + plain[21:]
    assert without_doctype(declared) == plain
    assert without_doctype(b"<!doctype rss>" + plain[21:]) == plain[21:]
    # a declaration deeper than the prologue (never valid there) is left alone
    late = plain + b"<!--" + b"y" * 70_000 + b'--><!DOCTYPE r [<!ENTITY a "x">]>'
    assert without_doctype(late) == late
