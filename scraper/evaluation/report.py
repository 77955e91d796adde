"""What ``akhbar eval`` prints: per variant set one totals table (akhbar beside trafilatura), the
cells akhbar got wrong, the targets it misses; with ``detail`` every page's every field. Fits in
about 120 columns. :func:`as_json` gives the same figures for machines."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from scraper.evaluation.run import OURS, ExtractorRun, SetRun
from scraper.evaluation.scoring import PageScore, Totals

WIDTH = 120
_GOT_CHARS = 64  # a failing cell's text is cut to this many characters


def _mark(ok: bool | None) -> str:
    return "·" if ok is None else ("✓" if ok else "✗")


def _cut(text: str, limit: int = _GOT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _page(name: str) -> str:
    return _cut(name.removesuffix(".html"), 30)


def totals_row(run: ExtractorRun) -> list[str]:
    t: Totals = run.totals
    return [
        run.extractor, f"{t.titles}/{t.articles}", f"{t.days}/{t.articles}", f"{t.times}/{t.timed}",
        f"{t.include:.1%}", f"{t.leaks:.1%}", t.captions.cell(), t.sources.cell(), t.authors.cell(),
        f"{t.rejected}/{t.non_articles}", f"{t.pages_per_second:.1f}", f"{t.slowest:.2f} s",
    ]


# "non-art.": non-articles rejected with a reason, of those in the set
_TOTAL_COLUMNS = ("extractor", "titles", "day", "time", "include", "leaks", "captions", "sources", "authors",
                  "non-art.", "pages/s", "slowest")


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 show_edge=False)


def _totals_table(result: SetRun) -> Table:
    table = _table(f"{result.variant}: {result.runs[0].totals.pages} pages")
    for index, column in enumerate(_TOTAL_COLUMNS):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=True)
    for run in result.runs:
        table.add_row(*totals_row(run))
    return table


def _failures_table(run: ExtractorRun) -> Table | None:
    rows = [(s.page, *cell) for s in run.scores for cell in s.failures()]
    if not rows:
        return None
    table = _table(f"{run.extractor}: wrong cells")
    table.add_column("page", no_wrap=True, max_width=30)
    table.add_column("field", no_wrap=True)
    table.add_column("want", overflow="fold", max_width=30)
    table.add_column("got", overflow="fold")
    for page, name, want, got in rows:
        table.add_row(_page(page), name, _cut(want, 30), _cut(got))
    return table


def _detail_cells(s: PageScore) -> list[str]:
    ok = _mark(not s.failures())
    if not s.article:
        verdict = f"non-article, rejected: {s.reason}" if s.rejected_ok else f"non-article, {s.reason or 'STORED'}"
        return [ok, "", "", "", "", "", "", "", "", verdict]
    if not s.stored:
        return [ok, _mark(False), _mark(False), _mark(s.date.time), "0%", "", s.captions.cell(), s.sources.cell(),
                s.authors.cell(), s.reason or "not stored"]
    return [ok, _mark(s.title), _mark(s.date.day), _mark(s.date.time), f"{s.include:.0%}", f"{s.leaks:.0%}",
            s.captions.cell(), s.sources.cell(), s.authors.cell(), f"{s.seconds * 1000:.0f} ms"]


def _detail_table(result: SetRun) -> Table:
    table = _table(f"{result.variant}: every page ('ok': every cell right; '·': no time to score)")
    for column in ("page", "by", "ok", "title", "day", "time", "incl.", "leaks", "captions", "sources", "authors"):
        table.add_column(column, no_wrap=True, min_width=None if column == "page" else len(column))
    table.add_column("note", no_wrap=True, max_width=20, overflow="ellipsis")
    for index in range(len(result.runs[0].scores)):
        for run in result.runs:
            s = run.scores[index]
            table.add_row(_cut(s.page.removesuffix(".html"), 24), run.extractor[:6], *_detail_cells(s))
    return table


def print_report(results: list[SetRun], *, detail: bool = False, notice: str | None = None,
                 console: Console | None = None) -> None:
    console = console or Console(width=WIDTH, highlight=False)
    if notice:
        console.print(notice, markup=False, soft_wrap=True)
    for result in results:
        console.print(_totals_table(result))
        console.print()
        if detail:
            console.print(_detail_table(result))
            console.print()
        ours = result.run(OURS)
        failures = _failures_table(ours) if ours else None
        if failures is not None:
            console.print(failures)
            console.print()
        if result.misses:
            console.print(f"{result.variant}: targets missed: " + "; ".join(result.misses), markup=False)
        else:
            console.print(f"{result.variant}: every target met", markup=False)
        console.print("─" * WIDTH)


def as_json(results: list[SetRun], *, notice: str | None = None) -> dict[str, Any]:
    return {
        "notice": notice,
        "sets": [
            {
                "variant": result.variant,
                "targets_missed": result.misses,
                "extractors": [
                    {"extractor": run.extractor, "totals": run.totals.as_dict(),
                     "pages": [s.as_dict() for s in run.scores]}
                    for run in result.runs
                ],
            }
            for result in results
        ],
    }
