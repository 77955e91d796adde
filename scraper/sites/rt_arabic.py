"""RT Arabic (arabic.rt.com), Moscow.

Only the arabic. host is declared (rt.com serves other languages). Sources:
- RSS https://arabic.rt.com/rss/: listed in several independent public RSS source lists in GitHub
  code (found with the code search, 2026-11); not fetched here, not verified.
- Time zone Europe/Moscow (RT's newsroom). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="rt_arabic",
    title="RT Arabic (آر تي عربي)",
    domains=("arabic.rt.com",),
    timezone="Europe/Moscow",
    feeds=("https://arabic.rt.com/rss/",),
    notes="Known only from public RSS lists; no sitemap found.",
)
