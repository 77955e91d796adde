"""Masrawy (masrawy.com), Cairo.

Sources:
- RSS https://www.masrawy.com/rss/feed/25/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1 (feed 25, أخبار): the
  /rss/feed/<id>/<name> form is listed in several independent public RSS lists in GitHub code
  (code search, 2026-11; also ids 206 اقتصاد and 254 سينما); not fetched here, not verified.
- Time zone Africa/Cairo. Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="masrawy",
    title="Masrawy (مصراوي)",
    domains=("masrawy.com",),
    timezone="Africa/Cairo",
    feeds=("https://www.masrawy.com/rss/feed/25/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1",),
    notes="Known only from public RSS lists (they also show /rss/rss); no sitemap found.",
)
