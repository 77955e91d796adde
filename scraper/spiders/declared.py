"""One Scrapy spider per declared site, named as the site: ``scrapy crawl aljazeera`` and
``scrapy list`` know every site in scraper/sites/ without a hand-written module for each.

A site that has its own module here (``alaraby.py``) keeps it; the rest are made below, each a
:class:`SiteSpider` whose ``site_name`` is fixed.
"""

from __future__ import annotations

import importlib.util

from scraper.sites.registry import SITES
from scraper.spiders.site import SiteSpider


def _class_name(site: str) -> str:
    return "".join(part.capitalize() for part in site.replace("-", "_").split("_")) + "Spider"


def _has_own_module(site: str) -> bool:
    return importlib.util.find_spec(f"{__package__}.{site}") is not None


def _spiders() -> dict[str, type[SiteSpider]]:
    made: dict[str, type[SiteSpider]] = {}
    for name in sorted(SITES):
        if _has_own_module(name):
            continue
        doc = f"Crawls {SITES[name].title}."
        spider = type(_class_name(name), (SiteSpider,),
                      {"name": name, "site_name": name, "__module__": __name__, "__doc__": doc})
        made[spider.__name__] = spider
    return made


globals().update(_spiders())
