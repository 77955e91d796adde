"""Independent Arabia (independentarabia.com).

Sources:
- RSS https://www.independentarabia.com/rss.xml: listed in several independent public RSS source
  lists in GitHub code (found with the code search, 2026-11); not fetched here, not verified (a
  few lists write /rss).
- Time zone Europe/London: produced under licence from The Independent (London) by SRMG; an
  assumption, the newsroom also works from Riyadh. Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="independentarabia",
    title="Independent Arabia (اندبندنت عربية)",
    domains=("independentarabia.com",),
    timezone="Europe/London",
    feeds=("https://www.independentarabia.com/rss.xml",),
    notes="Known only from public RSS lists; no sitemap found. Time zone Europe/London is an assumption.",
)
