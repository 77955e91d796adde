"""Control characters (NUL above all, which PostgreSQL refuses in text) never reach the database."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from pipelines.normalize import normalize_article
from scraper.article import Block, Caption, CrawlItem, SourceCredit
from scraper.extract import extract
from scraper.storage.synthetic import make_item, make_page
from scraper.storage.writer import ArticleWriter

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DIRT = "\x00\x01\x1b\x7f\x85"


def _dirty_item() -> CrawlItem:
    item = make_item(1, site="alaraby")
    assert item.article is not None
    article = replace(
        item.article,
        title=f"عنوان{DIRT} الخبر",
        subtitle=f"\x00موجز{DIRT}",
        blocks=[Block("paragraph", f"فقرة أولى{DIRT} من النص"), Block("heading", "\x00عنوان فرعي")],
        authors=[f"سامر{DIRT} خليل", "\x00"],
        sources=[SourceCredit(f"رويترز{DIRT}", f"Reuters{DIRT}")],
        captions=[Caption(f"صورة{DIRT} الاجتماع", f"أرشيف{DIRT}", f"https://x.example/a.jpg{DIRT}")],
        tags=[f"سياسة{DIRT}"],
        section=f"أخبار{DIRT}",
        published_raw=f"12 ديسمبر 2021{DIRT}",
        updated_raw=f"\x00{DIRT}",
        image_url=f"https://x.example/b.jpg{DIRT}",
    )
    return CrawlItem(page=make_page(article), article=article)


def test_normalization_removes_control_characters_from_every_text_field_and_keeps_the_text() -> None:
    article = normalize_article(_dirty_item().article)  # type: ignore[arg-type]
    assert article.title == "عنوان الخبر"
    assert article.subtitle == "موجز"
    assert [b.text for b in article.blocks] == ["فقرة أولى من النص", "عنوان فرعي"]
    assert article.authors == ["سامر خليل"]  # the NUL-only author is gone, not an empty name
    assert [(s.name, s.canonical) for s in article.sources] == [("رويترز", "Reuters")]
    assert [(c.text, c.credit, c.image_url) for c in article.captions] == [
        ("صورة الاجتماع", "أرشيف", "https://x.example/a.jpg")
    ]
    assert article.tags == ["سياسة"] and article.section == "أخبار"
    assert article.published_raw == "12 ديسمبر 2021" and article.updated_raw is None
    assert article.image_url == "https://x.example/b.jpg"


def test_newlines_and_tabs_are_not_control_characters_to_remove() -> None:
    from pipelines.normalize import strip_controls

    assert strip_controls("سطر\nسطر\tعمود\x00") == "سطر\nسطر\tعمود"


def test_an_article_with_nul_in_every_field_is_stored_clean(engine: Engine) -> None:
    item = _dirty_item()
    item.article = normalize_article(item.article)  # type: ignore[arg-type]
    with ArticleWriter(engine, worker=False) as writer:
        result = writer.store([item])
    assert result.stored == 1 and not result.skipped
    with engine.connect() as connection:
        values = [
            *connection.execute(
                text("SELECT title, subtitle, body, section, published_raw, image_url FROM article")
            ).one(),
            *connection.execute(text("SELECT text, credit, image_url FROM caption")).one(),
            *connection.execute(text("SELECT name, canonical FROM source_attribution")).one(),
            connection.execute(text("SELECT name FROM author")).scalar_one(),
            connection.execute(text("SELECT name FROM tag")).scalar_one(),
            str(connection.execute(text("SELECT record FROM article_revision")).scalar_one()),
        ]
    assert values[0] == "عنوان الخبر"
    assert not [value for value in values if value and CONTROLS.search(value)]
    assert "\\u0000" not in values[-1]


def test_a_json_ld_nul_escape_does_not_reach_the_database(engine: Engine, reliability) -> None:
    paragraphs = "".join(f"<p>فقرة رقم {n} من نص الخبر الطويل الذي يكفي ليكون مقالا كاملا.</p>" for n in range(8))
    html = (
        '<html lang="ar"><head><title>x</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "قمة\\u0000 جنيف", "datePublished": "2021-12-12T11:35:00Z",'
        ' "author": {"@type": "Person", "name": "سامر\\u0000 خليل"}, "articleSection": "أخبار\\u0000"}'
        "</script></head><body><article><h1>قمة\x00 جنيف</h1>" + paragraphs + "</article></body></html>"
    )
    url = "https://www.example.com/news/1"
    article = normalize_article(extract(html.encode(), url, datetime(2026, 1, 1, tzinfo=UTC)))
    item = make_item(1, site="alaraby")
    item.article = article
    with ArticleWriter(engine, worker=False) as writer:
        assert not writer.store([item]).skipped
    with engine.connect() as connection:
        title, body = connection.execute(text("SELECT title, body FROM article")).one()
        names = connection.execute(text("SELECT name FROM author")).scalars().all()
    assert "قمة" in title and "\x00" not in title and "\x00" not in body
    assert all("\x00" not in name for name in names)
    reliability(scenario=f"NUL in JSON-LD and in the page ({engine.dialect.name})",
                inputs="\\u0000 in headline, author, section; a raw NUL in <h1>",
                result="stored without NUL (PostgreSQL refused such rows before)", lost=0)
