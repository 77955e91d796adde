"""The targets of issue 8, checked on the totals of one variant set.

On every set: titles all right; the day all right; the time right wherever the truth has one;
must_include >= 98%; must_exclude leaks <= 1%; captions, sources and authors all found with no
extras; non-articles all rejected; the slowest page under 1 s; and not behind the baseline
(trafilatura) on any figure of the same set.
"""

from __future__ import annotations

from collections.abc import Callable

from scraper.evaluation.scoring import Totals

MIN_INCLUDE = 0.98
MAX_LEAKS = 0.01
MAX_PAGE_SECONDS = 1.0

# figure name -> (its value in the totals, higher is better); Match fields compare found - extras
_FIGURES: dict[str, tuple[Callable[[Totals], float], bool]] = {
    "titles": (lambda t: t.titles, True),
    "day": (lambda t: t.days, True),
    "time": (lambda t: t.times, True),
    "must_include": (lambda t: t.include, True),
    "leaks": (lambda t: t.leaks, False),
    "captions": (lambda t: t.captions.net, True),
    "sources": (lambda t: t.sources.net, True),
    "authors": (lambda t: t.authors.net, True),
    "non-articles rejected": (lambda t: t.rejected, True),
    "pages/s": (lambda t: t.pages_per_second, True),
}


def missed(ours: Totals, baseline: Totals | None = None, *, baseline_name: str = "trafilatura") -> list[str]:
    """The targets ``ours`` misses, one short phrase each (empty: all met)."""
    misses = []
    if ours.titles < ours.articles:
        misses.append(f"titles {ours.titles}/{ours.articles}")
    if ours.days < ours.articles:
        misses.append(f"day {ours.days}/{ours.articles}")
    if ours.times < ours.timed:
        misses.append(f"time {ours.times}/{ours.timed}")
    if ours.include < MIN_INCLUDE:
        misses.append(f"must_include {ours.include:.1%} < {MIN_INCLUDE:.0%}")
    if ours.leaks > MAX_LEAKS:
        misses.append(f"leaks {ours.leaks:.1%} > {MAX_LEAKS:.0%}")
    for name in ("captions", "sources", "authors"):
        match = getattr(ours, name)
        if not match.ok:
            misses.append(f"{name} {match.cell()}")
    if ours.rejected < ours.non_articles:
        misses.append(f"non-articles rejected {ours.rejected}/{ours.non_articles}")
    if ours.slowest >= MAX_PAGE_SECONDS:
        misses.append(f"slowest page {ours.slowest:.2f} s >= {MAX_PAGE_SECONDS:.0f} s ({ours.slowest_page})")
    if baseline is not None:
        behind = [name for name, (value, higher) in _FIGURES.items()
                  if (value(ours) < value(baseline) if higher else value(ours) > value(baseline))]
        if behind:
            misses.append(f"behind {baseline_name} on " + ", ".join(behind))
    return misses
