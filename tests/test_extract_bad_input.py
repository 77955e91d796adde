"""Bad input gives a correct article or a clear reason (NotAnArticle), never another exception.
All pages here are CONSTRUCTED for the tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scraper.article import NotAnArticle
from scraper.extract import extract

FETCHED = datetime(2024, 5, 2, tzinfo=UTC)
URL = "https://news.example.org/2024/05/01/story"
TITLE = "اتفاق على استئناف المفاوضات الأسبوع المقبل"
PARA = (
    "قال المتحدث باسم الوزارة في مؤتمر صحفي اليوم إن المفاوضات ستستأنف الأسبوع المقبل، مؤكدا أن "
    "الطرفين اتفقا على جدول أعمال يشمل الملفات العالقة كافة."
)


def html(charset: str | None = None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    paras = "".join(f"<p>{PARA}</p>" for _ in range(4))
    return f"<html><head>{meta}<title>{TITLE}</title></head><body><h1>{TITLE}</h1>{paras}</body></html>"


@pytest.mark.parametrize("codec", ["cp1256", "iso8859-6"])
@pytest.mark.parametrize("declared", [True, False])
def test_arabic_single_byte_codepages(codec, declared):
    label = {"cp1256": "windows-1256", "iso8859-6": "ISO-8859-6"}[codec]
    data = html(label if declared else None).encode(codec)
    article = extract(data, URL, FETCHED)
    assert article.title == TITLE
    assert PARA in article.body


def test_wrong_charset_declared():
    data = html("utf-8").encode("cp1256")
    assert extract(data, URL, FETCHED).title == TITLE
    data = html("windows-1256").encode("utf-8")
    assert extract(data, URL, FETCHED).title == TITLE


def test_truncated_mid_tag():
    data = html("utf-8").encode("utf-8")
    cut = data[: data.rindex(b"<p>") + 2]
    article = extract(cut, URL, FETCHED)
    assert article.title == TITLE
    assert PARA in article.body


def test_nested_tables_10000_deep():
    """Deeper than the parser nests (libxml2 stops at 2048): the article is still found."""
    deep = "<table><tr><td>" * 10_000 + PARA + "</td></tr></table>" * 10_000
    page = f"<html><body><h1>{TITLE}</h1>{deep}</body></html>"
    article = extract(page, URL, FETCHED)
    assert article.title == TITLE
    assert article.body == PARA


def test_text_node_over_10_mb_is_not_truncated():
    """libxml2 stops at a 10 MB text node unless told otherwise: what follows must survive."""
    huge = (PARA + " ") * 40_000  # ~11 MB of UTF-8
    page = f"<html><body><h1>{TITLE}</h1><p>{huge}</p><p>{PARA} الختام</p></body></html>"
    article = extract(page.encode("utf-8"), URL, FETCHED)
    assert article.blocks[-1].text == f"{PARA} الختام"
    assert article.blocks[0].text == huge.strip()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_declared_in_the_header(codec):
    data = html().encode(codec)
    article = extract(data, URL, FETCHED, content_type="text/html; charset=UTF-16")
    assert article.title == TITLE
    assert PARA in article.body


def test_utf16_without_bom_declared_in_the_page():
    data = html("utf-16").encode("utf-16-le")
    assert extract(data, URL, FETCHED).title == TITLE


def test_content_type_header_decides_the_charset():
    data = html().encode("cp1256")  # no declaration in the page
    article = extract(data, URL, FETCHED, content_type="text/html; charset=windows-1256")
    assert article.title == TITLE
    assert PARA in article.body


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # UTF-8 bytes read as windows-1256 and saved again: every letter is now two
        (html("utf-8").encode("utf-8").decode("cp1256", "replace").encode("utf-8"), "windows-1256"),
        (html("utf-8").encode("utf-8").decode("latin-1").encode("utf-8"), "Latin-1"),
        # already text: a str holding mojibake
        (html("utf-8").encode("utf-8").decode("cp1256", "replace"), "windows-1256"),
        ("<html><body><h1>" + "\ufffd" * 40 + "</h1><p>" + "\ufffd" * 400 + "</p></body></html>", "U\\+FFFD"),
    ],
)
def test_mojibake_is_reported_not_stored(data, reason):
    with pytest.raises(NotAnArticle, match=reason):
        extract(data, URL, FETCHED)


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", "", b"\x00\x01\x02\x03" * 500, bytes(range(256)) * 40, b"<html></html>", b"<<<>>>"],
)
def test_empty_and_binary(data):
    with pytest.raises(NotAnArticle) as info:
        extract(data, URL, FETCHED)
    assert str(info.value)


def test_home_page():
    links = "".join(f'<li><a href="/news/{i}">عنوان خبر رقم {i} عن موضوع مهم اليوم</a></li>' for i in range(30))
    page = f"<html><head><title>موقع المثال</title></head><body><h1>موقع المثال</h1><ul>{links}</ul></body></html>"
    with pytest.raises(NotAnArticle, match="home page"):
        extract(page, "https://news.example.org/", FETCHED)


def test_section_listing():
    items = "".join(
        f'<div class="card"><a href="/news/{i}">عنوان خبر رقم {i} عن موضوع مهم اليوم</a><span>قبل ساعة</span></div>'
        for i in range(30)
    )
    page = f"<html><head><title>سياسة - موقع المثال</title></head><body><h1>سياسة</h1>{items}</body></html>"
    with pytest.raises(NotAnArticle, match="listing"):
        extract(page, "https://news.example.org/politics", FETCHED)


def test_404_served_with_200():
    page = (
        "<html><head><title>الصفحة غير موجودة - موقع المثال</title></head><body><h1>عذرا، الصفحة غير موجودة</h1>"
        f"<p>{PARA}</p></body></html>"
    )
    with pytest.raises(NotAnArticle, match="not found"):
        extract(page, "https://news.example.org/missing", FETCHED)


@pytest.mark.parametrize("headline", ["ارتفاع عدد الضحايا إلى 404", "الرحلة رقم (404) تهبط بسلام"])
def test_a_headline_with_the_number_404_is_still_an_article(headline):
    article = extract(html().replace(TITLE, headline), URL, FETCHED)
    assert article.title == headline


@pytest.mark.parametrize(
    ("url", "ld"),
    [
        ("https://www.aljazeera.net/news/liveblog/2026/7/28/slug", ""),
        ("https://news.example.org/2024/05/01/story",
         '<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "x"}</script>'),
    ],
)
def test_live_blog_pages_are_not_articles(url, ld):
    with pytest.raises(NotAnArticle, match="live blog"):
        extract(html().replace("</head>", ld + "</head>"), url, FETCHED)


def test_video_only_page():
    page = (
        '<html><head><meta property="og:type" content="video.other"><title>فيديو: المؤتمر الصحفي</title></head>'
        "<body><h1>فيديو: المؤتمر الصحفي</h1><video src='/v.mp4'></video><p>مدة الفيديو دقيقتان</p></body></html>"
    )
    with pytest.raises(NotAnArticle, match="video"):
        extract(page, "https://news.example.org/video/1", FETCHED)


def test_not_html_type():
    with pytest.raises(NotAnArticle):
        extract(12345, URL, FETCHED)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="http://[::1">',
        '<meta property="og:url" content="https://news.example.org:99999/x">',
        '<meta property="og:image" content="http://[bad">',
    ],
)
def test_a_malformed_declared_url_does_not_cost_the_article(head):
    article = extract(html().replace("</head>", head + "</head>"), URL, FETCHED)
    assert article.title == TITLE
    assert article.canonical_url == URL
    assert article.image_url is None


_STORY = "<p>" + "نص المقال الطويل هنا، وهو يحكي ما جرى في المدينة أمس بالتفصيل. " * 12 + "</p>"


def test_an_image_under_thousands_of_empty_wrappers_is_read_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # The caption stage climbs from an image through its wrappers, reading each one's subtree:
    # 2,000 nested empty <div>s made that 2,000 climbs of up to 2,000 nodes (12 s of CPU).
    import scraper.extract.captions as captions

    reads = 0
    real = captions._bounded_text

    def counted(el, limit):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return real(el, limit)

    monkeypatch.setattr(captions, "_bounded_text", counted)
    deep = "<div>" * 2000 + "<img src='a.jpg'>" + "</div>" * 2000
    html = f"<html><body><h1>عنوان الخبر المهم اليوم</h1>{_STORY}{deep}{_STORY}</body></html>"
    article = extract(html.encode(), "https://news.example/news/1")
    assert article.title == "عنوان الخبر المهم اليوم"
    assert article.body.count("نص المقال الطويل هنا") == 24
    assert reads < 100


def test_a_caption_a_dozen_wrappers_below_its_figure_is_still_found() -> None:
    nested = "<div>" * 10 + "<img src='a.jpg'>" + "</div>" * 10
    figure = f"<figure>{nested}<figcaption>الرئيس خلال المؤتمر الصحفي (رويترز)</figcaption></figure>"
    html = f"<html><body><article><h1>عنوان الخبر المهم اليوم</h1>{figure}{_STORY}</article></body></html>"
    article = extract(html.encode(), "https://news.example/news/2")
    assert [(c.text, c.credit) for c in article.captions] == [("الرئيس خلال المؤتمر الصحفي", "رويترز")]
