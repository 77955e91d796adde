"""BBC News Arabic (bbc.com/arabic), which shares bbc.com with the rest of the BBC.

Sources:
- Real page: ../shared/pages/bbc.com-arabic__c720dxj8dq8o.html (2024; saved by
  omnivore-app/omnivore, packages/readabilityjs/test/test-pages/bbc-arabic/source.html): article
  paths /arabic/articles/<id>; dates in JSON-LD/meta are UTC ("Z").
- RSS https://feeds.bbci.co.uk/arabic/rss.xml: listed in many independent public RSS source lists
  in GitHub code (found with the code search, 2026-11); not fetched here. feeds.bbci.co.uk is
  declared as a domain so the feed URL resolves to this site; its path_prefix /arabic applies
  there too.
- Time zone: the newsroom is in London (BBC World Service): Europe/London.
No extraction rules: the generic extractor is expected to handle the real page (see notes).
"""

from scraper.sites.base import Site

SITE = Site(
    name="bbc_arabic",
    title="BBC News Arabic (بي بي سي عربي)",
    domains=("bbc.com", "feeds.bbci.co.uk"),
    path_prefix="/arabic",
    timezone="Europe/London",
    feeds=("https://feeds.bbci.co.uk/arabic/rss.xml",),
    article_url=r"^/arabic/articles/[a-z0-9]+$",
    verified="real page: ../shared/pages/bbc.com-arabic__c720dxj8dq8o.html (2024)",
    notes=(
        "Shares bbc.com: only paths under /arabic belong here (bbc.com/news is no declared site). "
        "Traps on the real page: the visible h1 differs from og:title/JSON-LD headline; byline joins "
        "two authors with و; visually-hidden labels sit in the DOM; a suggested-stories box and a "
        "podcast promo interrupt the body. Older /arabic/<topic>-<number> URLs exist (seen as links "
        "on the real page) but article_url only matches /arabic/articles/. No sitemap found in "
        "public material."
    ),
)
