"""Validate and normalize: what reaches storage, and in what form. Articles here are constructed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy.exceptions import DropItem

from pipelines.normalize import NormalizePipeline, normalize_article
from pipelines.validate import ValidatePipeline
from scraper.article import Article, Block, Caption, CrawlItem, FetchedPage, SourceCredit

CAIRO = timezone(timedelta(hours=2))
PARAGRAPH = "أكد الكرملين، اليوم الأحد، اتفاق الرئيسين على إجراء مزيد من المحادثات وسط توترات متصاعدة. " * 3


def _page() -> FetchedPage:
    return FetchedPage("https://news.example/a/1", 200, {}, b"<html></html>", datetime(2024, 1, 2, tzinfo=UTC))


def _article(**changes: object) -> Article:
    article = Article(
        url="https://news.example/a/1",
        canonical_url="https://news.example/a/1",
        site="example",
        title="عنوان الخبر",
        blocks=[Block("paragraph", PARAGRAPH)],
    )
    for key, value in changes.items():
        setattr(article, key, value)
    return article


def test_an_article_passes_validation() -> None:
    item = CrawlItem(page=_page(), article=_article())
    assert ValidatePipeline().process_item(item) is item


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (CrawlItem(page=_page(), problem="not an article: video page"), "video page"),
        (CrawlItem(page=_page(), article=_article(title="  ")), "no title"),
        (CrawlItem(page=_page(), article=_article(blocks=[Block("paragraph", "قصير")])), "fewer than"),
        (CrawlItem(page=_page(), article=_article(canonical_url="file:///x")), "not an http"),
    ],
)
def test_unusable_pages_are_dropped_with_the_reason(item: CrawlItem, reason: str) -> None:
    with pytest.raises(DropItem, match=reason) as dropped:
        ValidatePipeline().process_item(item)
    assert "https://news.example/a/1" in str(dropped.value)


def test_normalize_cleans_text_but_keeps_it_as_published() -> None:
    article = _article(
        title="  الرئيـــس\u200f يقول ١٢  ",
        blocks=[
            Block("heading", "\u202bعنوان فرعي\u202c"),
            Block("paragraph", "نَصٌّ  مُشَكَّل"),
            Block("paragraph", "\u200b"),
        ],
        captions=[Caption("صورة  أولى", " غيتي "), Caption("صورة أولى", "غيتي")],
        sources=[SourceCredit("رويترز", "Reuters"), SourceCredit(" رويترز", "Reuters")],
        authors=["أسماء  نصار", "أسماء نصار", ""],
        tags=["روسيا", "روسيا "],
    )
    clean = normalize_article(article)
    assert clean.title == "الرئيس يقول ١٢"
    assert [(b.kind, b.text) for b in clean.blocks] == [("heading", "عنوان فرعي"), ("paragraph", "نَصٌّ مُشَكَّل")]
    assert [(c.text, c.credit) for c in clean.captions] == [("صورة أولى", "غيتي")]
    assert [(s.name, s.canonical) for s in clean.sources] == [("رويترز", "Reuters")]
    assert clean.authors == ["أسماء نصار"]
    assert clean.tags == ["روسيا"]


def test_normalize_stores_instants_in_utc_and_keeps_the_raw_text() -> None:
    published = datetime(2020, 8, 24, 9, 23, tzinfo=CAIRO)
    item = CrawlItem(page=_page(), article=_article(published_at=published, published_raw="24 أغسطس 2020 09:23 ص"))
    article = NormalizePipeline().process_item(item).article
    assert article is not None
    assert article.published_at == published
    assert article.published_at.utcoffset() == timedelta(0)
    assert article.published_at.hour == 7
    assert article.published_raw == "24 أغسطس 2020 09:23 ص"


def test_content_hash_follows_the_normalized_body() -> None:
    a = normalize_article(_article(blocks=[Block("paragraph", "نص  الخبر\u200f")]))
    b = normalize_article(_article(blocks=[Block("paragraph", "نص الخبر")]))
    c = normalize_article(_article(blocks=[Block("paragraph", "نص آخر")]))
    assert a.content_hash == b.content_hash != c.content_hash
