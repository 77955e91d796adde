"""regions.scope_lines: the article scope's lines cut from the page's line walk must be exactly
what a walk of the scope gives (the byline region reads them), or None where they could differ.
Pages here are constructed."""

from __future__ import annotations

import lxml.etree as etree

from scraper.extract.dom import iter_lines, skip_hidden
from scraper.extract.regions import page_lines, scope_lines

# constructed: header clock, an article with a tatweel, an invisible mark, a link, a hidden
# block and a <br>, and a sidebar after it
PAGE = """<html><body>
<div class="top">الثلاثاء 3 ديسمبر <a href="/">الرئيسية</a></div>
<article id="a">
  <h1>عنوان الخبــر</h1>
  <p>كتب: سامي خليل\u200f</p>
  <div>نشر في <a href="/x">قسم الأخبار</a> 2 ديسمبر 2026<br>آخر تحديث 14:00</div>
  <p hidden>نص مخفي</p>
  <p>الفقرة الأولى من الخبر، وهي طويلة بما يكفي.</p>
  <span>\u200f</span>
</article>
<aside>الأكثر قراءة</aside>
</body></html>"""


def _tree(html: str):
    return etree.fromstring(html, etree.HTMLParser())


def _view(lines):
    return [(line.text, line.owner, line.link_chars) for line in lines]


def test_scope_lines_equal_a_walk_of_the_scope() -> None:
    root = _tree(PAGE)
    body = root.find("body")
    article = root.find(".//article")
    cut = scope_lines(page_lines(body), article, body)
    assert cut is not None
    assert _view(cut) == _view(iter_lines(article, skip_hidden))
    texts = [line.text for line in cut]
    assert texts == [
        "عنوان الخبر", "كتب: سامي خليل", "نشر في قسم الأخبار 2 ديسمبر 2026", "آخر تحديث 14:00",
        "الفقرة الأولى من الخبر، وهي طويلة بما يكفي.",
    ]  # fmt: skip
    assert "الأكثر قراءة" not in texts and not any("الرئيسية" in t for t in texts)


def test_scope_lines_of_the_body_are_all_lines_cleaned() -> None:
    root = _tree(PAGE)
    body = root.find("body")
    assert _view(scope_lines(page_lines(body), body, body)) == _view(iter_lines(body, skip_hidden))


def test_scope_lines_none_where_the_cut_could_differ() -> None:
    inline = _tree("<html><body><p>قبل <span>داخل <b>النطاق</b></span> بعد</p></body></html>")
    body = inline.find("body")
    assert scope_lines(page_lines(body), inline.find(".//span"), body) is None  # inline: shares a line
    linked = _tree('<html><body><a href="/"><div>نص داخل رابط</div></a></body></html>')
    body = linked.find("body")
    assert scope_lines(page_lines(body), linked.find(".//div"), body) is None  # link text in the page walk
    hidden = _tree('<html><body><div hidden><div id="s">نص</div></div></body></html>')
    body = hidden.find("body")
    assert scope_lines(page_lines(body), hidden.find(".//div[@id='s']"), body) is None  # not in the page walk
