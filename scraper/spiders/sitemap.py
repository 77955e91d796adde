"""Scrapy's sitemap reader with libxml2's ``huge_tree``: without it a text node over 10 MB ends
the parse there (recover mode hides the error) and every entry after it is silently lost.

huge_tree lifts only the size limits: entities stay unresolved (``resolve_entities=False``), so
XXE and billion-laughs are refused as before, and the body was already capped by
AKHBAR_SITEMAP_MAXSIZE when it was downloaded or gunzipped.
"""

from __future__ import annotations

from io import BytesIO

from lxml import etree
from scrapy.utils.sitemap import Sitemap


class WholeSitemap(Sitemap):
    def __init__(self, xmltext: bytes) -> None:  # same options as Scrapy's, plus huge_tree
        self.xmliter = etree.iterparse(
            BytesIO(xmltext),
            recover=True,
            remove_comments=True,
            resolve_entities=False,
            remove_blank_text=True,
            collect_ids=False,
            remove_pis=True,
            huge_tree=True,
            events=("start", "end"),
        )
        _, root = next(self.xmliter)
        self.type = self._get_tag_name(root)


# Feeds are read whole with the same limits lifted and entities unresolved.
FEED_PARSER_OPTIONS = {"recover": True, "resolve_entities": False, "huge_tree": True}
