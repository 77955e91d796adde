"""Captions, sources and authors come from what a reader sees: the same answer on a page as saved,
without its metadata (bare), with every class and id scrambled, and re-encoded as windows-1256
(scraper.evaluation.variants). The pages are CONSTRUCTED for this test in common layouts; they
mirror no real site."""

from __future__ import annotations

import json

import pytest

from scraper.evaluation import variants
from scraper.extract import extract
from tests.support.constructed import FETCHED, PARA, SITE, URL

LD_ORG_AUTHOR = json.dumps(
    {"@type": "NewsArticle", "headline": "عنوان تجريبي", "author": {"@type": "Organization", "name": "موقع المثال"}},
    ensure_ascii=False,
)


def shell(head: str, article: str) -> str:
    return (
        f'<html lang="ar"><head><meta charset="utf-8"><title>عنوان تجريبي | موقع المثال</title>{head}</head>'
        '<body><header class="site-header"><nav class="menu"><a href="/">الرئيسية</a> <a href="/s">سياسة</a>'
        '</nav><div class="clock">الخميس 2 مايو 2024</div></header>'
        f'<main class="main-content"><article class="post">{article}</article>'
        '<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>'
        '<li><a href="/a"><img src="/i/s1.jpg"><span>خبر جانبي أول عن موضوع آخر</span></a></li>'
        '<li><a href="/b"><img src="/i/s2.jpg"><span>خبر جانبي ثان عن موضوع آخر</span></a></li></ul></aside></main>'
        '<footer class="footer"><p>© 2024 موقع المثال</p></footer></body></html>'
    )


FIGURE_PAGE = shell(
    f'<script type="application/ld+json">{LD_ORG_AUTHOR}</script><meta property="og:site_name" content="موقع المثال">',
    '<h1 class="entry-title">عنوان تجريبي</h1><div class="entry-meta"><span class="byline">بقلم: سامي خليل</span>'
    '<time datetime="2024-05-01T10:00:00+03:00">1 مايو 2024</time></div>'
    '<figure class="wp-block-image"><img src="/i/lead.jpg" alt="صورة"><figcaption class="wp-element-caption">'
    "متظاهرون في ساحة الشهداء وسط بيروت (أ ف ب)</figcaption></figure>"
    f'<div class="entry-content"><p>بيروت (رويترز) - {PARA}</p><p>{PARA}</p><p>{PARA}</p></div>'
    '<div class="related-posts"><h3>مواضيع ذات صلة</h3><div class="item"><a href="/r1"><img src="/i/r1.jpg"></a>'
    '<h4><a href="/r1">عنوان خبر ذي صلة بالموضوع</a></h4></div></div>',
)

DIV_PAGE = shell(
    '<meta name="author" content="موقع المثال">',
    '<div class="article-header"><h1>عنوان تجريبي</h1><span class="writer">كتبت أسماء نصار - القاهرة</span></div>'
    '<div class="article-img"><img src="/i/lead.jpg"><span class="img-caption">الوزير خلال المؤتمر الصحفي</span>'
    '<span class="credit">تصوير: أحمد علي</span></div>'
    f'<div class="article-body"><p>{PARA}</p>'
    '<div class="inline-img"><img src="/i/in.jpg"><div>جانب من الاجتماع الوزاري</div></div>'
    f"<p>{PARA}</p><p>{PARA}</p><p>المصدر: وكالات</p></div>"
    '<div class="gallery"><ul class="slides"><li><img src="/i/g1.jpg"><p>صورة أولى من المعرض</p></li>'
    '<li><img src="/i/g2.jpg"><p>صورة ثانية من المعرض</p></li></ul>'
    '<ul class="slides clone"><li><img src="/i/g1.jpg"><p>صورة أولى من المعرض</p></li>'
    '<li><img src="/i/g2.jpg"><p>صورة ثانية من المعرض</p></li></ul></div>',
)

PLAIN_PAGE = shell(
    "",
    f"<h1>عنوان تجريبي</h1><div><img src='/i/lead.jpg' alt='الوزير في عمان'></div>"
    f"<div><p>{PARA}</p><p>{PARA}</p><p>{PARA} وكتب ترامب على تويتر: سنفوز --(بترا)</p></div>",
)

NEWSWIRE_PAGE = shell(
    '<meta name="author" content="أ ش أ">',
    '<h1 class="headline">عنوان تجريبي</h1><div class="meta"><div class="by">كتب- محمد علي</div>'
    '<div class="date">الخميس، 2 مايو 2024 10:00 ص</div></div>'
    '<div class="media"><span class="over">لقطة من اجتماع مجلس الوزراء</span><img src="/i/lead.jpg"></div>'
    f'<div class="text"><p>القاهرة - أ ش أ: {PARA}</p><p>{PARA}</p><p>{PARA}</p></div>'
    '<div class="tags"><a href="/t/1">مجلس الوزراء</a> <a href="/t/2">الجزيرة</a> <a href="/t/3">العربية</a></div>'
    '<div class="more"><div><a href="/m1"><img src="/i/m1.jpg"></a><a href="/m1">عنوان خبر آخر في القسم</a></div>'
    '<div><a href="/m2"><img src="/i/m2.jpg"></a><a href="/m2">عنوان خبر ثالث في القسم</a></div></div>',
)

CASES = {
    "figure": (
        FIGURE_PAGE,
        [("متظاهرون في ساحة الشهداء وسط بيروت", "أ ف ب")],
        [("رويترز", "Reuters")],
        ["سامي خليل"],
    ),
    "div": (
        DIV_PAGE,
        [
            ("الوزير خلال المؤتمر الصحفي", "أحمد علي"),
            ("جانب من الاجتماع الوزاري", None),
            ("صورة أولى من المعرض", None),
            ("صورة ثانية من المعرض", None),
        ],
        [("وكالات", "Agencies")],
        ["أسماء نصار"],
    ),
    "plain": (PLAIN_PAGE, [], [("بترا", "Petra")], []),
    "newswire": (NEWSWIRE_PAGE, [("لقطة من اجتماع مجلس الوزراء", None)], [("أ ش أ", "MENA")], ["محمد علي"]),
}
VARIANTS = {
    "plain": variants.plain,
    "bare": variants.bare,
    "scrambled": variants.scrambled,
    "reencoded": variants.reencoded,
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", CASES)
def test_credits_are_the_same_without_metadata_or_class_names(case: str, variant: str) -> None:
    html, captions, sources, authors = CASES[case]
    article = extract(VARIANTS[variant](html.encode("utf-8")), URL, FETCHED, site=SITE)
    assert [(c.text, c.credit) for c in article.captions] == captions
    assert [(s.name, s.canonical) for s in article.sources] == sources
    assert article.authors == authors
    for caption, _ in captions:
        assert caption not in article.body
