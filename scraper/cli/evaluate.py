"""``akhbar eval DIR``: score the extractor beside trafilatura on pages with ground-truth files, on
the pages as saved and on harder variants of them built in memory (bare, scrambled, reencoded)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scraper.cli.common import CliError, dump_json

# "re-encoded" is how the issue spells it; the variant's name is "reencoded"
_ALIASES = {"re-encoded": "reencoded", "all": "plain,bare,scrambled,reencoded"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "eval", help="score extraction against ground-truth pages and harder variants (akhbar vs trafilatura)"
    )
    parser.add_argument("dir", type=Path, help="folder of pages with <page>.json truth files")
    parser.add_argument("--variants", default="plain,bare,scrambled,reencoded",
                        help="comma-separated sets to score: plain, bare, scrambled, reencoded (default: all)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="tables, or JSON for machines")
    parser.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    parser.add_argument("--detail", action="store_true", help="every page's every field, not only the wrong cells")
    parser.add_argument("--no-trafilatura", action="store_true", help="score akhbar only")
    parser.add_argument("--repeat", type=int, default=1, help="time each page this many times, keep the best")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a target is missed")
    parser.set_defaults(func=run)


def parse_variants(value: str) -> list[str]:
    from scraper.evaluation.variants import VARIANTS

    names = []
    for part in value.split(","):
        part = part.strip().lower()
        for name in _ALIASES.get(part, part).split(","):
            if name not in VARIANTS:
                raise CliError(f"unknown variant {name!r}: choose from {', '.join(VARIANTS)}")
            if name not in names:
                names.append(name)
    if not names:
        raise CliError(f"no variant given: choose from {', '.join(VARIANTS)}")
    return names


def run(args: argparse.Namespace) -> int:
    from scraper.evaluation.report import as_json, print_report
    from scraper.evaluation.run import evaluate
    from scraper.evaluation.runners import RUNNERS, trafilatura_problem
    from scraper.evaluation.truth import TruthError, load_truths

    if not args.dir.is_dir():
        raise CliError(f"{args.dir} is not a folder")
    if args.repeat < 1:
        raise CliError("--repeat must be 1 or more")
    variants = parse_variants(args.variants)
    try:
        truths = load_truths(args.dir)
    except TruthError as error:
        raise CliError(f"{error}: fix or remove that truth file") from None
    if not truths:
        raise CliError(f"no page/truth pairs (<page>.json naming an existing file) in {args.dir}")
    runners = dict(RUNNERS)
    notice = None
    if args.no_trafilatura:
        runners.pop("trafilatura")
    elif problem := trafilatura_problem():  # the comparison asked for cannot run: say so, do nothing
        raise CliError(f"{problem}; or add --no-trafilatura to score akhbar alone")
    results = evaluate(truths, variants, runners, repeat=args.repeat)
    if args.format == "json":
        print(dump_json(as_json(results, notice=notice)))
    else:
        print_report(results, detail=args.detail, notice=notice)
    return 1 if args.check and any(r.misses for r in results) else 0
