"""Constructed pages for the crawl-operation tests: small Arabic article pages with a chosen
headline and publication time, sitemaps (plain and Google News), listing pages with times and a
``rel="next"`` link, and replay manifest folders. Every page here is constructed, not saved."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"

PARAGRAPHS = (
    "قال مسؤولون إن المحادثات بين الجانبين استمرت ساعات طويلة وتناولت ملفات عديدة بينها الأمن والاقتصاد.",
    "وأضاف المتحدث أن الوفدين اتفقا على مواصلة الاجتماعات خلال الأسابيع المقبلة في العاصمة.",
    "وأشار مراقبون إلى أن الاتفاق قد يفتح الباب أمام تعاون أوسع في مجالات الطاقة والتجارة والنقل.",
)


def article_html(url: str, title: str, published: datetime, *, extra: str = "") -> bytes:
    """An article page at ``url`` (its canonical link), published at ``published``."""
    stamp = published.isoformat()
    body = "".join(f"<p>{text} {extra}</p>" for text in PARAGRAPHS)
    return f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title}</title><link rel="canonical" href="{url}">
<meta property="og:title" content="{title}"><meta property="article:published_time" content="{stamp}">
</head><body><article><h1>{title}</h1><time datetime="{stamp}">{stamp}</time>
<div class="article-body">{body}</div></article></body></html>""".encode()


def sitemap(entries: list[tuple[str, datetime | None]], *, news: bool = False) -> bytes:
    """A urlset; ``news`` gives each dated entry a Google News block (publication date and title)
    instead of a lastmod."""
    rows = []
    for loc, moment in entries:
        if moment is None:
            rows.append(f"<url><loc>{loc}</loc></url>")
        elif news:
            rows.append(
                f"<url><loc>{loc}</loc><news:news><news:publication><news:name>موقع</news:name>"
                f"<news:language>ar</news:language></news:publication>"
                f"<news:publication_date>{moment.isoformat()}</news:publication_date>"
                f"<news:title>خبر {loc.rsplit('/', 1)[-1]}</news:title></news:news></url>"
            )
        else:
            rows.append(f"<url><loc>{loc}</loc><lastmod>{moment.isoformat()}</lastmod></url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(rows) + "</urlset>"
    ).encode()


def listing_html(links: list[tuple[str, datetime]], next_href: str | None) -> bytes:
    items = "".join(f'<li><a href="{href}">خبر</a> <time datetime="{m.isoformat()}"></time></li>' for href, m in links)
    after = f'<a rel="next" href="{next_href}">الأقدم</a>' if next_href else ""
    return f'<html lang="ar"><body><ul>{items}</ul>{after}</body></html>'.encode()


def write_replay(folder: Path, pages: dict[str, tuple[int, str, bytes]]) -> Path:
    """A replay folder: ``manifest.jsonl`` and one file per URL (status, content type, body)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, (url, (status, content_type, body)) in enumerate(pages.items()):
        name = f"page-{number}.bin"
        (folder / name).write_bytes(body)
        rows.append({"url": url, "file": name, "status": status, "headers": {"Content-Type": content_type},
                     "fetched_at": "2026-01-01T00:00:00+00:00"})
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                           encoding="utf-8")
    return folder
