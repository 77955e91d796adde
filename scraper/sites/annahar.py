"""An-Nahar (annahar.com), Beirut.

Sources:
- RSS https://www.annahar.com/rss: listed in several independent public RSS source lists in GitHub
  code (found with the code search, 2026-11); not fetched here, not verified.
- Time zone Asia/Beirut. Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="annahar",
    title="An-Nahar (النهار)",
    domains=("annahar.com",),
    timezone="Asia/Beirut",
    feeds=("https://www.annahar.com/rss",),
    notes="Known only from public RSS lists; no sitemap found.",
)
