"""Hespress (hespress.com), Rabat.

Sources:
- RSS https://www.hespress.com/feed (WordPress-style): listed in several independent public RSS
  source lists in GitHub code (found with the code search, 2026-11); not fetched here, not
  verified. fr.hespress.com and en.hespress.com are the French and English editions (same
  registrable domain).
- Time zone Africa/Casablanca (Morocco: UTC+1 with a Ramadan switch; zoneinfo has it).
"""

from scraper.sites.base import Site

SITE = Site(
    name="hespress",
    title="Hespress (هسبريس)",
    domains=("hespress.com",),
    timezone="Africa/Casablanca",
    feeds=("https://www.hespress.com/feed",),
    notes="Known only from public RSS lists; no sitemap found. fr./en. subdomains are the French "
    "and English editions and match by domain.",
)
