"""Source credits: agencies and outlets are taken only where a credit is printed (dateline,
bracketed tail, closing line), never from a sentence. Every row of scraper/data/agencies.yaml and
of the source labels in credits.yaml is checked both ways. Pages are CONSTRUCTED
(tests/support/constructed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scraper.extract.sources import closing_credit
from tests.support.constructed import PARA, page, paragraphs, run

DATA = Path(__file__).resolve().parents[1] / "scraper" / "data"
AGENCIES = yaml.safe_load((DATA / "agencies.yaml").read_text(encoding="utf-8"))
SOURCE_LABELS = yaml.safe_load((DATA / "credits.yaml").read_text(encoding="utf-8"))["source_labels"]
NAMES = [(row["canonical"], str(name)) for row in AGENCIES for name in row["names"]]
IDS = [f"{canonical}:{name}" for canonical, name in NAMES]


def sources(html: str) -> list[tuple[str, str | None]]:
    return [(s.name, s.canonical) for s in run(html).sources]


# --- every name of the table, in each credit position, and inside sentences


@pytest.mark.parametrize(("canonical", "name"), NAMES, ids=IDS)
def test_dateline_credit_names_the_agency(canonical: str, name: str) -> None:
    first = f"<p>القاهرة ({name}) - {PARA}</p>"
    assert sources(page(first + paragraphs())) == [(name, canonical)]


@pytest.mark.parametrize(("canonical", "name"), NAMES, ids=IDS)
def test_closing_credit_line_names_the_agency(canonical: str, name: str) -> None:
    assert sources(page(paragraphs() + f"<p>المصدر: {name}</p>")) == [(name, canonical)]


@pytest.mark.parametrize(("canonical", "name"), NAMES, ids=IDS)
def test_bracketed_tail_names_the_agency(canonical: str, name: str) -> None:
    assert sources(page(paragraphs() + f"<p>{PARA} --({name})</p>")) == [(name, canonical)]


@pytest.mark.parametrize(("canonical", "name"), NAMES, ids=IDS)
def test_the_name_inside_sentences_is_not_a_credit(canonical: str, name: str) -> None:
    mentions = (
        f"<p>ذكر {name} في مقدمة الخبر أن {PARA}</p>"
        f"<p>{PARA} وأضاف أن {name} نشرت التقرير كاملا أمس.</p>"
        f"<p>{PARA} وتحدث الوزير إلى {name} عن الاجتماع</p>"
    )
    article = run(page(mentions))
    assert article.sources == []
    assert f"إلى {name} عن الاجتماع" in article.body


# --- the source labels


@pytest.mark.parametrize("label", SOURCE_LABELS)
def test_every_source_label_opens_a_closing_credit(label: str) -> None:
    assert closing_credit(f"{label}: رويترز") == ["رويترز"]
    assert closing_credit(f"وقال {label} إن الاجتماع انتهى") is None
    assert closing_credit(f"{label} إن الاجتماع انتهى") is None  # no colon: a sentence


# --- several agencies in one credit, the outlet's own desk


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("القاهرة (رويترز، أ ف ب) -", [("رويترز", "Reuters"), ("أ ف ب", "AFP")]),
        ("القاهرة (رويترز - أ ف ب) -", [("رويترز", "Reuters"), ("أ ف ب", "AFP")]),
        ("القاهرة (أ ش أ) -", [("أ ش أ", "MENA")]),
        ("دمشق، سوريا (CNN) --", [("CNN", "CNN")]),
        ("القاهرة - أ ش أ:", [("أ ش أ", "MENA")]),
        ("الرياض - واس:", [("واس", "SPA")]),
    ],
)
def test_dateline_with_one_or_several_agencies(credit: str, expected: list) -> None:
    assert sources(page(f"<p>{credit} {PARA}</p>" + paragraphs())) == expected


def test_bracketed_place_in_the_dateline_is_not_a_source() -> None:
    assert sources(page(f"<p>(بغداد) – {PARA}</p>" + paragraphs())) == []


def test_outlet_crediting_its_own_desk() -> None:
    assert sources(page(paragraphs() + "<p>المصدر: (الكويت - القبس)</p>")) == [("القبس", "Al-Qabas")]


def test_closing_line_with_quoted_names_and_an_outlet() -> None:
    got = sources(page(paragraphs() + '<p>المصدر: "سانا" + RT</p>'))
    assert got == [("سانا", "SANA"), ("RT", "RT")]


def test_label_alone_with_the_names_on_the_next_line() -> None:
    got = sources(page(paragraphs() + "<p>المصادر:</p><p>العربي - رويترز</p>"))
    assert got == [("العربي", "Al-Araby"), ("رويترز", "Reuters")]


def test_last_line_that_is_only_agencies_is_a_credit_and_not_body() -> None:
    article = run(page(paragraphs() + "<p>وكالات</p>"))
    assert [(s.name, s.canonical) for s in article.sources] == [("وكالات", "Agencies")]
    assert "وكالات" not in article.body
    assert len(article.blocks) == 3


def test_trailing_petra_dateline() -> None:
    assert sources(page(paragraphs() + f"<p>{PARA}--(بترا)</p>")) == [("بترا", "Petra")]


def test_credit_just_under_the_body_container() -> None:
    html = page(paragraphs(), after_body="<div><span>(رويترز)</span></div>")
    assert sources(html) == [("رويترز", "Reuters")]


def test_closing_credit_line_is_not_body_text() -> None:
    article = run(page(paragraphs() + "<p>المصدر: وكالات</p>"))
    assert "المصدر" not in article.body
    assert [s.canonical for s in article.sources] == ["Agencies"]


# --- words that are outlets' names but not credits here


@pytest.mark.parametrize(
    "sentence",
    [
        "<p>ويتحدث سكان المدينة اللغة العربية والفرنسية منذ عقود طويلة، كما قال الباحث.</p>",
        "<p>ووصل الوفد إلى شبه الجزيرة العربية صباح اليوم بعد رحلة طويلة.</p>",
        "<p>وقال إن الانتخابات الحرة هي الطريق الوحيد، مضيفا أن المنطقة الحرة ستفتح قريبا.</p>",
        "<p>وقال المصدر إن الاجتماع انتهى دون اتفاق.</p>",
    ],
)
def test_language_island_and_adjective_are_not_outlets(sentence: str) -> None:
    assert sources(page(paragraphs(2) + sentence)) == []


def test_agency_name_in_a_related_link_under_the_body_is_not_a_credit() -> None:
    related = '<div><a href="/other">(رويترز)</a></div>'
    assert sources(page(paragraphs(), after_body=related)) == []


def test_declared_source_meta() -> None:
    assert sources(page(paragraphs(), '<meta name="source" content="الجزيرة + وكالات">')) == [
        ("الجزيرة", "Al Jazeera"),
        ("وكالات", "Agencies"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("القاهرة (رويترز)", [("رويترز", "Reuters")]),
        ("الرياض - واس", [("واس", "SPA")]),
        ("دمشق، سوريا (سانا)", [("سانا", "SANA")]),
    ],
)
def test_dateline_on_its_own_line_above_the_text(line: str, expected: list) -> None:
    assert sources(page(paragraphs(), before_body=f"<div>{line}</div>")) == expected


def test_photo_credit_of_the_lead_caption_is_not_a_text_source() -> None:
    lead = '<figure><img src="/i/a.jpg"><figcaption>الوزير خلال المؤتمر (رويترز)</figcaption></figure>'
    article = run(page(paragraphs(), before_body=lead))
    assert article.sources == []
    assert [(c.text, c.credit) for c in article.captions] == [("الوزير خلال المؤتمر", "رويترز")]


def test_short_sentence_above_the_text_is_not_a_dateline() -> None:
    assert sources(page(paragraphs(), before_body="<div>قال الوزير اليوم (رويترز)</div>")) == []


@pytest.mark.parametrize("outlet", ["الجزيرة", "العربية", "الحرة"])
def test_outlet_word_alone_under_the_body_is_not_a_credit(outlet: str) -> None:
    html = page(paragraphs(), after_body=f"<div><span>{outlet}</span></div>")
    assert sources(html) == []


def test_agency_alone_under_the_body_is_a_credit() -> None:
    assert sources(page(paragraphs(), after_body="<div><span>وكالات</span></div>")) == [("وكالات", "Agencies")]


def test_source_label_under_the_headline() -> None:
    assert sources(page(paragraphs(), before_body="<div>المصدر: وكالات</div>")) == [("وكالات", "Agencies")]
