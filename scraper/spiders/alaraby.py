"""Al-Araby TV (alaraby.com): the seed site, crawled by ``scrapy crawl alaraby``."""

from scraper.spiders.site import SiteSpider


class AlarabySpider(SiteSpider):
    name = "alaraby"
    site_name = "alaraby"
