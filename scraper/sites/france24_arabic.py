"""France 24 Arabic (france24.com/ar), Paris.

Shares france24.com with the French/English/Spanish editions: path_prefix /ar decides. Sources:
- RSS https://www.france24.com/ar/rss: listed in several independent public RSS source lists in
  GitHub code (found with the code search, 2026-11); not fetched here, not verified; the same
  /<lang>/rss form is listed for the English (/en/rss) and French (/fr/rss) editions.
- Time zone Europe/Paris (France Médias Monde newsroom, Issy-les-Moulineaux). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="france24_arabic",
    title="France 24 Arabic (فرانس 24)",
    domains=("france24.com",),
    path_prefix="/ar",
    timezone="Europe/Paris",
    feeds=("https://www.france24.com/ar/rss",),
    notes="Shares france24.com: only /ar paths belong here. Known only from public RSS lists; no sitemap found.",
)
