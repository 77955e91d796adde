"""Al-Masry Al-Youm (almasryalyoum.com), Cairo.

Sources:
- RSS https://www.almasryalyoum.com/rss/rssfeed: listed in several independent public RSS source
  lists in GitHub code (found with the code search, 2026-11); not fetched here, not verified.
- Time zone Africa/Cairo. Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="almasryalyoum",
    title="Al-Masry Al-Youm (المصري اليوم)",
    domains=("almasryalyoum.com",),
    timezone="Africa/Cairo",
    feeds=("https://www.almasryalyoum.com/rss/rssfeed",),
    notes="Known only from public RSS lists; no sitemap found.",
)
