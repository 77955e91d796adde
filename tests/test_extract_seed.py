"""Issue 2's extraction targets on the seed article of the constructed demo archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.extract import extract

ARCHIVE = Path(__file__).resolve().parents[1] / "scraper" / "demo" / "archive"
URL = "https://www.alaraby.com/news/putin-biden-talks"


@pytest.fixture(scope="module")
def article():
    rows = [json.loads(line) for line in (ARCHIVE / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r["url"] == URL)
    html = (ARCHIVE / row["file"]).read_bytes()
    return extract(html, URL, datetime.fromisoformat(row["fetched_at"]))


def test_title_once(article):
    assert article.title == "وسط أزمة أوكرانيا.. بوتين وبايدن يتفقان على مزيد من المحادثات"
    assert article.title not in article.body


@pytest.mark.parametrize("chrome", ["شارك القصة", "تابع القراءة", "Close", "المصادر", "الخميس 19 Sep"])
def test_no_chrome_in_body(article, chrome):
    assert chrome not in article.body


def test_quoted_subheading_is_a_heading(article):
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == ['"إجراءات قوية اقتصادية"']


def test_body_starts_and_ends_with_the_story(article):
    assert article.blocks[0].text.startswith("أكد الكرملين، اليوم الأحد")
    assert article.blocks[-1].text.endswith("يصب في مصلحة الغرب.")


def test_caption_once_with_credit_split(article):
    assert len(article.captions) == 1
    caption = article.captions[0]
    assert caption.text == "من لقاء الرئيس الأميريكي جو بايدن ونظيره الروسي فلاديمير بوتين في جنيف"
    assert caption.credit == "أرشيف - غيتي"
    assert caption.image_url and caption.image_url.endswith(".jpg")
    assert caption.text not in article.body


def test_sources_from_closing_line(article):
    assert [(s.name, s.canonical) for s in article.sources] == [("العربي", "Al-Araby"), ("رويترز", "Reuters")]


def test_published_from_jsonld_not_the_header_date(article):
    assert article.published_at == datetime(2021, 12, 12, 11, 35, tzinfo=UTC)
    assert article.published_raw == "2021-12-12T14:35:00+03:00"
    assert article.published_calendar == "gregorian"


def test_other_fields(article):
    assert article.site == "alaraby"
    assert article.canonical_url == URL
    assert article.language == "ar"
    assert article.section == "سياسة"
    assert "أوكرانيا" in article.tags
