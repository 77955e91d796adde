"""Al Jazeera Arabic (aljazeera.net).

Sources: ../shared/sites/aljazeera.net.md (facts read from a real capture, July 2026, saved by the
public repository mathieutreves/website-date, fixtures/aljazeera-arabic-news/):
- RSS 2.0 feed URL, named by every page's <link rel="alternate" type="application/rss+xml">.
- Sitemap index at /sitemap.xml, one child sitemap per day (read it incrementally by lastmod).
- Article paths /news/<yyyy>/<m>/<d>/<slug>; liveblogs at /news/liveblog/... are a different kind
  of page (the server HTML carries only a summary), so article_url does not match them.
- The date in the path is the Doha date (UTC+3): Asia/Qatar. Mirror domain ajnet.me (hreflang
  ar-EG).
No extraction rules: the generic extractor reads JSON-LD/meta; the facts file lists the traps.
"""

from scraper.sites.base import Site

SITE = Site(
    name="aljazeera",
    title="Al Jazeera Arabic (الجزيرة نت)",
    domains=("aljazeera.net", "ajnet.me"),
    timezone="Asia/Qatar",
    sitemaps=("https://www.aljazeera.net/sitemap.xml",),
    feeds=(
        "https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/"
        "73d0e1b4-532f-45ef-b135-bfdff8b8cab9",
    ),
    article_url=r"^/news/\d{4}/\d{1,2}/\d{1,2}/[^/]+",
    verified="real capture facts: ../shared/sites/aljazeera.net.md (2026)",
    notes=(
        "Feed links end in ?traffic_source=rss (strip it); feed guids carry a time that is not the "
        "publication time. Sitemap index has one child per day back to 1999: read by lastmod. "
        "Liveblogs (/news/liveblog/) are excluded by article_url. Canonical links use lower-case "
        "percent-encoding, other links upper case: normalize before comparing. AMP twin under /amp/."
    ),
)
