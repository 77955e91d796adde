"""Sky News Arabia (skynewsarabia.com), Abu Dhabi.

Sources:
- RSS https://www.skynewsarabia.com/web/rss: listed in several independent public RSS source lists
  in GitHub code (found with the code search, 2026-11); not fetched here, not verified. Public
  lists also show other forms (/rss.xml, /web/rss.xml, /rss/<section>.xml); the /web/rss form is
  the most common.
- Time zone Asia/Dubai (Abu Dhabi newsroom; UAE has one zone). Discovery only.
"""

from scraper.sites.base import Site

SITE = Site(
    name="skynewsarabia",
    title="Sky News Arabia (سكاي نيوز عربية)",
    domains=("skynewsarabia.com",),
    timezone="Asia/Dubai",
    feeds=("https://www.skynewsarabia.com/web/rss",),
    notes="Known only from public RSS lists, which disagree on the feed path (/web/rss is the most "
    "common); no sitemap found.",
)
