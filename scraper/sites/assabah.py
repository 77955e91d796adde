"""Assabah (assabah.com.tn), Tunis.

Sources: real page ../shared/pages/assabah.com.tn__164913.html (2019; saved by adbar/trafilatura,
tests/eval/assabah.com.tn.article.html): Drupal/OpenPublish; article paths /article/<id>/<slug>;
header RSS link /rss-feed.xml; section listings /sections/<name>; RDFa dc:date with +01:00
(Africa/Tunis). These are 2019 facts; not checked against the live site.
"""

from scraper.sites.base import Site

SITE = Site(
    name="assabah",
    title="Assabah (الصباح)",
    domains=("assabah.com.tn",),
    timezone="Africa/Tunis",
    feeds=("https://www.assabah.com.tn/rss-feed.xml",),
    sections=(
        "https://www.assabah.com.tn/sections/وطنية",
        "https://www.assabah.com.tn/sections/الاقتصادية",
        "https://www.assabah.com.tn/sections/صباح-العالم",
    ),
    article_url=r"^/article/\d+/",
    verified="real page: ../shared/pages/assabah.com.tn__164913.html (2019)",
    notes=(
        "Discovery is from the 2019 page (served over http then). Traps: dc:date 00:00 is a "
        "date-only print-edition placeholder; Maghrebi month names (فيفري); the byline 'حوار: ...' is "
        "the first line of the body field; header date widget is crawl day; weather block."
    ),
)
