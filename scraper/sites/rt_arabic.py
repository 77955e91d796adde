"""RT Arabic (arabic.rt.com), Moscow.

Only the arabic. host is declared (rt.com serves other languages). Sources:
- RSS https://arabic.rt.com/rss/: listed in several independent public RSS source lists in GitHub
  code (found with the code search, 2026-11); not fetched here, not verified.
- Real page: ../shared/pages/arabic.rt.com__1101738.html (2020; saved by mikeizbicki/metahtml):
  article paths /<section>/<id>-<slug>/; the visible stamps are printed in GMT ("| 17:38 GMT"),
  which the text's own zone wins over the site's.
- Time zone Europe/Moscow (RT's newsroom) for stamps without a zone.
"""

from scraper.sites.base import Site

SITE = Site(
    name="rt_arabic",
    title="RT Arabic (آر تي عربي)",
    domains=("arabic.rt.com",),
    timezone="Europe/Moscow",
    feeds=("https://arabic.rt.com/rss/",),
    article_url=r"^/[a-z_]+/\d+-",
    verified="real page: ../shared/pages/arabic.rt.com__1101738.html (2020)",
    notes="Discovery known only from public RSS lists; no sitemap found. Stamps are printed in GMT.",
)
