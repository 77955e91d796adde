"""The harder page variants of ``akhbar eval`` (scraper.evaluation.variants), on CONSTRUCTED pages
written for these tests."""

from __future__ import annotations

import re

import lxml.html
import pytest
from w3lib.encoding import html_to_unicode

from scraper.evaluation.variants import VARIANTS, bare, reencoded, scrambled, token
from scraper.text import clean_text

# constructed: a page carrying every kind of metadata the bare variant removes
PAGE = """<!DOCTYPE html>
<html lang="ar" xml:lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta http-equiv="content-language" content="ar-EG">
<meta property="og:title" content="عنوان من الوصف">
<meta name="author" content="كاتب الميتا">
<meta property="article:published_time" content="2024-05-13T06:00:00+03:00">
<link rel="canonical" href="https://news.example.org/a/1">
<link rel="stylesheet" href="/s.css">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-13T06:00:00+03:00"}</script>
<script type="text/javascript">var kept = 1;</script>
<title>عنوان الخبر | الموقع</title>
</head>
<body class="page article-page" id="top">
<div class="article-body main" itemscope itemtype="https://schema.org/NewsArticle" data-component="headline-block">
<h1 itemprop="headline" class="article-title">عنوان الخبر</h1>
<span property="dc:date" content="2024-05-13">نشر في</span>
<time datetime="2024-05-13T06:00:00+03:00" pubdate class="date">13 مايو 2024 - 06:00 ص</time>
<meta itemprop="author" content="مؤلف مخفي">
<p class="text">قال المتحدث باسم الوزارة إن «المفاوضات» ستستأنف — يوم الإثنين € ✓.</p>
<a href="#top" data-id="12345" data-url="https://x.example/a">للأعلى</a>
<label for="q">بحث</label><input id="q">
</div>
</body>
</html>
"""


def parse(html: bytes):
    """The page decoded as a browser would (declared charset), then parsed."""
    _, text = html_to_unicode(None, html)
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)


def visible_text(html: bytes) -> str:
    root = parse(html)
    for el in root.iter("script", "style"):
        el.text = ""
    return clean_text(root.body.text_content())


def test_bare_keeps_the_visible_text_and_removes_every_metadata_carrier():
    page = PAGE.encode("utf-8")
    out = bare(page)
    assert visible_text(out) == visible_text(page)
    root = parse(out)
    assert [m.attrib for m in root.iter("meta")] == [{"charset": "utf-8"}]
    assert root.xpath("//script[@type='application/ld+json']") == []
    assert root.xpath("//script[not(@type='application/ld+json')]")  # ordinary scripts stay
    assert root.xpath("//link[@rel='canonical']") == []
    assert root.xpath("//link[@rel='stylesheet']")
    assert root.get("lang") is None and root.get("xml:lang") is None
    assert root.get("dir") == "rtl"
    for attr in ("itemprop", "itemscope", "itemtype", "property", "datetime", "content", "pubdate"):
        assert root.xpath(f"//body//*[@{attr}]") == [], attr
    assert clean_text(root.find(".//time").text_content()) == "13 مايو 2024 - 06:00 ص"
    assert root.find(".//h1").get("class") == "article-title"  # bare leaves names alone


def test_bare_keeps_a_content_type_declaration_and_the_page_encoding():
    declaration = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    page = PAGE.replace('<meta charset="utf-8">', declaration)
    raw = page.encode("cp1256", errors="xmlcharrefreplace")
    out = bare(raw)
    assert b"charset=windows-1256" in out
    assert "عنوان الخبر".encode("cp1256") in out  # still written in the page's own code page
    assert visible_text(out) == visible_text(raw)


def test_scrambled_leaves_no_original_class_id_or_component_word():
    page = PAGE.encode("utf-8")
    out = scrambled(page)
    assert visible_text(out) == visible_text(page)
    root = parse(out)
    originals = {"page", "article-page", "top", "article-body", "main", "article-title", "date", "text", "q",
                 "headline-block"}
    seen = set()
    for el in root.iter(lxml.etree.Element):
        for name in ("class", "id", "data-component", "for"):
            seen.update((el.get(name) or "").split())
    assert seen and not (seen & originals)
    assert all(re.fullmatch(r"c[0-9a-f]{5}", t) for t in seen)
    assert root.find(".//meta[@property]") is None  # it is bare, too
    assert root.find(".//a").get("data-id") == "12345"  # numbers and URLs are not names
    assert root.find(".//a").get("data-url") == "https://x.example/a"


def test_scrambled_maps_one_name_to_one_token_so_equal_classes_stay_equal():
    page = b"<html><body><p class='x story'>a</p><p class='story'>b</p><p id='story'>c</p></body></html>"
    ps = parse(scrambled(page)).findall(".//p")
    assert ps[0].get("class").split()[1] == ps[1].get("class") == ps[2].get("id") == token("story")
    assert token("story") != token("stories")
    label = parse(scrambled(PAGE.encode()))
    assert label.find(".//label").get("for") == label.find(".//input").get("id")  # references follow


def test_reencoded_declares_windows_1256_and_decodes_to_the_same_text():
    page = PAGE.encode("utf-8")
    out = reencoded(page)
    assert html_to_unicode(None, out)[0] == "cp1256"
    assert b'charset="windows-1256"' in out or b"charset=windows-1256" in out
    assert "عنوان الخبر".encode("cp1256") in out
    assert visible_text(out) == visible_text(page)
    assert b"&#8364;" not in out and b"&#10003;" in out  # € is in the code page, ✓ is not: a reference
    with pytest.raises(UnicodeDecodeError):
        out.decode("utf-8")


def test_reencoded_rewrites_an_http_equiv_declaration_and_adds_one_when_missing():
    bare_charset = '<html><head><meta http-equiv="Content-Type" content="charset=utf-8"><body><p>مرحبا'.encode()
    out = reencoded(bare_charset)
    assert b'content="charset=windows-1256"' in out and visible_text(out) == "مرحبا"
    undeclared = "<p>مرحبا بكم</p>".encode()
    out = reencoded(undeclared)
    assert b'<meta charset="windows-1256">' in out and visible_text(out) == "مرحبا بكم"
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>نص</p></body></html>'.encode()
    out = reencoded(xhtml)
    assert out.startswith(b'<?xml version="1.0" encoding="windows-1256"?>') and visible_text(out) == "نص"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_survives_odd_markup(name):
    variant = VARIANTS[name]
    assert variant(b"") == b""
    broken = "<div><p>نص <b>غير <i>مغلق</div></p><td>خلية".encode()
    assert "نص غير مغلق" in visible_text(variant(broken))
    assert visible_text(variant(b"\xff\xfe garbage \x00 bytes")) is not None
    deep = ("<div>" * 1000 + "<p>نص عميق</p>" + "</div>" * 1000).encode()  # past libxml2's default 256 levels
    assert "نص عميق" in visible_text(variant(deep))
