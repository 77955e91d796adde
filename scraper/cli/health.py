"""``akhbar health``: every monitored site's last run, its state and a small trend; non-zero when one is degraded."""

from __future__ import annotations

import argparse
from typing import Any

from scraper.cli.common import CliError, dump_json
from scraper.cli.db import add_database_argument, open_database

DEGRADED_EXIT = 1  # for cron alerting: any site degraded


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "health",
        help="each site's last crawl, whether it is degraded, and a trend; exit 1 when any site is degraded",
        description="Each site's last crawl run compared with its recent runs (the share of articles with a "
        "title, body, date with time, captions, sources and authors; HTTP errors; extraction failures; pages "
        "and articles). Exit status: 0 when no site is degraded, 1 when one is, 2 for a usage error.",
    )
    add_database_argument(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    parser.add_argument("--accept", metavar="SITE", help="take SITE's latest degraded run as its new normal")
    parser.set_defaults(func=run_health)


def run_health(args: argparse.Namespace) -> int:
    from scraper.operations.health import DEGRADED, accept, site_states

    engine = open_database(args)
    try:
        if args.accept:
            run_id = accept(engine, args.accept)
            if run_id is None:
                raise CliError(f"site {args.accept!r} has no degraded last run to accept")
            print(f"run {run_id} of {args.accept} accepted: later runs are compared with it")
            return 0
        states = site_states(engine)
    finally:
        engine.dispose()
    if args.site:
        states = [s for s in states if s["site"] in set(args.site)]
    if args.format == "json":
        print(dump_json(states))
    else:
        _print_table(states)
    return DEGRADED_EXIT if any(s["state"] == DEGRADED for s in states) else 0


def _print_table(states: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from scraper.operations.health import describe, sparkline

    if not states:
        print("no monitored runs yet: crawl a site first")
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("site", "last run", "started (UTC)", "finish", "state", "pages", "articles", "trend", "dropped"):
        table.add_column(column, no_wrap=column != "dropped")
    for s in states:
        state = f"[bold red]{s['state']}[/]" if s["state"] == "degraded" else s["state"]
        started = (s["started_at"] or "")[:16].replace("T", " ")
        table.add_row(s["site"], str(s["last_run"]), started, s["finish_reason"] or "", state,
                      str(s["pages_fetched"]), str(s["articles"]), sparkline(s["trend"]), describe(s["drops"]))
    Console(width=160).print(table)
