"""Is this page an article? Decided by the page's structure, not by length alone: one headline,
one main text, an article-like URL or markup. Home pages, directories, section listings,
video-only pages and 404 pages served with status 200 are recognised here, each with a one-line
reason; a short item (a two-sentence عاجل, an agency flash) with a headline, a date and article
markup is an article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scraper.extract.dom import Line
from scraper.extract.page import Page
from scraper.text import clean_text

MIN_BODY = 300  # characters of body that make a main text on their own
MIN_SHORT_ITEM = 40  # a short item still says something: a sentence
LINKED_SHARE = 0.5  # body blocks carrying a link: a directory or a listing of blurbs
MIN_LISTED = 6
MIN_OTHER_PROSE = 3000  # characters of prose outside the body before dominance is judged
BLURB_LINK_SHARE = 0.05
BLURB_CHARS = 300
# an article's own address: a numeric id, a date, a long slug, a file name with digits
_ARTICLE_PATH = re.compile(
    r"\d{4,}|/(?:19|20)\d{2}[/-]\d{1,2}[/-]\d{1,2}|[^/]*[\w\u0600-\u06ff]+-[\w\u0600-\u06ff]+-[\w\u0600-\u06ff]+[^/]*/?$"
)
_NOT_FOUND = re.compile(
    # "404" only as an error code, never a number in a headline ("قتل 404 أشخاص", "(404)")
    r"^\W*404\b|\b404\s*[-|:–]|error 404|page not found|^not found|الصفحة (?:غير موجودة|المطلوبة غير|التي تبحث عنها)|"
    r"لم يتم العثور|عذرا،? (?:الصفحة|لم)|خطأ 404",
    re.I,
)


def not_found_reason(page: Page, title: str | None) -> str | None:
    title_el = page.tree.find(".//title")
    candidates = [title or "", clean_text("".join(title_el.itertext())) if title_el is not None else ""]
    for h in page.tree.iter("h1", "h2"):
        candidates.append(clean_text("".join(h.itertext())))
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


def is_root(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.path or "/").strip("/") in ("", "index.html", "index.htm", "index.php") and not parts.query


def home_page_reason(page: Page) -> str | None:
    """A site's root URL is its home page whatever it shows: said before the body is read (the
    costliest page a crawl meets, for no article)."""
    if not is_root(page.url):
        return None
    links = sum(1 for a in page.tree.iter("a") if a.get("href"))
    return f"home page: the site's root URL ({links} links), not an article's"


def article_like_url(url: str) -> bool:
    return bool(_ARTICLE_PATH.search(urlsplit(url).path or ""))


def has_article_markup(page: Page, headline: Any | None) -> bool:
    """The page says it is one article: og:type/JSON-LD, or an <article> holding the headline."""
    if declares_article(page):
        return True
    if headline is None:
        return False
    return any(a.tag == "article" for a in headline.iterancestors())


def article_reason(
    page: Page, body: Sequence[Line], headline: Any | None, lines: Sequence[Line], *, dated: bool
) -> str | None:
    """None for an article, else why not. ``body``: the chosen body lines; ``headline``: the visible
    headline element (None when the title came from metadata only); ``lines``: every line of the
    page; ``dated``: a publication date was found."""
    chars = sum(len(line.text) for line in body)
    chosen = {id(line) for line in body}
    # one pass over the page: headline-like links (4+ words, mostly link text), blocks of 4+ words
    # holding a link, and the prose (text not in links) outside the body
    link_lines = linked_items = other = 0
    for line in lines:
        text, links = line.text, line.link_chars
        n = len(text)
        if links and text.count(" ") >= 3:
            linked_items += 1
            if links > n / 2:
                link_lines += 1
        if links <= n / 2 and id(line) not in chosen:
            other += n - links
    # a blurb item: a link is a good part of a short block (a name and its description); a story's
    # paragraph with a linked name or two is long and mostly not link
    linked = sum(1 for line in body if line.link_density >= BLURB_LINK_SHARE and len(line.text) < BLURB_CHARS)
    if len(body) >= MIN_LISTED and linked >= LINKED_SHARE * len(body):
        return f"listing or directory: {linked} of {len(body)} text blocks are links with a blurb"
    # one main text: the body should hold a fair share of the page's prose (text not in links);
    # a directory's chosen "body" is a sliver of hundreds of look-alike entries
    share = chars / (chars + other) if chars + other else 0.0
    if other >= MIN_OTHER_PROSE and (share < 0.1 or (headline is None and share < 0.25)):
        return f"no dominant main text: the chosen text is {chars} of {chars + other} characters of prose on the page"
    og_type = (page.meta_first("og:type") or "").lower()
    video = og_type.startswith("video") or page.tree.find(".//video") is not None
    if video and chars < 120:
        return f"video page without article text ({chars} characters)"
    if chars >= MIN_BODY:
        return None
    # a short item: one headline, one text right under it, and the page's own word for it
    if (
        headline is not None and chars >= MIN_SHORT_ITEM and dated
        and (has_article_markup(page, headline) or article_like_url(page.url))
    ):
        return None
    if link_lines >= 10:
        return f"section or listing page: {link_lines} headline links, {chars} characters of article text"
    if linked_items >= 10:
        return f"listing or directory: {linked_items} similar blocks with a link, {chars} characters of article text"
    return f"no article text: {chars} characters of paragraph text"
