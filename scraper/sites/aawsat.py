"""Asharq Al-Awsat (aawsat.com).

Sources:
- RSS https://aawsat.com/feed: listed in several independent public RSS source lists in GitHub
  code (found with the code search, 2026-11); not fetched here, not verified. The host in those
  lists is the bare domain.
- Time zone Europe/London: the paper is edited and published in London (an assumption about the
  newsroom's clock; it also has offices in Riyadh). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="aawsat",
    title="Asharq Al-Awsat (الشرق الأوسط)",
    domains=("aawsat.com",),
    timezone="Europe/London",
    feeds=("https://aawsat.com/feed",),
    notes="Known only from public RSS lists; no sitemap found. english.aawsat.com is the English "
    "edition. Time zone Europe/London is an assumption.",
)
