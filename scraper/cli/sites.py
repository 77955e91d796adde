"""``akhbar sites``: the declared sites, as a terminal table or as Markdown."""

from __future__ import annotations

import argparse

from scraper.sites.table import COLUMNS, render_supported_sites, rows


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sites",
        help="list the declared sites (domains, time zone, discovery, rules, verification)",
        description="List the declared news sites. --markdown prints docs/supported-sites.md.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the Markdown document (docs/supported-sites.md)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(render_supported_sites(), end="")
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Declared sites", show_lines=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    for row in rows():
        table.add_row(*(Text(value) for value in row))  # plain text: no rich markup
    Console().print(table)
    return 0
