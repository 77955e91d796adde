"""Find a site's declaration by name or by URL.

Every module in this package that defines ``SITE`` is a declared site; they are discovered once,
at import. ``site_for_url`` is called for every page, so hosts are precomputed into a map.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import MappingProxyType
from urllib.parse import urlsplit

import scraper.sites as _package
from scraper.sites.base import Site
from scraper.urls import normalize_host  # re-exported: the form declarations are indexed by

# Modules of this package that are infrastructure, not sites.
_NOT_SITES = frozenset({"base", "registry", "table"})


class UnknownSiteError(KeyError):
    """``get_site`` was given a name that no site declares."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0]) if self.args else "unknown site"


class RegistryError(Exception):
    """The declarations contradict each other (a duplicate name or an ambiguous host and path)."""


def _prefix_matches(prefix: str, path: str) -> bool:
    if not prefix:
        return True
    prefix = prefix.rstrip("/").lower()
    path = path.lower()
    return path == prefix or path.startswith(prefix + "/")


def _discover() -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for module_info in sorted(pkgutil.iter_modules(_package.__path__), key=lambda m: m.name):
        if module_info.name in _NOT_SITES or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_package.__name__}.{module_info.name}")
        site = getattr(module, "SITE", None)
        if not isinstance(site, Site):
            continue
        if site.name in sites:
            raise RegistryError(f"two modules declare the site name {site.name!r}")
        sites[site.name] = site
    return sites


def _index(sites: dict[str, Site]) -> dict[str, tuple[Site, ...]]:
    """host -> sites on that host, longest path_prefix first (so /arabic wins over "")."""
    by_host: dict[str, list[Site]] = {}
    for site in sites.values():
        for domain in site.domains:
            host = normalize_host(domain)
            for other in by_host.get(host, []):
                if other.path_prefix.rstrip("/").lower() == site.path_prefix.rstrip("/").lower():
                    raise RegistryError(f"{site.name!r} and {other.name!r} both claim {host}{site.path_prefix or '/'}")
            by_host.setdefault(host, []).append(site)
    return {
        host: tuple(sorted(found, key=lambda s: len(s.path_prefix), reverse=True)) for host, found in by_host.items()
    }


SITES: MappingProxyType[str, Site] = MappingProxyType(_discover())
_BY_HOST = _index(dict(SITES))


def site_for_url(url: str) -> Site | None:
    """The declared site a URL belongs to, or None (the generic extractor then works alone).

    A declared domain matches itself and every subdomain (www., m., amp., ...). Where sites share a
    domain, the path decides: bbc.com/arabic/... is BBC Arabic; bbc.com/news/... is no declared site.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.hostname:
        return None
    host = normalize_host(parts.hostname)
    path = parts.path or "/"
    labels = host.split(".")
    for start in range(len(labels) - 1):  # the host, then each parent domain; never a bare TLD
        for site in _BY_HOST.get(".".join(labels[start:]), ()):
            if _prefix_matches(site.path_prefix, path):
                return site
    return None


def get_site(name: str) -> Site:
    """The site declared under ``name``; UnknownSiteError (a KeyError) lists the known names."""
    try:
        return SITES[name]
    except KeyError:
        known = ", ".join(sorted(SITES))
        raise UnknownSiteError(f"no declared site named {name!r}; known sites: {known}") from None


__all__ = ["SITES", "RegistryError", "UnknownSiteError", "get_site", "normalize_host", "site_for_url"]
