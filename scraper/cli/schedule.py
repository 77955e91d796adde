"""``akhbar schedule [FILE]``: run crawls from a schedules file; ``--check`` validates it (docs/operations.md)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_FILE = "schedules.toml"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="run crawls on a schedule from a TOML file (each crawl its own process); --check validates it",
        description="Run crawls as the schedules file says (see docs/operations.md and docs/schedules.example.toml)"
        ": one process per site, never two runs of one site at once (a run due while the last is still going is "
        "skipped and recorded as a crawl run with finish reason 'skipped'). SIGTERM stops it after the running "
        "crawls finish, or stops them after [defaults] stop_timeout. Exit status 2 for a bad file.",
    )
    parser.add_argument("file", nargs="?", default=os.environ.get("AKHBAR_SCHEDULES", DEFAULT_FILE),
                        help=f"the schedules file (default: $AKHBAR_SCHEDULES or {DEFAULT_FILE})")
    parser.add_argument("--check", action="store_true", help="only validate the file: each mistake with its line")
    parser.add_argument("--database", default=None, help="where skipped runs are recorded, when a job names none "
                        "(default: $AKHBAR_DATABASE_URL)")
    parser.set_defaults(func=run_schedule)


def run_schedule(args: argparse.Namespace) -> int:
    from scraper.operations.schedules import ScheduleError, load

    try:
        schedules = load(Path(args.file))
    except ScheduleError as error:
        for line, message in error.problems:
            place = f"{error.path}:{line}" if line else str(error.path)
            print(f"akhbar schedule: {place}: {message}", file=sys.stderr)
        return 2
    if args.check:
        for job in schedules.jobs:
            when = f"cron {job.cron}" if job.cron else f"every {job.every:g} s"
            print(f"{args.file}:{job.line}: job {job.name}: {', '.join(job.sites)}, {when}")
        print(f"{args.file}: {len(schedules.jobs)} jobs, valid")
        return 0
    from scraper.operations.scheduler import CrawlScheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s",
                        stream=sys.stderr)
    return CrawlScheduler(schedules, database=args.database or schedules.database).run()
