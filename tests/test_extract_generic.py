"""The generic extractor's behaviours, each on a small CONSTRUCTED page (written for these tests,
not copied from any site)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scraper.article import NotAnArticle
from scraper.extract import extract
from scraper.sites.base import Site

FETCHED = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
URL = "https://news.example.org/2024/05/01/story"
PARA = (
    "قال المتحدث باسم الوزارة في مؤتمر صحفي، اليوم الأربعاء، إن المفاوضات ستستأنف الأسبوع المقبل، "
    "مؤكدا أن الطرفين اتفقا على جدول أعمال يشمل الملفات العالقة كافة؛ فهل تنجح الجولة الجديدة؟"
)
SITE = Site(name="example", title="موقع المثال", domains=("news.example.org",), timezone="Africa/Cairo")


def page(body: str, head: str = "", *, lang: str = "ar", h1: str = "عنوان الخبر الرئيسي عن المفاوضات") -> str:
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
        f'<header class="site-header"><nav><a href="/">الرئيسية</a></nav></header>'
        f"<article><h1>{h1}</h1>{body}</article>"
        f'<footer><p class="copyright">© 2024 موقع المثال. جميع الحقوق محفوظة</p></footer></body></html>'
    )


def body(*extra: str) -> str:
    return "".join(f"<p>{PARA} {i}</p>" for i in range(3)) + "".join(extra)


def run(html: str, url: str = URL, site: Site | None = SITE):
    return extract(html, url, FETCHED, site=site)


# --- title


def test_title_from_matching_h1_over_metadata():
    head = '<meta property="og:title" content="المفاوضات: عنوان الخبر الرئيسي - موقع المثال">'
    assert run(page(body(), head)).title == "عنوان الخبر الرئيسي عن المفاوضات"


def test_logo_h1_loses_to_metadata_title():
    head = (
        '<script type="application/ld+json">'
        '{"@type":"NewsArticle","headline":"اتفاق على استئناف المفاوضات"}</script>'
    )
    html = page(body(), head, h1="موقع المثال").replace("<article>", "<article><h1>CNN</h1>", 1)
    assert run(html).title == "اتفاق على استئناف المفاوضات"


def test_title_tag_site_suffix_stripped():
    html = (
        "<html><head><title>اتفاق على استئناف المفاوضات | موقع المثال</title></head><body>"
        f"<div>{body()}</div></body></html>"
    )
    assert run(html).title == "اتفاق على استئناف المفاوضات"


def test_repeated_headline_is_one_title():
    html = page(body(), h1="اتفاق على استئناف المفاوضات").replace(
        "</h1>", '</h1><div class="title-mobile">اتفاق على استئناف المفاوضات</div>', 1
    )
    article = run(html)
    assert article.title == "اتفاق على استئناف المفاوضات"
    assert "اتفاق على استئناف المفاوضات" not in article.body


# --- body


@pytest.mark.parametrize(
    "chrome",
    [
        '<div class="read-also"><p>اقرأ أيضا: عنوان خبر آخر عن موضوع مختلف تماما</p></div>',
        "<p>اقرأ أيضاً: عنوان خبر آخر</p>",
        "<p>شاهد أيضا: فيديو عن الموضوع</p>",
        '<div class="share-bar"><span>شارك القصة</span></div>',
        '<aside><h2>الأكثر قراءة</h2><ul><li><a href="/a">خبر أول طويل العنوان هنا</a></li></ul></aside>',
        '<div class="newsletter"><p>اشترك في النشرة البريدية لتصلك آخر الأخبار يوميا على بريدك</p></div>',
        '<div class="comments"><p>أضف تعليقك على هذا الخبر وشارك رأيك مع القراء الآخرين هنا</p></div>',
        '<div class="ad-slot"><p>إعلان</p></div>',
        '<div class="tags"><a href="/t/1">مفاوضات</a><a href="/t/2">وزارة</a></div>',
        "<p>جميع الحقوق محفوظة لموقع المثال 2024</p>",
    ],
)
def test_boilerplate_blocks_removed(chrome):
    article = run(page(body(chrome)))
    assert len(article.blocks) == 3
    assert all(PARA in b.text for b in article.blocks)


def test_subheading_kept_as_heading_in_order():
    article = run(page(f"<div><p>{PARA}</p><h2>خلفية الأزمة</h2><p>{PARA}</p><p>{PARA}</p></div>"))
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "paragraph", "paragraph"]


def test_density_finds_body_without_structure():
    html = (
        '<html><body><div class="menu"><a href="/">الرئيسية</a> <a href="/x">سياسة</a></div>'
        f"<table><tr><td><h1>اتفاق على استئناف المفاوضات</h1></td></tr><tr><td>{PARA}<br><br>{PARA}<br>"
        f"{PARA}</td></tr></table><div><a href='/a'>خبر آخر طويل العنوان عن موضوع آخر</a></div></body></html>"
    )
    article = run(html)
    assert len(article.blocks) == 3
    assert "الرئيسية" not in article.body


# --- dates


def ld(date: str) -> str:
    return f'<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"{date}"}}</script>'


def test_date_order_jsonld_over_meta_and_visible():
    head = ld("2024-05-01T10:00:00+03:00") + '<meta property="article:published_time" content="2024-04-30T08:00:00Z">'
    article = run(page('<span class="date">الثلاثاء 30 أبريل 2024</span>' + body(), head))
    assert article.published_at == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    assert article.published_raw == "2024-05-01T10:00:00+03:00"


def test_date_meta_then_time_element():
    head = '<meta property="article:published_time" content="2024-05-01T06:00:00+00:00">'
    assert run(page(body(), head)).published_at == datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    html = page('<time datetime="2024-05-01T09:30:00+03:00">1 مايو 2024</time>' + body())
    assert run(html).published_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)


def test_lying_z_is_local_time():
    """Meta says 09:23Z; the page shows 09:23 in Cairo: the meta is Cairo time mislabelled."""
    head = '<meta property="article:published_time" content="2020-08-24T09:23:13Z">'
    article = run(page('<span class="newsStoryDate">الإثنين، 24 أغسطس 2020 09:23 ص</span>' + body(), head))
    assert article.published_at.utcoffset() == timedelta(hours=2)
    assert article.published_at == datetime(2020, 8, 24, 9, 23, 13, tzinfo=timezone(timedelta(hours=2)))


def test_lying_z_update_time_is_read_the_same_way():
    head = (
        '<meta property="article:published_time" content="2020-08-24T09:23:13Z">'
        '<meta property="article:modified_time" content="2020-08-24T10:05:00Z">'
    )
    article = run(page('<span class="newsStoryDate">الإثنين، 24 أغسطس 2020 09:23 ص</span>' + body(), head))
    assert article.updated_at == datetime(2020, 8, 24, 10, 5, tzinfo=timezone(timedelta(hours=2)))
    assert article.updated_raw == "2020-08-24T10:05:00Z"


def test_z_kept_when_visible_clock_differs():
    head = ld("2026-01-08T11:42:50+00:00")
    article = run(page('<span class="date">2026-01-08 | 12:42</span>' + body(), head))
    assert article.published_at == datetime(2026, 1, 8, 11, 42, 50, tzinfo=UTC)


def test_update_stamp_is_not_publication_and_url_date_is_used():
    html = page('<div class="date">الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00</div>' + body())
    article = run(html, url="https://news.example.org/2013/middle_east/8/3/story/index.html")
    assert article.published_at.date().isoformat() == "2013-08-03"
    assert article.updated_at is not None and article.updated_at.day == 28


def test_header_today_date_is_not_the_date():
    html = page(body()).replace(
        '<header class="site-header">',
        '<header class="site-header"><span class="today-date">الخميس 19 سبتمبر 2024</span>',
    )
    assert run(html, url="https://news.example.org/news/story").published_at is None


# --- language


def test_language_from_text_not_wrong_lang_attribute():
    assert run(page(body(), lang="en")).language == "ar"
    english = (
        "The ministry spokesman said on Wednesday that the talks would resume next week, and that both "
        "sides had agreed on an agenda covering every open file; will the new round succeed at last?"
    )
    html = (
        f'<html lang="ar"><body><article><h1>Talks to resume next week</h1><p>{english}</p><p>{english}</p>'
        f"<p>{english}</p></article></body></html>"
    )
    assert run(html, site=None).language == "en"


# --- lead image


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ('"/i/lead.jpg"', "https://news.example.org/i/lead.jpg"),
        ('{"@type":"ImageObject","url":"https://cdn.example.org/lead.jpg","name":"صورة الخبر"}',
         "https://cdn.example.org/lead.jpg"),
        ('[{"@type":"ImageObject","url":"https://cdn.example.org/a.jpg"},{"url":"https://cdn.example.org/b.jpg"}]',
         "https://cdn.example.org/a.jpg"),
        ('{"@type":"ImageObject","name":"صورة بلا رابط"}', None),
        ("42", None),
    ],
)
def test_lead_image_from_jsonld_is_a_url_never_a_name(image, expected):
    head = f'<script type="application/ld+json">{{"@type":"NewsArticle","image":{image}}}</script>'
    assert run(page(body(), head)).image_url == expected


# --- regions: the article's head and tail, by position


def test_regions_head_and_tail_by_position():
    import lxml.html

    from scraper.extract.regions import find_regions, line_index, page_lines

    doc = lxml.html.fromstring(
        "<html><body><div class='clock'>الخميس 2 مايو 2024</div><article><h1>العنوان</h1>"
        "<div>كتب سامي خليل</div><div>نشر في 1 مايو 2024</div>"
        f"<p>{PARA}</p><p>{PARA}</p><p>المصدر: رويترز</p>"
        "<h2>أخبار ذات صلة</h2><a href='/1'>خبر آخر</a></article>"
        "<aside>الأكثر قراءة</aside></body></html>"
    )
    lines = page_lines(doc.find("body"))
    texts = [ln.text for ln in lines]
    article = doc.find(".//article")
    regions = find_regions(
        lines, line_index(lines, doc.find(".//h1")), texts.index(PARA), texts.index(PARA) + 1, article
    )
    assert [ln.text for ln in regions.head] == ["كتب سامي خليل", "نشر في 1 مايو 2024"]
    assert [ln.text for ln in regions.tail] == ["المصدر: رويترز"]
    # without a headline line the head reaches back to the edge of the article, not the clock
    regions = find_regions(lines, None, texts.index(PARA), texts.index(PARA) + 1, article)
    assert [ln.text for ln in regions.head] == ["كتب سامي خليل", "نشر في 1 مايو 2024"]


# --- boilerplate.yaml: every phrase row where it applies, and where it must not


def _table(name: str) -> dict:
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[1] / "scraper" / "data" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


BOILER = _table("boilerplate.yaml")


def three_paragraphs_with(middle: str) -> str:
    return page(f"<p>{PARA} 1</p>{middle}<p>{PARA} 2</p><p>{PARA} 3</p>")


@pytest.mark.parametrize("phrase", BOILER["block_starts"])
def test_block_start_phrase_drops_a_short_block(phrase):
    """Between two paragraphs a short line would be kept (jusText's context rule): the phrase is
    what drops it."""
    article = run(three_paragraphs_with(f"<p>{phrase} عنوان آخر</p>"))
    assert [b.text for b in article.blocks] == [f"{PARA} 1", f"{PARA} 2", f"{PARA} 3"]


@pytest.mark.parametrize("phrase", BOILER["block_starts"])
def test_block_start_phrase_keeps_a_real_paragraph(phrase):
    paragraph = f"{phrase} {PARA}"
    article = run(three_paragraphs_with(f"<p>{paragraph}</p>"))
    assert paragraph in [b.text for b in article.blocks]


@pytest.mark.parametrize("phrase", BOILER["block_contains"])
def test_block_contains_phrase_drops_a_short_block(phrase):
    article = run(three_paragraphs_with(f"<p>نص {phrase} 2024</p>"))
    assert not any(phrase in b.text for b in article.blocks)
    assert len(article.blocks) == 3


@pytest.mark.parametrize("phrase", BOILER["block_contains"])
def test_block_contains_phrase_drops_the_tail_paragraph(phrase):
    """After the last body paragraph, a long block holding the phrase is a policy or a notice."""
    article = run(page(body(f"<p>{PARA}، {phrase} والتعليقات الواردة أدناه تخص أصحابها وحدهم</p>")))
    assert len(article.blocks) == 3
    assert not any(phrase in b.text for b in article.blocks)


@pytest.mark.parametrize("phrase", BOILER["block_contains"])
def test_block_contains_phrase_keeps_a_long_paragraph_in_the_body(phrase):
    paragraph = f"وقال المتحدث إن البيان {phrase} كما ورد في نص القرار، {PARA}"
    article = run(three_paragraphs_with(f"<p>{paragraph}</p>"))
    assert paragraph in [b.text for b in article.blocks]


def test_real_paragraph_starting_with_advertisement_word_is_kept():
    paragraph = "إعلان الحكومة عن خطة التقشف الجديدة أثار موجة من الانتقادات في البرلمان، " + PARA
    assert paragraph in run(three_paragraphs_with(f"<p>{paragraph}</p>")).body


# --- the classifier: class names are one weak hint, structure and language decide

TEASER = "وفي سياق متصل، أعلنت الوزارة عن خطة جديدة لدعم المزارعين في المحافظات الجنوبية خلال العام المقبل."


@pytest.mark.parametrize("word", BOILER["class_words"]["negative"])
def test_negative_class_word_tips_a_borderline_block(word):
    """A near-good line after the body stays on its own; under a negative class word it goes."""
    plain = run(page(body(f'<div class="box"><p>{TEASER}</p></div>')))
    marked = run(page(body(f'<div class="box {word}-box"><p>{TEASER}</p></div>')))
    assert TEASER in plain.body
    assert TEASER not in marked.body
    assert len(marked.blocks) == 3


@pytest.mark.parametrize("word", BOILER["class_words"]["negative"])
def test_negative_class_word_never_drops_a_paragraph_among_paragraphs(word):
    article = run(three_paragraphs_with(f'<div class="{word}"><p>{PARA} 9</p></div>'))
    assert f"{PARA} 9" in [b.text for b in article.blocks]


@pytest.mark.parametrize("word", BOILER["class_words"]["positive"])
def test_positive_class_word_keeps_a_lone_borderline_block(word):
    from scraper.extract.body import extract_body
    from scraper.extract.page import parse

    links = "".join(f'<li><a href="/{i}">رابط رقم {i}</a></li>' for i in range(6))
    html = f"<html><body><ul>{links}</ul><div class='{{}}'><p>{TEASER}</p></div><ul>{links}</ul></body></html>"
    plain = extract_body(parse(html.format("box"), URL), None)
    marked = extract_body(parse(html.format(f"box {word}-wrap"), URL), None)
    assert [b.text for b in plain.blocks] == []
    assert [b.text for b in marked.blocks] == [TEASER]


@pytest.mark.parametrize("value", ["position-relative", "overflow-hidden", "printable", "text-popular", "relativeBox"])
def test_chrome_looking_substrings_do_not_delete_paragraphs(value):
    html = page("".join(f'<div class="{value}"><p>{PARA} {i}</p></div>' for i in range(3)))
    assert [b.text for b in run(html).blocks] == [f"{PARA} {i}" for i in range(3)]


def test_scrambled_class_names_give_the_same_body():
    from scraper.evaluation.variants import scrambled

    related = "".join(f'<li><a href="/n/{i}">خبر آخر رقم {i} عن موضوع مختلف تماما اليوم</a></li>' for i in range(5))
    html = page(
        '<div class="article-meta"><span class="byline">كتب سامي خليل</span></div>'
        f'<div class="article-body">{body()}</div><div class="share-bar"><a href="/s">شارك</a></div>'
        f'<div class="related"><h2>أخبار ذات صلة</h2><ul>{related}</ul></div>'
    )
    original = run(html)
    assert [b.text for b in run(scrambled(html.encode("utf-8"))).blocks] == [b.text for b in original.blocks]
    assert len(original.blocks) == 3


def test_related_links_with_body_like_class_names_are_dropped():
    related = "".join(
        f'<li class="article-body-item"><a href="/n/{i}">خبر آخر رقم {i} عن موضوع مختلف تماما في المنطقة</a></li>'
        for i in range(6)
    )
    html = page(body(f'<ul class="article-content story-body">{related}</ul>'))
    article = run(html)
    assert len(article.blocks) == 3
    assert "خبر آخر" not in article.body


def test_one_line_paragraph_between_paragraphs_is_kept():
    article = run(three_paragraphs_with("<p>وأضاف: «لن نتراجع».</p>"))
    assert "وأضاف: «لن نتراجع»." in [b.text for b in article.blocks]


def test_body_found_without_any_metadata_or_class_names():
    html = (
        "<html><body><div><a href='/'>الرئيسية</a> <a href='/a'>سياسة</a> <a href='/b'>اقتصاد</a></div>"
        f"<div><div><h1>اتفاق على استئناف المفاوضات</h1></div><div>{body()}</div></div>"
        "<div>" + "".join(f"<p><a href='/x{i}'>عنوان خبر آخر رقم {i} في القائمة</a></p>" for i in range(8))
        + "</div></body></html>"
    )
    article = run(html)
    assert [b.text for b in article.blocks] == [f"{PARA} {i}" for i in range(3)]


# --- title: the visible headline, and site-name affixes for sites nobody declared


HEADLINE = "انهيار جسر في المدينة القديمة"


@pytest.mark.parametrize(
    ("title", "site_name", "host", "expected"),
    [
        (f"{HEADLINE} - جريدة النهار", "جريدة النهار", "annahar.example", HEADLINE),
        (f"جريدة الوطن | {HEADLINE}", "الوطن", "alwatan.example", HEADLINE),
        (f"{HEADLINE} :: Almasry Today", None, "www.almasrytoday.example", HEADLINE),
        (f"{HEADLINE} — Gazette", None, "gazette.example", HEADLINE),
        (f"البلد « {HEADLINE}", "البلد", "elbalad.example", HEADLINE),
        (f"News | أخبار | {HEADLINE}", "أخبار", "akhbar.example", HEADLINE),
        # a colon inside the headline, a score, an Arabic part nothing names: not affixes
        ("وزارة العمل: تفاصيل تسفير 5 آلاف عامل", None, "news.example", "وزارة العمل: تفاصيل تسفير 5 آلاف عامل"),
        ("الزمالك يتعادل 1-1 أمام فيوتشر - الرياضة اليوم", None, "sport.example",
         "الزمالك يتعادل 1-1 أمام فيوتشر - الرياضة اليوم"),
    ],
)
def test_title_affix_stripped_for_unseen_sites(title, site_name, host, expected):
    head = f"<title>{title}</title>" + (f'<meta property="og:site_name" content="{site_name}">' if site_name else "")
    html = f"<html><head>{head}</head><body><div>{body()}</div></body></html>"
    assert run(html, url=f"https://{host}/2024/05/01/story", site=None).title == expected


def test_title_from_a_styled_table_cell_broken_by_br():
    html = (
        "<html><head><title>Press corner - Press release - انهيار جسر في المدينةالقديمة</title></head><body>"
        "<table><tr><td><a href='/'>Home</a> <a href='/en'>EN</a></td></tr>"
        "<tr><td><p class='x1'><font size='4'><b>انهيار جسر في<br>المدينة القديمة</b></font></p>"
        f"<p>{PARA}</p><p>{PARA} 2</p></td></tr></table></body></html>"
    )
    article = run(html, url="https://press.example/release-2024-123", site=None)
    assert article.title == "انهيار جسر في المدينة القديمة"
    assert "انهيار جسر" not in article.body


# --- short items and the verdict by structure

FLASH = "عاجل: الرئاسة تعلن تشكيل حكومة جديدة برئاسة وزير الخارجية السابق، وأداء اليمين الدستورية غدا."


def flash_page(extra_head: str = "", wrapper: str = "article") -> str:
    return (
        f"<html><head><title>حكومة جديدة</title>{extra_head}</head><body><nav><a href='/'>الرئيسية</a></nav>"
        f"<{wrapper}><h1>الرئاسة تعلن تشكيل حكومة جديدة</h1><time>2 مايو 2024 10:15</time><p>{FLASH}</p></{wrapper}>"
        "</body></html>"
    )


def test_short_news_item_with_headline_date_and_markup_is_an_article():
    article = run(flash_page(), url="https://news.example.org/news/politics/2024-05-02-cabinet")
    assert article.title == "الرئاسة تعلن تشكيل حكومة جديدة"
    assert article.body == FLASH
    assert article.published_at is not None and article.published_at.date().isoformat() == "2024-05-02"


def test_short_text_without_article_structure_is_rejected():

    html = flash_page(wrapper="div").replace("<time>2 مايو 2024 10:15</time>", "")
    with pytest.raises(NotAnArticle, match="no article text"):
        run(html, url="https://news.example.org/politics")


def test_home_page_of_media_links_is_rejected_at_any_url():

    blurb = "جريدة يومية سياسية مستقلة تصدر في العاصمة منذ سنوات"
    items = "".join(
        f'<li><a href="https://paper{i}.example/">صحيفة رقم {i}</a> - {blurb}</li>' for i in range(30)
    )
    html = f"<html><head><title>دليل الصحف</title></head><body><h4>جرائد</h4><ul>{items}</ul></body></html>"
    with pytest.raises(NotAnArticle, match="listing or directory"):
        run(html, url="https://links.example/arab/media-links-2011.html", site=None)
    with pytest.raises(NotAnArticle, match="home page"):
        run(html, url="https://links.example/", site=None)


def test_a_root_url_is_a_home_page_whatever_its_text_and_only_a_root_url():
    """A home page showing a whole story under its headline is still the home page; the same
    markup at an article's path, or at the root with a query (``/?p=12``, WordPress), is read."""
    paragraph = ("قال المتحدث باسم الوزارة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة، "
                 "وإن الوفدين اتفقا على جدول الأعمال. ")
    html = (
        "<html><head><title>المفاوضات تستأنف الأسبوع المقبل في العاصمة - موقع المثال</title></head>"
        "<body><h1>المفاوضات تستأنف الأسبوع المقبل في العاصمة</h1>"
        f"<p>{paragraph * 3}</p><p>{paragraph * 2}</p>"
        '<ul><li><a href="/news/1">خبر</a></li><li><a href="/news/2">خبر آخر</a></li><li><a>بلا رابط</a></li></ul>'
        "</body></html>"
    )
    with pytest.raises(NotAnArticle, match=r"^home page: the site's root URL \(2 links\), not an article's$"):
        run(html, url="https://news.example.org/", site=None)
    for url in ("https://news.example.org/news/2024/05/02/talks", "https://news.example.org/?p=12"):
        assert run(html, url=url, site=None).title == "المفاوضات تستأنف الأسبوع المقبل في العاصمة"


def test_site_rule_body_selector_is_final():
    """A declared site's body rule names the container outright; body_exclude still applies."""
    from scraper.sites.base import SiteRules

    ruled = Site(
        name="example", title="موقع المثال", domains=("news.example.org",), timezone="Africa/Cairo",
        rules=SiteRules(body="div.story", body_exclude=("p.promo",)),
    )
    html = page(
        f"<div class='other'>{body()}</div>"
        f"<div class='story'><p>{PARA} أ</p><p class='promo'>{PARA} ب</p><p>{PARA} ج</p></div>"
    )
    assert [b.text for b in run(html, site=ruled).blocks] == [f"{PARA} أ", f"{PARA} ج"]


COMMENT = (
    "أنا أختلف تماما مع ما جاء في هذا الخبر، فالوزارة لم تقدم أي دليل على ما تقول، وكان من الأفضل أن "
    "تنتظر نتائج التحقيق قبل أن تعلن موقفها للناس في هذه الظروف الصعبة التي نعيشها جميعا."
)


def test_reader_comments_longer_than_the_story_are_not_the_body():
    """Eight comments outweigh two paragraphs; they reach their container through look-alike boxes
    each with its own name line, a story's paragraphs do not. Class names say nothing here."""
    comments = "".join(f"<div class='q1'><span>زائر {i}</span><p>{COMMENT} {i}</p></div>" for i in range(8))
    html = page(f"<div class='z7'><p>{PARA} 1</p><p>{PARA} 2</p></div>").replace(
        "</article>", f"</article><section class='k3'><h3>آراء القراء</h3>{comments}</section>"
    )
    assert [b.text for b in run(html).blocks] == [f"{PARA} 1", f"{PARA} 2"]


def test_paragraphs_each_in_a_lookalike_wrapper_are_the_body():
    wrapped = "".join(f"<div class='w1'><p>{PARA} {i}</p></div>" for i in range(5))
    html = page(f"<div class='z7'>{wrapped}</div>")
    assert [b.text for b in run(html).blocks] == [f"{PARA} {i}" for i in range(5)]


SUMMARY = (
    "وفي سياق متصل، أعلنت الوزارة عن خطة جديدة لدعم المزارعين في المحافظات الجنوبية خلال العام المقبل، "
    "وقالت إن الخطة تشمل قروضا ميسرة."
)


@pytest.mark.parametrize("wrapped", [True, False])
def test_teasers_with_summaries_after_the_story_are_dropped(wrapped):
    teasers = "".join(
        f"<div class='r'><h3><a href='/n/{i}'>خبر آخر رقم {i} عن الزراعة</a></h3><p>{SUMMARY} {i}</p></div>"
        for i in range(5)
    )
    html = page(f"<div class='b'>{body()}</div><div class='rr'>{teasers}</div>" if wrapped else body() + teasers)
    assert [b.text for b in run(html).blocks] == [f"{PARA} {i}" for i in range(3)]


def test_paragraphs_wrapped_with_their_photos_are_the_body():
    wrapped = "".join(
        f"<div class='w1'><p>{PARA} {i}</p><figure><img src='/{i}.jpg'><figcaption>صورة {i}</figcaption></figure></div>"
        for i in range(4)
    )
    assert [b.text for b in run(page(wrapped)).blocks] == [f"{PARA} {i}" for i in range(4)]


def test_interview_questions_and_answers_in_lookalike_boxes_are_the_body():
    question = "كيف ترى مستقبل المفاوضات بعد الجولة الأخيرة، وهل تتوقع اتفاقا قريبا بين الطرفين؟"
    boxes = "".join(f"<div class='qa'><p><strong>{question} {i}</strong></p><p>{PARA} {i}</p></div>" for i in range(4))
    texts = [b.text for b in run(page(boxes)).blocks]
    assert [f"{PARA} {i}" for i in range(4)] == [t for t in texts if t.startswith(PARA)]


def test_one_table_per_paragraph_still_reaches_its_container():
    """Old templates wrap every paragraph in its own table: the scores must climb past td, tr and
    table to the element holding them all (readability.js's far ancestors)."""
    tables = "".join(f"<table><tr><td><p>{PARA} {i}</p></td></tr></table>" for i in range(6))
    html = page(f"<div>{tables}</div>")
    assert [b.text for b in run(html).blocks] == [f"{PARA} {i}" for i in range(6)]


def test_story_whose_paragraphs_each_link_a_name_is_an_article():
    linked = "وقال <a href='/tag/{}'>الوزير</a> إن الجولة ستبدأ قريبا"
    paragraphs = "".join(f"<p>{PARA} {linked.format(i)} {i}</p>" for i in range(8))
    article = run(page(paragraphs))
    assert len(article.blocks) == 8
