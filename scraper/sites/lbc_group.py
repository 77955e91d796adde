"""LBCI (lbcgroup.tv), Beirut.

Sources:
- flairNLP/fundus, src/fundus/publishers/lb/__init__.py: NewsMap
  https://www.lbcgroup.tv/newssitemap.xml and Sitemap https://www.lbcgroup.tv/sitemap.xml
  (fundus's RSSFeed there, /Rss/latest-news/en, is the English feed, so it is not declared here).
- Real page: ../shared/pages/lbcgroup.tv__898682.html (2026; saved by fundus,
  tests/resources/parser/test_data/lb/LBCGroup_2026_01_08.html.gz): article paths
  /news/<category>/<id>/<slug>/ar; the footer links the Arabic RSS https://www.lbcgroup.tv/rss/ar;
  the nav links the Arabic news listing /news/ar.
- Time zone Asia/Beirut (newsroom in Lebanon).
"""

from scraper.sites.base import Site

SITE = Site(
    name="lbcgroup",
    title="LBCI (LBC Group)",
    domains=("lbcgroup.tv",),
    timezone="Asia/Beirut",
    sitemaps=("https://www.lbcgroup.tv/sitemap.xml",),
    news_sitemaps=("https://www.lbcgroup.tv/newssitemap.xml",),
    feeds=("https://www.lbcgroup.tv/rss/ar",),
    sections=("https://www.lbcgroup.tv/news/ar",),
    article_url=r"^/news/[^/]+/\d+/",
    verified="real page: ../shared/pages/lbcgroup.tv__898682.html (2026)",
    notes=(
        "Traps on the real page: og:url is generic (use link rel=canonical); JSON-LD says 11:42Z "
        "while the visible stamp is 12:42 (no zone) - Beirut is UTC+2 in January, so one of them is "
        "off; the declared value is kept. The site also serves English (/en URLs, English RSS)."
    ),
)
