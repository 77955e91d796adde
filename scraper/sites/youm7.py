"""Youm7 (youm7.com), Cairo.

Sources:
- Real page: ../shared/pages/youm7.com__4943459.html (2020; saved by adbar/htmldate,
  tests/test_set/1691196862.html): article paths /story/<yyyy>/<m>/<d>/<slug>/<id>; section
  listings /Section/<name>/<id>/<page> (e.g. أخبار-عاجلة is section 65); mobile twin on
  m.youm7.com (AMP at m.youm7.com/amp/...); the page links an RSS index at /rss/rss.
- RSS https://www.youm7.com/rss/SectionRss?SectionID=65 (section 65 = أخبار عاجلة, as on the real
  page): the SectionRss form is listed in several independent public RSS lists in GitHub code
  (code search, 2026-11); not fetched here.
- Time zone Africa/Cairo: the real page's visible stamp is Cairo time.
"""

from scraper.sites.base import Site

SITE = Site(
    name="youm7",
    title="Youm7 (اليوم السابع)",
    domains=("youm7.com",),
    timezone="Africa/Cairo",
    feeds=("https://www.youm7.com/rss/SectionRss?SectionID=65",),
    sections=(
        "https://www.youm7.com/Section/أخبار-عاجلة/65/1",
        "https://www.youm7.com/Section/أخبار-عربية/88/1",
        "https://www.youm7.com/Section/أخبار-عالمية/286/1",
        "https://www.youm7.com/Section/اقتصاد-وبورصة/297/1",
        "https://www.youm7.com/Section/أخبار-الرياضة/298/1",
    ),
    article_url=r"^/story/\d{4}/\d{1,2}/\d{1,2}/",
    verified=(
        "real pages: ../shared/pages/youm7.com__4943459.html (2020), ../shared/pages/youm7.com__6573469.html"
        " and ../shared/pages/youm7.com__6574622.html (2024, the DOM as a browser held it)"
    ),
    notes=(
        "Time-zone trap on the real page: meta article:published_time carries 'Z' but is Cairo "
        "local time (the visible stamp agrees with it as Cairo time). Header clock is crawl time; "
        "related-topic dates are decoys. Sections are the ones the 2020 page links."
    ),
)
