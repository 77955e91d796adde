"""Anadolu Agency Arabic (aa.com.tr/ar), Ankara.

Shares aa.com.tr with the Turkish and other editions: path_prefix /ar decides. Sources:
- RSS https://www.aa.com.tr/ar/rss/default?cat=guncel: listed in several independent public RSS
  source lists in GitHub code (found with the code search, 2026-11); not fetched here, not
  verified (lists also show cat=live and /ar/rss/default.aspx).
- Time zone Europe/Istanbul (Turkey has one zone, UTC+3). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="anadolu_arabic",
    title="Anadolu Agency Arabic (وكالة الأناضول)",
    domains=("aa.com.tr",),
    path_prefix="/ar",
    timezone="Europe/Istanbul",
    feeds=("https://www.aa.com.tr/ar/rss/default?cat=guncel",),
    notes="Shares aa.com.tr: only /ar paths belong here. Known only from public RSS lists; no sitemap found.",
)
