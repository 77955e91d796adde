"""Enab Baladi (enabbaladi.net), Syrian independent outlet.

Sources:
- RSS https://www.enabbaladi.net/feed (WordPress-style): listed in several independent public RSS
  source lists in GitHub code (found with the code search, 2026-11); not fetched here, not
  verified.
- Time zone Europe/Istanbul: an assumption (the outlet worked from Turkey for years); its readers'
  clock is Asia/Damascus, which has been UTC+3 all year since 2022 too. Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="enabbaladi",
    title="Enab Baladi (عنب بلدي)",
    domains=("enabbaladi.net",),
    timezone="Europe/Istanbul",
    feeds=("https://www.enabbaladi.net/feed",),
    notes="Known only from public RSS lists; no sitemap found. Time zone is an assumption "
    "(Europe/Istanbul; Syria has also been UTC+3 all year since 2022).",
)
