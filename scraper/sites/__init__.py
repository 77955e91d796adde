"""Declared news sites: one module per site, each defining ``SITE = Site(...)``.

The registry (``scraper.sites.registry``) discovers those modules; add a site by adding a module.
"""

from scraper.sites.base import Site, SiteRules

__all__ = ["Site", "SiteRules"]
