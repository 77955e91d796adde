"""The generic extractor: ``extract(html, url, fetched_at, site=...) -> Article``.

A pure function: no network, no clock but the ``fetched_at`` default. The stages, each a module:

0. page       decode once, parse once (lxml), meta dict and JSON-LD
1. title      the visible <h1> that agrees with the metadata
2. body       container by structure, else prose density; chrome and boilerplate out
3. captions   figure captions with the photo credit split off
4. sources    closing credit line, dateline, trailing agency, meta source
5. authors    JSON-LD, byline elements, byline verbs
6. published  evidence order with the meta/visible cross-check, in the page's zone (timezone)
7. language   script of the text
8. verdict    not an article? say why (NotAnArticle)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.cssselect import CSSSelector

from scraper.article import Article, Block, NotAnArticle
from scraper.extract import verdict
from scraper.extract.authors import extract_authors
from scraper.extract.body import BodyResult, extract_body, is_boilerplate, stop_density
from scraper.extract.captions import extract_captions, split_credit
from scraper.extract.dom import ancestors, class_words, common_ancestor
from scraper.extract.inline import inline_pieces
from scraper.extract.language import detect_language
from scraper.extract.page import Page, UndecodablePage, ld_text, parse
from scraper.extract.published import extract_dates, stamp
from scraper.extract.regions import Regions, find_regions, scope_lines
from scraper.extract.sources import closing_credit, extract_sources, standalone_credit
from scraper.extract.timezone import page_zone
from scraper.extract.title import extract_title, site_names, visible_headline
from scraper.sites.base import Site, SiteRules
from scraper.sites.registry import site_for_url
from scraper.text import clean_text, fingerprint_text, forget_repeats
from scraper.urls import canonical_url, normalize_host

__all__ = ["ExtractionError", "NotAnArticle", "extract"]

class ExtractionError(NotAnArticle):
    """Extraction failed on input it could not make sense of; ``__cause__`` holds the error.

    A NotAnArticle subclass so that callers handling "no article from this page" need one except."""


def generic_site(url: str) -> Site:
    """A site nobody declared, named after its host. Its zone is unknown (None): the page's
    country-code domain, locale or dateline decide (scraper.extract.timezone), never a silent UTC."""
    host = normalize_host(urlsplit(url).hostname or "") or "unknown"
    return Site(name=host, title=host, domains=(host,), timezone=None)


_SELECTORS: dict[str, Callable[[Any], list[Any]]] = {}


def _selector(css: str | None) -> Callable[[Any], list[Any]] | None:
    """Site rule selectors, compiled once per distinct selector."""
    if not css:
        return None
    if css not in _SELECTORS:
        _SELECTORS[css] = CSSSelector(css)
    return _SELECTORS[css]


def extract(
    html: bytes | str,
    url: str,
    fetched_at: datetime | None = None,
    *,
    site: Site | None = None,
    content_type: str | None = None,
) -> Article:
    """Extract one article. Raises NotAnArticle (with a one-line reason) for anything else,
    ExtractionError (a NotAnArticle) for input that broke a stage; never another exception.

    ``content_type``: the response's Content-Type header (its charset decides the decoding when
    the page has no BOM), as the spider received it."""
    forget_repeats()  # what one page cleaned is no use to the next, and would skew its timing
    try:
        return _extract(html, url, fetched_at or datetime.now(UTC), site, content_type)
    except NotAnArticle:
        raise
    except UndecodablePage as error:
        raise NotAnArticle(str(error)) from error
    except RecursionError as error:
        raise ExtractionError("markup nested too deeply to read") from error
    except Exception as error:
        raise ExtractionError(f"extraction failed: {type(error).__name__}: {error}"[:200]) from error


def _lookup_site(url: str) -> Site:
    """The declared site for the URL, or a generic one named after its host (zone unknown)."""
    return site_for_url(url) or generic_site(url)


def _extract(
    html: bytes | str, url: str, fetched_at: datetime, site: Site | None, content_type: str | None = None
) -> Article:
    site = site or _lookup_site(url)
    rules: SiteRules = site.rules
    if html is None or (isinstance(html, (bytes, str)) and (not html or html.isspace())):
        raise NotAnArticle("empty page")
    if not isinstance(html, (bytes, str)):
        raise NotAnArticle(f"not HTML: got {type(html).__name__}")

    # 0. page
    page = parse(html, url, content_type)
    body = page.tree.find("body")
    if body is None or not any(text.strip() for text in body.itertext()):  # stops at the first
        raise NotAnArticle("no visible text in the page")
    names = site_names(page, site.title)

    # 1. title
    title, title_el = extract_title(page, names, _selector(rules.title))
    gone = verdict.not_found_reason(page, title) or verdict.live_blog_reason(page)
    if gone:
        raise NotAnArticle(gone)
    if not title:
        raise NotAnArticle("no headline (no <h1>, JSON-LD headline, og:title or <title>)")
    if home := verdict.home_page_reason(page):
        raise NotAnArticle(home)

    # 2. body
    exclude = _selector(", ".join(rules.body_exclude)) if rules.body_exclude else None
    excluded = set(exclude(page.tree)) if exclude else set()
    result = extract_body(
        page, title, _selector(rules.body), (lambda el: el in excluded) if excluded else None, title_el
    )
    if title_el is None and result.indices:
        # no fitting <h1>: the visible headline is the block just before the body that agrees
        # with the declared title (a styled paragraph, a table cell); read the body again with it
        visible = visible_headline(page, result.lines, result.indices[0], names)
        if visible is not None:
            title, title_el = visible
            result = extract_body(
                page, title, _selector(rules.body), (lambda el: el in excluded) if excluded else None, title_el,
                lines=result.lines,
            )
    if not result.blocks:  # no text: the verdict needs no captions, bylines or dates
        raise NotAnArticle(verdict.article_reason(page, [], title_el, result.lines, dated=False) or "no article text")
    container = result.container
    scope = _article_scope(page, title_el, container)
    regions = _regions(result, scope)

    captions = extract_captions(scope, url, _selector(rules.captions))
    caption_keys = {fingerprint_text(c.text) for c in captions}

    # 5. authors (before the body is final: a byline line opening the body is not body text)
    # (links and captions left out of head and tail: neither is a byline nor a credit)
    head_lines = [
        line for line in regions.head
        if line.link_density <= 0.5 and fingerprint_text(split_credit(line.text)[0]) not in caption_keys
    ]
    head = [line.text for line in head_lines]
    tail = [line.text for line in regions.tail if line.link_density <= 0.5]
    texts = [b.text for b in result.blocks]
    # a head line's inline pieces too: "<span>بقلم: سامي خليل</span><time>1 مايو</time>" runs together
    pieces = [text for line in head_lines for text in (line.text, *inline_pieces(line.owner))]
    byline_at = [*pieces, *texts[:3], *texts[-2:], *tail[:4]]
    authors, byline_lines = extract_authors(page, scope, byline_at, names, _selector(rules.authors))
    blocks = [b for b in result.blocks if b.text not in byline_lines]

    # 4. sources: the closing credit may sit just after the body container, inside the article
    declared_sources = [v for v in (page.meta_first("source"), ld_text(page.ld_first("sourceOrganization"))) if v]
    sources = extract_sources([b.text for b in blocks if b.kind == "paragraph"], tail, declared_sources, head)
    blocks = _drop_closing_credit(blocks)

    # 3. captions (found first: a caption over the text is not a dateline or a byline)
    if caption_keys:
        blocks = [b for b in blocks if fingerprint_text(b.text) not in caption_keys]

    # 6. dates
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"] or [b.text for b in blocks]
    zone = page_zone(site.timezone, url, page, paragraphs[0] if paragraphs else None)
    dates = extract_dates(
        page, scope, zone, fetched_at,
        prefer_visible=rules.prefer_visible_date, selector=_selector(rules.published),
        title_el=title_el, title=title, first_paragraph=paragraphs[0] if paragraphs else None,
        last_paragraph=paragraphs[-1] if paragraphs else None,
        # the scope's lines cut from the body stage's walk (only hidden elements skipped there)
        scope_lines=scope_lines(result.lines, scope, body) if scope is not None and not excluded else None,
    )

    # 8. verdict on the structure: one headline, one main text
    kept = {b.text for b in blocks}
    body_lines = [result.lines[i] for i, b in zip(result.indices, result.blocks, strict=True) if b.text in kept]
    reason = verdict.article_reason(
        page, body_lines, title_el, result.lines, dated=dates.published is not None
    )
    if reason:
        raise NotAnArticle(reason)
    if not blocks:
        raise NotAnArticle("no article text")

    published = stamp(dates.published) if dates.published else None
    updated = stamp(dates.updated) if dates.updated else None

    # 7. language
    body_text = "\n\n".join(b.text for b in blocks)
    language = detect_language(title + " " + body_text, page.tree.get("lang"))

    declared_canonical = _link_canonical(page) or page.meta_first("og:url")
    return Article(
        url=url,
        canonical_url=canonical_url(url, declared_canonical),
        site=site.name,
        title=title,
        blocks=blocks,
        fetched_at=fetched_at,
        language=language,
        subtitle=_subtitle(regions, title),
        authors=authors,
        sources=sources,
        captions=captions,
        published_at=published.at if published else None,
        published_raw=dates.published.raw if dates.published else None,
        published_calendar=dates.published.calendar if dates.published else None,
        published_local=published.local if published else None,
        published_precision=published.precision if published else None,
        published_zone_source=published.zone_source if published else None,
        updated_at=updated.at if updated else None,
        updated_raw=dates.updated.raw if dates.updated else None,
        updated_local=updated.local if updated else None,
        updated_precision=updated.precision if updated else None,
        updated_zone_source=updated.zone_source if updated else None,
        section=_section(page),
        tags=_tags(page),
        image_url=_image(page, url),
    )


def _article_scope(page: Page, title_el: Any, container: Any) -> Any:
    """The smallest element holding both the headline and the body: where captions, bylines and
    the visible date of this article live (not the site header's clock, not the sidebar)."""
    if container is None:
        return page.tree.find("body")
    if title_el is None:
        for article in page.tree.iter("article"):
            if container in article.iterdescendants():
                return article
        return container.getparent() if container.getparent() is not None else container
    scope = common_ancestor(title_el, container)
    return scope if scope is not None else container


def _regions(result: BodyResult, scope: Any) -> Regions:
    """The article's head (headline to first body line) and tail (right after the body)."""
    if not result.indices:
        return Regions()
    return find_regions(result.lines, result.headline, result.indices[0], result.indices[-1], scope)


def _drop_closing_credit(blocks: list[Block]) -> list[Block]:
    """The closing "المصادر: ..." line is a credit, not text: keep it out of the body."""
    out = list(blocks)
    for index in range(len(out) - 1, max(len(out) - 4, -1), -1):
        names = closing_credit(out[index].text)
        if names is None and index == len(out) - 1:
            names = standalone_credit(out[index].text)  # a last line "وكالات" or "(رويترز)"
        if names is not None:
            del out[index : index + (1 if names else 2)]
            break
    return out


def _link_canonical(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if (link.get("rel") or "").lower().strip() == "canonical" and link.get("href"):
            return link.get("href")
    return None


_SUBTITLE_WORDS = frozenset({"summary", "subtitle", "lead", "excerpt", "standfirst", "intro", "deck", "teaser"})
_FIGURE_TAGS = frozenset({"figure", "figcaption", "picture"})


def _subtitle(regions: Regions, title: str) -> str | None:
    """The standfirst: a head line (between the headline and the body) that is prose, or that its
    element's class calls a summary; never a caption, a byline or a date line."""
    for line in regions.head:
        text = line.text
        if not 20 <= len(text) <= 600 or text == title or is_boilerplate(text):
            continue
        chain = [line.owner, *ancestors(line.owner, 3)]
        if any(el.tag in _FIGURE_TAGS for el in chain):
            continue
        words = [w for el in chain[:3] for w in class_words(el)]
        named = not _SUBTITLE_WORDS.isdisjoint(words) or ("sub" in words and "title" in words)
        prose = len(text) >= 80 and line.link_density == 0 and stop_density(text) >= 0.1
        if named or prose:
            return text
    return None


def _section(page: Page) -> str | None:
    value = page.meta_first("article:section") or ld_text(page.ld_first("articleSection"))
    return clean_text(value) if value else None


def _tags(page: Page) -> list[str]:
    tags = page.meta_all("article:tag")
    if not tags:
        keywords = page.ld_first("keywords")
        if isinstance(keywords, str):
            tags = re.split(r"\s*[,،]\s*", keywords)
        elif isinstance(keywords, list):
            tags = [str(k) for k in keywords]
    out: list[str] = []
    for tag in tags:
        tag = clean_text(tag)
        if tag and tag not in out:
            out.append(tag)
    return out


def _image(page: Page, url: str) -> str | None:
    """The lead image: og:image / twitter:image, else JSON-LD ``image`` (a URL, an ImageObject, or a
    list of either; an ImageObject is read by its ``url``, never its ``name``). A value that is not a
    URL is ignored rather than allowed to cost the article."""
    value: Any = page.meta_first("og:image", "twitter:image")
    if not value:
        value = page.ld_first("image")
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return urljoin(url, value.strip())
    except ValueError:
        return None
