"""``akhbar stats [QUERY] [filters]``: counts per site, day and source, and a chart of articles per day."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from scraper.cli.common import CliError, dump_json
from scraper.cli.db import open_database
from scraper.cli.search import add_filter_arguments, filters_from_args
from scraper.query.filters import FilterError
from scraper.query.stats import Stats, stats
from scraper.query.syntax import QueryError

BAR = "█"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("stats", help="counts per site, per day and per source agency, with a chart")
    parser.add_argument("query", nargs="?", default=None, help="count only articles matching this search")
    add_filter_arguments(parser)
    parser.add_argument("--format", choices=("table", "json"), default=None, help="default: table on a terminal")
    parser.set_defaults(func=run_stats)


def run_stats(args: argparse.Namespace) -> int:
    filters = filters_from_args(args)
    engine = open_database(args)
    try:
        with engine.connect() as conn:
            result = stats(conn, args.query, filters)
    except (QueryError, FilterError) as error:
        raise CliError(str(error)) from None
    finally:
        engine.dispose()
    if (args.format or ("table" if sys.stdout.isatty() else "json")) == "json":
        print(dump_json(result.to_dict()))
    else:
        print_stats(result)
    return 0


def day_chart(per_day: dict[str, int], width: int) -> list[str]:
    """One line per day: the date, a bar scaled to the busiest day, the count."""
    if not per_day:
        return []
    top = max(per_day.values())
    room = max(10, width - 20)
    return [f"{day} {BAR * max(1, round(count / top * room)):<{room}} {count}" for day, count in per_day.items()]


def print_stats(result: Stats, console: Console | None = None) -> None:
    console = console or Console()
    console.print(f"{result.total} articles")
    for title, counts in (("site", result.per_site), ("source", result.per_source)):
        table = Table(title=f"per {title}")
        table.add_column(title)
        table.add_column("articles", justify="right")
        for name, count in counts.items():
            table.add_row(name, str(count))
        console.print(table)
    console.print("articles per day (UTC)")
    for line in day_chart(result.per_day, min(console.width, 100)):
        console.print(line, highlight=False)
