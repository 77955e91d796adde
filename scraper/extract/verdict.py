"""Is this page an article? Home pages, section listings, video-only pages and 404 pages served with
status 200 are recognised here, each with a one-line reason."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scraper.extract.page import Page
from scraper.text import clean_text

MIN_BODY_DECLARED = 120  # characters, when the page says it is an article (og:type, JSON-LD)
MIN_BODY = 300
_NOT_FOUND = re.compile(
    # "404" only as an error code, never a number in a headline ("قتل 404 أشخاص", "(404)")
    r"^\W*404\b|\b404\s*[-|:–]|error 404|page not found|^not found|الصفحة (?:غير موجودة|المطلوبة غير|التي تبحث عنها)|"
    r"لم يتم العثور|عذرا،? (?:الصفحة|لم)|خطأ 404",
    re.I,
)


def not_found_reason(page: Page, title: str | None) -> str | None:
    title_el = page.tree.find(".//title")
    candidates = [title or "", clean_text(title_el.text_content()) if title_el is not None else ""]
    for h in page.tree.iter("h1", "h2"):
        candidates.append(clean_text(h.text_content()))
        break
    for text in candidates:
        if text and len(text) < 120 and _NOT_FOUND.search(text):
            return f"a 'not found' page served as content ({text[:60]!r})"
    return None


_LIVE_PATH = re.compile(r"/(?:liveblog|live-blog|live-updates|live_blog)(?:/|$)", re.I)


def live_blog_reason(page: Page) -> str | None:
    """A live blog is a stream of entries (often filled in by JavaScript), not one article.

    Seen on aljazeera.net: ``/news/liveblog/<date>/<slug>`` pages whose server HTML holds only a
    summary (shared/sites/aljazeera.net.md); schema.org types them ``LiveBlogPosting``.
    """
    if _LIVE_PATH.search(urlsplit(page.url).path):
        return "live blog page (a stream of entries, not one article)"
    if any("liveblogposting" in str(obj.get("@type", "")).lower() for obj in page.jsonld):
        return "live blog page (JSON-LD LiveBlogPosting), not one article"
    return None


def declares_article(page: Page) -> bool:
    og_type = (page.meta_first("og:type") or "").lower()
    return og_type == "article" or bool(page.articles_ld)


def listing_reason(page: Page, body_chars: int, link_lines: int) -> str | None:
    """Why a page with too little prose is not an article."""
    path = urlsplit(page.url).path or "/"
    og_type = (page.meta_first("og:type") or "").lower()
    if body_chars >= (MIN_BODY_DECLARED if declares_article(page) else MIN_BODY):
        return None
    if path.strip("/") == "":
        return f"home page: {body_chars} characters of article text"
    if og_type.startswith("video") or (page.tree.find(".//video") is not None and body_chars < 120):
        return f"video page without article text ({body_chars} characters)"
    if link_lines >= 10:
        return f"section or listing page: {link_lines} headline links, {body_chars} characters of article text"
    return f"no article text: {body_chars} characters of paragraph text"
