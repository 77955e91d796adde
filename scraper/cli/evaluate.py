"""``akhbar eval DIR``: score the extractor and trafilatura on pages with ground-truth files."""

from __future__ import annotations

import argparse
from pathlib import Path

from scraper.cli.common import CliError, dump_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "eval", help="score extraction against ground-truth pages (ours vs trafilatura)"
    )
    parser.add_argument("dir", type=Path, help="folder of pages with <page>.json truth files")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--no-trafilatura", action="store_true", help="score our extractor only")
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (best is kept)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scraper.evaluate import evaluate, load_truths, meets_targets, run_ours, run_trafilatura

    if not args.dir.is_dir():
        raise CliError(f"{args.dir} is not a folder")
    truths = load_truths(args.dir)
    if not truths:
        raise CliError(f"no page/truth pairs (<page>.json naming an existing file) in {args.dir}")
    runs = [evaluate(truths, "akhbar", run_ours, repeat=args.repeat)]
    if not args.no_trafilatura:
        runs.append(evaluate(truths, "trafilatura", run_trafilatura, repeat=args.repeat))
    if args.json:
        print(dump_json([
            {"extractor": r.name, "totals": r.totals(), "pages": [_score_dict(s) for s in r.scores]}
            for r in runs
        ]))
    else:
        _print_tables(runs)
    misses = meets_targets(runs[0])
    if misses and not args.json:
        print("targets missed: " + "; ".join(misses))
    return 0


def _score_dict(s: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(s)  # type: ignore[call-overload]


def _frac(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}"


def _print_tables(runs: list) -> None:  # type: ignore[type-arg]
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    table = Table(title="Extraction scores per page", show_lines=False)
    for column in ("page", "extractor", "title", "date", "include", "leaks", "captions", "sources", "authors"):
        table.add_column(column)
    for index in range(len(runs[0].scores)):
        for r in runs:
            s = r.scores[index]
            table.add_row(
                s.page[:38], r.name, "✓" if s.title else "✗", "✓" if s.date else "✗",
                f"{s.include:.0%}", f"{s.exclude:.0%}", _frac(s.captions), _frac(s.sources),
                _frac(s.authors),
            )
    console.print(table)
    totals = Table(title="Totals")
    for column in ("extractor", "pages", "titles", "dates", "include", "leaks", "captions", "sources",
                   "authors", "pages/s"):
        totals.add_column(column)
    for r in runs:
        t = r.totals()
        totals.add_row(
            r.name, str(t["pages"]), f"{t['title']}/{t['pages']}", f"{t['date']}/{t['pages']}",
            f"{t['include']:.1%}", f"{t['exclude']:.1%}", _frac(t["captions"]), _frac(t["sources"]),
            _frac(t["authors"]), f"{t['pages_per_second']:.1f}",
        )
    console.print(totals)
    if len(runs) > 1:
        ratio = runs[0].pages_per_second / runs[1].pages_per_second
        console.print(f"speed: {ratio:.1f}x trafilatura's pages per second")
