"""``akhbar runs [--site S] [--since DATE]``: the recent crawl runs, newest first, from ``crawl_run``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scraper.cli.common import CliError, dump_json
from scraper.cli.db import add_database_argument, open_database, parse_date

if TYPE_CHECKING:  # SQLAlchemy and the models load only when the command runs (akhbar --help stays fast)
    from models import CrawlRun

COLUMNS = ("id", "site", "started", "duration", "pages", "stored", "new", "revised", "dropped", "errors", "finish")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("runs", help="recent crawl runs: when, how long, what they stored, how they ended")
    add_database_argument(parser)
    parser.add_argument("--site", help="only runs of this site (its spider name, e.g. aljazeera)")
    parser.add_argument("--since", help="only runs started on or after this date (YYYY-MM-DD or ISO time, UTC)")
    parser.add_argument("--limit", type=int, default=20, help="at most this many runs (default 20)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run_runs)


def run_record(run: CrawlRun) -> dict[str, Any]:
    """One run as the table and the JSON show it: pages handled = stored + dropped + errors."""
    download_failures = run.download_failures or 0
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "id": run.id,
        "site": run.spider,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_s": round(duration, 1) if duration is not None else None,
        "pages": run.articles_stored + run.failures,
        "stored": run.articles_stored,
        "new": run.articles_new,
        "revised": run.revisions_added,
        "dropped": run.failures - download_failures,  # fetched, but not articles
        "errors": download_failures + run.errors,  # downloads that failed, rows the database refused
        "spooled": run.items_spooled or 0,
        "finish_reason": run.finish_reason,
        "detail": run.detail,
    }


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{seconds:.1f}s"


def run_runs(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError(f"--limit must be at least 1, not {args.limit}")
    from sqlalchemy import select

    from models import CrawlRun

    since: datetime | None = parse_date(args.since)
    query = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(args.limit)
    if args.site:
        query = query.where(CrawlRun.spider == args.site)
    if since is not None:
        query = query.where(CrawlRun.started_at >= since)
    engine = open_database(args)
    try:
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            records = [run_record(run) for run in session.scalars(query)]
    finally:
        engine.dispose()
    if args.format == "json":
        print(dump_json(records))
        return 0
    if not records:
        print("no crawl runs" + (f" of {args.site}" if args.site else "") + (f" since {args.since}" if since else ""))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(*COLUMNS)
    for r in records:
        finish = r["finish_reason"] or "unfinished"
        if r["detail"]:
            finish += f": {r['detail']}"
        table.add_row(
            str(r["id"]), r["site"], r["started_at"][:19].replace("T", " "), _duration(r["duration_s"]),
            *(str(r[k]) for k in ("pages", "stored", "new", "revised", "dropped", "errors")), finish,
        )  # fmt: skip
    Console(width=200).print(table)
    return 0
