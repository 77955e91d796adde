"""CNN Arabic (arabic.cnn.com).

Sources: real page ../shared/pages/arabic.cnn.com__2013-syria-clashes.html (2013; saved by
AndyTheFactory/newspaper4k, tests/data/html/arabic_article.html). Its only visible stamp is printed
"(GMT+0400)", the Abu Dhabi/Dubai offset: Asia/Dubai. Only the arabic. host is declared: cnn.com
itself is not this site. Discovery: the 2013 page links an RSS index at /rss/ and 2013-style paths
(/<yyyy>/<section>/<m>/<d>/<slug>/index.html); the site has been rebuilt since, and the RSS URLs in
public lists disagree with each other, so no discovery URL and no article_url are declared.
"""

from scraper.sites.base import Site

SITE = Site(
    name="cnn_arabic",
    title="CNN Arabic (سي إن إن بالعربية)",
    domains=("arabic.cnn.com",),
    timezone="Asia/Dubai",
    verified="real page: ../shared/pages/arabic.cnn.com__2013-syria-clashes.html (2013)",
    notes=(
        "No discovery declared: the real page is from 2013 and public RSS lists disagree. "
        "Traps on the real page: the only visible date is a last-updated stamp 25 days after the "
        "story (date it from the URL path); comment-policy text sits inside the story div; a logo "
        "<h1>CNN</h1> precedes the headline."
    ),
)
