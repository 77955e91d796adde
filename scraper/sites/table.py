"""The supported-sites table, generated from the declarations (docs/supported-sites.md).

Regenerate the document with ``akhbar sites --markdown > docs/supported-sites.md``; a test fails
when the two differ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from scraper.sites.base import Site, SiteRules
from scraper.sites.registry import SITES

REGENERATE = "akhbar sites --markdown > docs/supported-sites.md"

COLUMNS = ("Site", "Domains", "Time zone", "Discovery", "Rules", "Verified")


def overridden_rules(rules: SiteRules) -> tuple[str, ...]:
    """Names of the SiteRules fields that differ from their defaults (the site's overrides)."""
    changed = []
    for spec in dataclasses.fields(rules):
        if spec.default is not dataclasses.MISSING:
            default = spec.default
        elif spec.default_factory is not dataclasses.MISSING:
            default = spec.default_factory()
        else:  # a required field is always "set"
            changed.append(spec.name)
            continue
        if getattr(rules, spec.name) != default:
            changed.append(spec.name)
    return tuple(changed)


def discovery_summary(site: Site) -> str:
    """Counts per kind, e.g. "1 sitemap, 2 feeds"; "none" when nothing is declared."""
    kinds = (
        ("sitemap", len(site.sitemaps)),
        ("news sitemap", len(site.news_sitemaps)),
        ("feed", len(site.feeds)),
        ("section", len(site.sections)),
    )
    parts = [f"{count} {kind}{'' if count == 1 else 's'}" for kind, count in kinds if count]
    return ", ".join(parts) or "none"


def site_row(site: Site) -> tuple[str, str, str, str, str, str]:
    domains = ", ".join(f"{domain}{site.path_prefix}" for domain in site.domains)
    rules = overridden_rules(site.rules)
    return (
        f"{site.title} (`{site.name}`)",
        domains,
        site.timezone,
        discovery_summary(site),
        ", ".join(rules) if rules else "generic",
        site.verified or "not verified",
    )


def rows(sites: Iterable[Site] | None = None) -> list[tuple[str, str, str, str, str, str]]:
    chosen = SITES.values() if sites is None else sites
    return [site_row(site) for site in sorted(chosen, key=lambda s: s.name)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_supported_sites() -> str:
    """The Markdown document: an introduction, one row per declared site, and how to read it."""
    lines = [
        "# Supported sites",
        "",
        f"Generated from `scraper/sites/` by `{REGENERATE}`; do not edit by hand.",
        "",
        "Every other domain is handled by the generic extractor alone. *Rules* lists the fields whose",
        "selectors a site overrides (each backed by a fixture in `tests/sites/<name>/`); *generic* means",
        "the site declares no rule. *Verified* says how the declaration was checked against real markup;",
        '"not verified" means the site is known only from public discovery facts (see its module).',
        "No machine here reaches these sites: discovery URLs come from real pages in `../shared`, from",
        "fundus's publisher declarations, or from public RSS lists in third-party code, and none was",
        "fetched. Each module's docstring says which, and which time zones are assumptions.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


__all__ = ["REGENERATE", "discovery_summary", "overridden_rules", "render_supported_sites", "rows"]
