"""Al Arabiya (alarabiya.net).

Sources:
- RSS https://www.alarabiya.net/.mrss/ar.xml: listed in several independent public RSS source
  lists in GitHub code (found with the code search, 2026-11); not fetched here, not verified.
  Other paths under /.mrss/ appear in public lists too (per-section feeds); only the general one
  is declared.
- Time zone: Al Arabiya's newsroom is in Dubai: Asia/Dubai (an assumption; no page of the site was
  read). Discovery only; no extraction rules, the generic extractor is used.
"""

from scraper.sites.base import Site

SITE = Site(
    name="alarabiya",
    title="Al Arabiya (العربية)",
    domains=("alarabiya.net",),
    timezone="Asia/Dubai",
    feeds=("https://www.alarabiya.net/.mrss/ar.xml",),
    notes="Known only from public RSS lists; no sitemap found. english.alarabiya.net is the English "
    "edition (same registrable domain). Time zone Asia/Dubai is an assumption (Dubai newsroom).",
)
