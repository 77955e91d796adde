"""The ``akhbar`` command: one module per sub-command, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from scraper.cli.common import CliError

# Each module registers its sub-commands; keep this list in the order of `akhbar --help`.
COMMAND_MODULES = (
    "scraper.cli.extract",
    "scraper.cli.crawl",
    "scraper.cli.ingest", "scraper.cli.runs", "scraper.cli.failures",  # operating crawls
    "scraper.cli.sites",
    "scraper.cli.evaluate",
    "scraper.cli.articles", "scraper.cli.reparse", "scraper.cli.db",  # list, show, export; reparse; db
    "scraper.cli.search", "scraper.cli.stats", "scraper.cli.serve",  # querying: search, stats, web reader
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="akhbar",
        description="Crawl, extract, store and query Arabic news.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Arabic output even under a C locale
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"akhbar {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"akhbar {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
