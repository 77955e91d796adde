"""Run the ``akhbar`` command in a child process with some declared sites moved to local servers
(their domains, sitemaps, feeds and listings replaced), so ``akhbar crawl aljazeera`` crawls a
127.0.0.1 server with the site's own rules. Each crawl needs its own process: Twisted's reactor
cannot restart.

    python -m tests.support.ops_cli '{"relocate": {"aljazeera": {"domains": ["127.0.0.1"],
        "sitemaps": [...], "news_sitemaps": [...], "feeds": [...], "sections": [...]}},
        "argv": ["crawl", "aljazeera", ...]}'

With ``"scrapy": true`` the argv goes to ``scrapy`` instead (``scrapy crawl aljazeera ...``), with
the same fast settings.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from types import MappingProxyType


def main(options: dict) -> int:
    import scraper.cli.crawl as crawl_cli
    from scraper.cli import main as akhbar
    from scraper.sites import registry

    sites = dict(registry.SITES)
    for name, fields in options.get("relocate", {}).items():
        changes = {key: tuple(value) for key, value in fields.items() if isinstance(value, list)}
        changes.update({key: value for key, value in fields.items() if not isinstance(value, list)})
        changes.setdefault("feeds", ())
        changes.setdefault("sitemaps", ())
        changes.setdefault("news_sitemaps", ())
        changes.setdefault("sections", ())
        sites[name] = replace(sites[name], **changes)
    registry.SITES = MappingProxyType(sites)  # type: ignore[misc]
    registry._BY_HOST = registry._index(sites)
    crawl_cli.SITES = registry.SITES  # type: ignore[attr-defined]
    # A local server needs no politeness delay (AutoThrottle starts at 5 s a request).
    fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
            **options.get("settings", {})}
    if options.get("scrapy"):
        from scrapy.cmdline import execute

        pairs = [arg for key, value in fast.items() for arg in ("-s", f"{key}={value}")]
        argv = options["argv"]
        execute(["scrapy", *argv[:2], *pairs, *argv[2:]])  # exits with the command's status
    settings_for = crawl_cli._settings
    crawl_cli._settings = lambda args, replay: {**fast, **settings_for(args, replay)}  # type: ignore[assignment]
    return akhbar(options["argv"])


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
