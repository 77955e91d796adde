"""The ``akhbar`` command: one module per sub-command, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from scraper.cli.common import CliError, os_error_line
from scraper.masking import install_log_masking, mask_secrets

# Each module registers its sub-commands; keep this list in the order of `akhbar --help`.
COMMAND_MODULES = (
    "scraper.cli.extract",
    "scraper.cli.crawl",
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
    install_log_masking()  # no database password in any log line
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:  # Ctrl-C while the commands load
        print("akhbar: interrupted", file=sys.stderr)
        return 130
    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"akhbar {args.command}: {mask_secrets(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        hint = f", {interrupt.args[0]}" if interrupt.args else ""  # e.g. how to resume
        print(f"akhbar {args.command}: interrupted{hint}", file=sys.stderr)
        return 130
    except OSError as error:  # a file or folder problem no command foresaw: still one line
        print(f"akhbar {args.command}: {mask_secrets(os_error_line(error))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
