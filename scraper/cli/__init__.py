"""The ``akhbar`` command: one module per sub-command, each with ``register(subparsers)``.

Start-up time: the command modules import the heavy stack (Scrapy, SQLAlchemy, pyarrow,
datasketch ...), so ``akhbar --help`` and a usage error import none of them: the top-level
parser lists the commands from :data:`COMMANDS` (name, module, one-line help), and a command
line imports only the module of the command it names. tests/test_startup.py checks that the
table says what the modules register.
"""

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
    "scraper.cli.ingest", "scraper.cli.runs", "scraper.cli.failures",  # operating crawls
    "scraper.cli.sites",
    "scraper.cli.evaluate",
    "scraper.cli.articles", "scraper.cli.reparse", "scraper.cli.db",  # list, show, export; reparse; db
    "scraper.cli.search", "scraper.cli.stats", "scraper.cli.serve",  # querying: search, stats, web reader
    "scraper.cli.health", "scraper.cli.schedule",  # operations: site health, scheduled crawls
)

# command -> (module, help), as the module registers it. A command missing here still works: its
# command line then imports every module, as before.
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("scraper.cli.extract", "extract one saved page and print the article as JSON"),
    "crawl": ("scraper.cli.crawl", "crawl declared sites into the database"),
    "demo": ("scraper.cli.crawl", "crawl the bundled offline archive of alaraby.com and show what was stored"),
    "ingest": ("scraper.cli.ingest",
               "store saved pages (HTML files, folders, replay folders, WARC files, spool files) without crawling"),
    "runs": ("scraper.cli.runs", "recent crawl runs: when, how long, what they stored, how they ended"),
    "failures": ("scraper.cli.failures", "why pages were dropped or failed, grouped by reason"),
    "sites": ("scraper.cli.sites", "list the declared sites (domains, time zone, discovery, rules, verification)"),
    "eval": ("scraper.cli.evaluate",
             "score extraction against ground-truth pages and harder variants (akhbar vs trafilatura)"),
    "list": ("scraper.cli.articles", "a table of recent articles in the database"),
    "show": ("scraper.cli.articles", "one article in full: text, captions, sources, revisions"),
    "export": ("scraper.cli.articles", "matching articles as JSON Lines, CSV or Parquet (streamed)"),
    "reparse": ("scraper.cli.reparse",
                "re-extract stored raw pages with the current extractor; resumes an interrupted run"),
    "db": ("scraper.cli.db", "manage the article database (schema migrations)"),
    "search": ("scraper.cli.search", "full-text search of the archive (Arabic-aware), with filters"),
    "stats": ("scraper.cli.stats", "counts per site, per day and per source agency, with a chart"),
    "serve": ("scraper.cli.serve", "the web reader and JSON API on http://127.0.0.1:8000"),
    "health": ("scraper.cli.health",
               "each site's last crawl, whether it is degraded, and a trend; exit 1 when any site is degraded"),
    "schedule": ("scraper.cli.schedule",
                 "run crawls on a schedule from a TOML file (each crawl its own process); --check validates it"),
}


def _top_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="akhbar",
        description="Crawl, extract, store and query Arabic news.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    return parser, subparsers


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``command`` a parser where only that command's module is imported
    and the others are listed by name and help ("" imports none: enough for ``akhbar --help``)."""
    parser, subparsers = _top_parser()
    if command is None or (command and command not in COMMANDS):
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(subparsers)
        return parser
    if command:
        importlib.import_module(COMMANDS[command][0]).register(subparsers)
    for name, (_, help_text) in COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def _command_word(argv: Sequence[str]) -> str:
    """The sub-command a command line names; "" when it names none (``akhbar --help``, ``akhbar``).
    A word that is no known command gets the full parser (a command added without a COMMANDS entry
    still works; a typo gets argparse's list of choices)."""
    return next((word for word in argv if not word.startswith("-")), "")


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Arabic output even under a C locale
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    install_log_masking()  # no database password in any log line
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(_command_word(words)).parse_args(words)
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
