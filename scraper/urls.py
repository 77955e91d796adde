"""Canonical article URLs: one form per article, whatever link, feed or AMP twin led to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# query parameters that say who sent the reader, never which page it is
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|ocid|"
    r"cmpid|traffic_source|ref|ref_src|at_medium|at_campaign|xtor|ns_\w+|amp|outputtype|"
    r"s_cid|spm)$",
    re.I,
)
_AMP_PATH = re.compile(r"(?:^/amp(?=/)|/amp/?$|\.amp(?=$|\.html?$))", re.I)


def normalize_host(host: str) -> str:
    """Lower-case, no user, no port, no trailing dot, no ``www.``: the form site declarations are
    indexed by (scraper.sites.registry) and hosts are compared in."""
    host = host.strip().lower().rsplit("@", 1)[-1]
    if host.startswith("[") or host.count(":") > 1:  # IPv6 literal: never a declared site
        return host
    host = host.split(":", 1)[0].rstrip(".")  # the port first: "bbc.com.:80" is bbc.com
    return host.removeprefix("www.")


def _host_key(host: str) -> str:
    """:func:`normalize_host` without the mobile and AMP subdomains either."""
    host = normalize_host(host)
    for prefix in ("m.", "amp.", "mobile."):
        host = host.removeprefix(prefix)
    return host


def same_site(a: str, b: str) -> bool:
    ha, hb = _host_key(urlsplit(a).netloc), _host_key(urlsplit(b).netloc)
    return bool(ha and hb) and (ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha))


def normalize_url(url: str) -> str:
    """Strip fragment, tracking parameters, AMP and mobile variants; normalize percent-encoding."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    for prefix in ("m.", "amp.", "mobile."):
        if host.startswith(prefix):
            host = "www." + host.removeprefix(prefix)
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    rebuilt = urlunsplit((parts.scheme.lower() or "https", host, path, query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def canonical_url(page_url: str, declared_canonical: str | None) -> str:
    """The declared canonical (``<link rel=canonical>``) when it is on the same site and not the home
    page (some sites point every article at it); else the page URL; normalized either way."""
    if declared_canonical and declared_canonical.strip():
        try:
            declared = urljoin(page_url, declared_canonical.strip())
            path = urlsplit(declared).path
            if same_site(declared, page_url) and (path.strip("/") or not urlsplit(page_url).path.strip("/")):
                return normalize_url(declared)
        except ValueError:  # the page declared a malformed URL ("http://[::1"): fall back to the page's own
            pass
    return normalize_url(page_url)
