"""Captions: the text shown beside an article's own image, found from the image outward (no class
names needed), with the photo credit split off by the markers of scraper/data/credits.yaml and
the agency names of agencies.yaml. Pages are CONSTRUCTED (tests/support/constructed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scraper.extract.captions import split_credit
from tests.support.constructed import PARA, URL, page, paragraphs, run

DATA = Path(__file__).resolve().parents[1] / "scraper" / "data"
CREDITS = yaml.safe_load((DATA / "credits.yaml").read_text(encoding="utf-8"))
AGENCIES = yaml.safe_load((DATA / "agencies.yaml").read_text(encoding="utf-8"))
IMAGE = "https://news.example.org/i/a.jpg"


def captions(html: str) -> list[tuple[str, str | None]]:
    return [(c.text, c.credit) for c in run(html).captions]


# --- where a caption is printed


def test_plain_div_under_the_image() -> None:
    lead = '<div><img src="/i/a.jpg"><div>الوزير خلال المؤتمر الصحفي</div></div>'
    article = run(page(paragraphs(), before_body=lead))
    assert [(c.text, c.credit, c.image_url) for c in article.captions] == [("الوزير خلال المؤتمر الصحفي", None, IMAGE)]
    assert "الوزير خلال المؤتمر الصحفي" not in article.body


def test_caption_under_and_credit_over_the_image() -> None:
    lead = (
        '<div><div><picture><img src="/i/a.jpg"></picture></div>'
        "<div>Reuters / John Smith</div><span>متظاهرون في الساحة الرئيسية</span></div>"
    )
    assert captions(page(paragraphs(), before_body=lead)) == [("متظاهرون في الساحة الرئيسية", "Reuters / John Smith")]


def test_caption_of_an_image_inside_the_text() -> None:
    body = f"<p>{PARA}</p><img src='/i/b.jpg'><div><em>جانب من الاجتماع الوزاري</em></div>" + paragraphs(2)
    article = run(page(body))
    assert [c.text for c in article.captions] == ["جانب من الاجتماع الوزاري"]
    assert "جانب من الاجتماع الوزاري" not in article.body


def test_short_plain_paragraph_after_an_image_is_body_text() -> None:
    body = f"<p>{PARA}</p><img src='/i/b.jpg'><p>وأضاف أن الاجتماع انتهى.</p>" + paragraphs(2)
    article = run(page(body))
    assert article.captions == []
    assert "وأضاف أن الاجتماع انتهى." in article.body


def test_long_paragraph_after_a_lead_image_is_not_a_caption() -> None:
    article = run(page(paragraphs(), before_body="<div><img src='/i/a.jpg'></div>"))
    assert article.captions == []


def test_figcaption_with_a_credit_span() -> None:
    figure = (
        '<figure><a href="/zoom/1"><img src="/i/a.jpg"><span>Click to expand</span></a>'
        "<figcaption><span>محتجز قيد الاستجواب قرب الموصل.</span> <span>©سامي خليل/غيتي</span></figcaption></figure>"
    )
    assert captions(page(paragraphs(), before_body=figure)) == [("محتجز قيد الاستجواب قرب الموصل.", "سامي خليل/غيتي")]


def test_slider_rendered_twice_gives_each_caption_once() -> None:
    slides = "".join(
        f'<li><img src="/i/{n}.jpg"><span>الصورة رقم {word} من المعرض</span></li>'
        for n, word in enumerate(["الأولى", "الثانية"])
    )
    slider = f"<ul>{slides}</ul><ul>{slides}</ul>"
    assert [text for text, _ in captions(page(paragraphs(), before_body=slider))] == [
        "الصورة رقم الأولى من المعرض",
        "الصورة رقم الثانية من المعرض",
    ]


def test_hidden_lightbox_copy_is_one_caption() -> None:
    figure = '<figure><img src="/i/a.jpg"><figcaption>الوزير خلال المؤتمر (رويترز)</figcaption></figure>'
    hidden = (
        '<div hidden><figure><img src="/i/a.jpg"><figcaption>الوزير خلال المؤتمر (رويترز)</figcaption></figure></div>'
    )
    assert captions(page(paragraphs(), before_body=figure + hidden)) == [("الوزير خلال المؤتمر", "رويترز")]


# --- what is not a caption


@pytest.mark.parametrize(
    "teaser",
    [
        '<div><a href="/other"><img src="/i/t.jpg"></a><h3><a href="/other">عنوان خبر آخر عن الموضوع</a></h3></div>',
        '<div><a href="/other"><img src="/i/t.jpg"><span>عنوان خبر آخر عن الموضوع</span></a></div>',
        '<a href="/other"><figure><img src="/i/t.jpg"><figcaption>عنوان خبر آخر</figcaption></figure></a>',
        '<div><div>اقرأ أيضا</div><a href="/other"><img src="/i/t.jpg"><span>عنوان خبر آخر</span></a></div>',
    ],
)
def test_related_article_thumbnails_are_not_captions(teaser: str) -> None:
    assert captions(page(paragraphs(), after_body=teaser)) == []


def test_alt_text_is_not_a_caption() -> None:
    lead = '<div><img src="/i/a.jpg" alt="الوزير خلال المؤتمر الصحفي"></div>'
    assert captions(page(paragraphs(), before_body=lead)) == []


def test_badge_linking_to_another_site_is_not_a_captioned_image() -> None:
    badge = '<div><span>تابعونا على</span><a href="https://news.example.com/x"><img src="/i/badge.png"></a></div>'
    assert captions(page(paragraphs(), before_body=badge)) == []


def test_image_outside_the_article_has_no_caption_here() -> None:
    html = page(paragraphs()).replace(
        "<footer>", '<footer><div><img src="/i/f.jpg"><span>شعار الموقع في التذييل</span></div>'
    )
    assert captions(html) == []


# --- the credit split, row by row of the tables


@pytest.mark.parametrize(
    ("raw", "text", "credit"),
    [
        ("من لقاء الرئيسين في جنيف (أرشيف - غيتي)", "من لقاء الرئيسين في جنيف", "أرشيف - غيتي"),
        ("متظاهرون في الساحة (رويترز)", "متظاهرون في الساحة", "رويترز"),
        ("التعليق على الصورة، متظاهرون في الساحة صدر الصورة، EPA", "متظاهرون في الساحة", "EPA"),
        ("الوزير خلال الزيارة - تصوير: أحمد علي", "الوزير خلال الزيارة", "أحمد علي"),
        ("الوزير خلال الزيارة - أ ف ب", "الوزير خلال الزيارة", "أ ف ب"),
        ("الوزير خلال الزيارة (يمين الصورة مع الوفد المرافق له في القاعة)", None, None),
        ("متظاهرة في غلاسكو - 2 مارس/آذار 2024", None, None),
    ],
)
def test_caption_credit_split(raw: str, text: str | None, credit: str | None) -> None:
    assert split_credit(raw) == (text or raw, credit)


@pytest.mark.parametrize("label", [str(label) for label in CREDITS["credit_labels"]])
def test_every_credit_label_splits_the_credit(label: str) -> None:
    sep = "" if label == "©" else " "
    assert split_credit(f"الوزير خلال الزيارة - {label}{sep}أحمد علي") == ("الوزير خلال الزيارة", "أحمد علي")


@pytest.mark.parametrize("label", [str(label) for label in CREDITS["credit_labels"] if str(label)[-1].isalpha()])
def test_credit_label_as_a_word_of_the_caption_is_not_a_credit(label: str) -> None:
    raw = f"مصورون أثناء {label} الحدث في الساحة"
    assert split_credit(raw) == (raw, None)


@pytest.mark.parametrize("word", [str(word) for word in CREDITS["credit_words"]])
def test_every_credit_word_in_a_trailing_bracket_is_a_credit(word: str) -> None:
    assert split_credit(f"الوزير خلال الزيارة ({word})") == ("الوزير خلال الزيارة", word)


@pytest.mark.parametrize("word", [str(word) for word in CREDITS["credit_words"]])
def test_credit_word_inside_the_caption_is_not_a_credit(word: str) -> None:
    raw = f"الوزير يتحدث عن {word} في المؤتمر"
    assert split_credit(raw) == (raw, None)


@pytest.mark.parametrize("caption_label", [str(label) for label in CREDITS["caption_labels"]])
def test_every_caption_label_is_dropped(caption_label: str) -> None:
    sep = " " if not caption_label[-1].isalnum() else ": "
    assert split_credit(f"{caption_label}{sep}متظاهرون في الساحة") == ("متظاهرون في الساحة", None)


@pytest.mark.parametrize(
    "caption_label", [str(label) for label in CREDITS["caption_labels"] if str(label)[-1].isalnum()]
)
def test_caption_label_words_opening_a_sentence_are_kept(caption_label: str) -> None:
    raw = f"{caption_label} الأولى للوفد في القاعة"
    assert split_credit(raw) == (raw, None)


@pytest.mark.parametrize("name", [str(name) for row in AGENCIES for name in row["names"]])
def test_agency_line_beside_a_caption_is_the_credit(name: str) -> None:
    lead = f'<div><img src="/i/a.jpg"><div>الوزير خلال المؤتمر الصحفي</div><div>{name}</div></div>'
    assert captions(page(paragraphs(), before_body=lead)) == [("الوزير خلال المؤتمر الصحفي", name)]


@pytest.mark.parametrize("name", [str(name) for row in AGENCIES for name in row["names"]])
def test_agency_name_inside_a_caption_stays_in_it(name: str) -> None:
    raw = f"مراسل {name} خلال تغطية المؤتمر الصحفي"
    assert split_credit(raw) == (raw, None)


def test_url_is_the_images() -> None:
    lead = '<div><img data-src="/i/lazy.jpg" src="data:image/gif;base64,R0lG"><div>الوزير خلال المؤتمر</div></div>'
    assert [c.image_url for c in run(page(paragraphs(), before_body=lead)).captions] == [
        URL.split("/2024")[0] + "/i/lazy.jpg"
    ]


@pytest.mark.parametrize(
    "beside",
    [
        '<div><img src="/i/avatar.jpg"><div>كتب سامي خليل</div></div>',  # the author's photo
        '<div><img src="/i/v.jpg"><div>الخميس 2 مايو 2024 10:30 ص</div></div>',  # a video's date
        '<div><img src="/i/s.jpg"><div>مشاركة</div></div>',  # one word: a button's label
    ],
)
def test_byline_date_or_label_beside_an_image_is_not_a_caption(beside: str) -> None:
    assert captions(page(paragraphs(), before_body=beside)) == []


def test_paragraph_holding_a_floated_image_is_text() -> None:
    body = paragraphs(1) + f"<p><img src='/i/b.jpg'>وقال الوزير إن الاجتماع انتهى باتفاق. {PARA}</p>" + paragraphs(2)
    article = run(page(body))
    assert article.captions == []
    assert "وقال الوزير إن الاجتماع انتهى باتفاق." in article.body


def test_emphasised_paragraph_under_an_image_paragraph_is_its_caption() -> None:
    body = f"<p>{PARA}</p><p><img src='/i/b.jpg'></p><p><em>جانب من الاجتماع الوزاري</em></p>" + paragraphs(2)
    assert captions(page(body)) == [("جانب من الاجتماع الوزاري", None)]


def test_plain_paragraph_the_alt_repeats_is_the_images_caption() -> None:
    body = f"<p>{PARA}</p><img src='/i/b.jpg' alt='جانب من الاجتماع الوزاري'><p>جانب من الاجتماع الوزاري</p>"
    assert captions(page(body + paragraphs(2))) == [("جانب من الاجتماع الوزاري", None)]


def test_sentence_in_a_div_under_an_image_is_body_text() -> None:
    body = f"<p>{PARA}</p><img src='/i/b.jpg' alt='صورة'><div>وأضاف أن الاجتماع انتهى.</div>" + paragraphs(2)
    assert captions(page(body)) == []


def test_credit_styled_apart_but_glued_to_the_caption() -> None:
    lead = '<div><img src="/i/a.jpg"><span>الوزير خلال المؤتمر</span><span>تصوير: أحمد علي</span></div>'
    assert captions(page(paragraphs(), before_body=lead)) == [("الوزير خلال المؤتمر", "أحمد علي")]


def test_latin_name_ending_a_caption_is_not_a_credit() -> None:
    lead = '<div><img src="/i/a.jpg"><span>لقاء مع الرئيس الأمريكي</span> <span>Joe Biden</span></div>'
    assert captions(page(paragraphs(), before_body=lead)) == [("لقاء مع الرئيس الأمريكي Joe Biden", None)]
