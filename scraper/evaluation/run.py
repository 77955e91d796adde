"""Running the evaluation: every chosen variant of every page through every extractor, scored.

Each variant set is built once in memory (building is not timed), then each extractor reads the
same bytes of the same set in the same process. With ``repeat`` > 1 each page's extraction time
is the best of the repeats (the output is the same each time: extraction is a pure function).
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper.evaluation.runners import Output, Runner
from scraper.evaluation.scoring import PageScore, Totals, score_page, totals
from scraper.evaluation.targets import missed
from scraper.evaluation.truth import Truth
from scraper.evaluation.variants import VARIANTS

OURS = "akhbar"


@dataclass(slots=True)
class ExtractorRun:
    extractor: str
    scores: list[PageScore]
    totals: Totals


@dataclass(slots=True)
class SetRun:
    """One variant set: each extractor's scores, and the targets akhbar misses on it."""

    variant: str
    runs: list[ExtractorRun]
    misses: list[str]

    def run(self, extractor: str) -> ExtractorRun | None:
        return next((r for r in self.runs if r.extractor == extractor), None)


def run_extractor(name: str, runner: Runner, truths: list[Truth], pages: list[bytes], repeat: int = 1) -> ExtractorRun:
    scores = []
    for truth, html in zip(truths, pages, strict=True):
        out: Output = runner(html, truth.url)
        best = out.seconds
        for _ in range(repeat - 1):
            best = min(best, runner(html, truth.url).seconds)
        out.seconds = best
        scores.append(score_page(truth, out))
    return ExtractorRun(name, scores, totals(scores))


def evaluate_set(truths: list[Truth], variant: str, runners: dict[str, Runner], repeat: int = 1) -> SetRun:
    build = VARIANTS[variant]
    pages = [build(t.file.read_bytes()) for t in truths]
    runs = [run_extractor(name, runner, truths, pages, repeat) for name, runner in runners.items()]
    ours = next((r for r in runs if r.extractor == OURS), runs[0])
    baseline = next((r for r in runs if r is not ours), None)
    if baseline is None:
        return SetRun(variant, runs, missed(ours.totals))
    return SetRun(variant, runs, missed(ours.totals, baseline.totals, baseline_name=baseline.extractor))


def evaluate(truths: list[Truth], variants: list[str], runners: dict[str, Runner], repeat: int = 1) -> list[SetRun]:
    return [evaluate_set(truths, variant, runners, repeat) for variant in variants]
