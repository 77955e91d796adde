"""Al-Araby Al-Jadeed / The New Arab (alaraby.co.uk), London.

Not to be confused with Al-Araby TV (alaraby.com, module alaraby.py). Sources:
- RSS https://www.alaraby.co.uk/rss: listed in several independent public RSS source lists in
  GitHub code (found with the code search, 2026-11); not fetched here, not verified (a few lists
  write /rss.xml).
- Time zone Europe/London (the paper is published from London; an assumption). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="alaraby_jadeed",
    title="Al-Araby Al-Jadeed (العربي الجديد)",
    domains=("alaraby.co.uk",),
    timezone="Europe/London",
    feeds=("https://www.alaraby.co.uk/rss",),
    notes="Known only from public RSS lists; no sitemap found. english.alaraby.co.uk is The New "
    "Arab in English (same registrable domain). Time zone Europe/London is an assumption.",
)
