"""CONSTRUCTED pages for the credit tests (captions, sources, authors): written for these tests,
mirroring no real site. One article shell; the tests put the piece under test where it sits."""

from __future__ import annotations

from datetime import UTC, datetime

from scraper.article import Article
from scraper.extract import extract
from scraper.sites.base import Site

FETCHED = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
URL = "https://news.example.org/2024/05/01/story"
SITE = Site(name="example", title="موقع المثال", domains=("news.example.org",), timezone="Africa/Cairo")
HEADLINE = "عنوان الخبر الرئيسي عن المفاوضات"
PARA = (
    "قال المتحدث باسم الوزارة في مؤتمر صحفي، اليوم الأربعاء، إن المفاوضات ستستأنف الأسبوع المقبل، "
    "مؤكدا أن الطرفين اتفقا على جدول أعمال يشمل الملفات العالقة كافة؛ فهل تنجح الجولة الجديدة؟"
)


def paragraphs(count: int = 3) -> str:
    return "".join(f"<p>{PARA} {i}</p>" for i in range(count))


def page(body: str, head: str = "", *, before_body: str = "", after_body: str = "") -> str:
    """``before_body``: between the headline and the text (where bylines and lead images sit);
    ``after_body``: inside the article, after the text container."""
    return (
        f'<html lang="ar"><head><meta charset="utf-8">{head}</head><body>'
        '<header><nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a></nav></header>'
        f"<article><h1>{HEADLINE}</h1>{before_body}<div>{body}</div>{after_body}</article>"
        "<footer><p>© 2024 موقع المثال. جميع الحقوق محفوظة</p></footer></body></html>"
    )


def run(html: str, site: Site | None = SITE) -> Article:
    return extract(html, URL, FETCHED, site=site)
