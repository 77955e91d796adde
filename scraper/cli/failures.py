"""``akhbar failures [--site S] [--since DATE]``: why pages were dropped or failed, grouped by reason.

Each ``extraction_failure`` row keeps the latest error of one URL and stage. Errors carry details
that differ from page to page (the URL, counts, a quoted snippet), so rows are grouped by the error
with those details blanked out: ``not an article: video page without article text (N characters)``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scraper.cli.common import dump_json
from scraper.cli.db import add_database_argument, open_database, parse_date

if TYPE_CHECKING:  # SQLAlchemy and the models load only when the command runs (akhbar --help stays fast)
    from models import ExtractionFailure

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"(?<!HTTP )(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\w)")


def reason_of(error: str, url: str) -> str:
    """The error of one failure without what is particular to its page."""
    text = error.strip()
    if text.startswith(url + ": "):  # dropped items carry their URL first
        text = text[len(url) + 2 :]
    text = text.replace(url, "URL")
    text = _QUOTED.sub("'…'", text)
    return _NUMBER.sub("N", text)


@dataclass(slots=True)
class Group:
    stage: str
    reason: str
    count: int = 0
    sites: set[str] = field(default_factory=set)
    example_url: str = ""
    example_error: str = ""
    last_failed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "reason": self.reason,
            "count": self.count,
            "sites": sorted(self.sites),
            "example_url": self.example_url,
            "example_error": self.example_error,
            "last_failed_at": self.last_failed_at.isoformat() if self.last_failed_at else None,
        }


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("failures", help="why pages were dropped or failed, grouped by reason")
    add_database_argument(parser)
    parser.add_argument("--site", help="only failures of this site (e.g. aljazeera)")
    parser.add_argument("--since", help="only failures fetched on or after this date (YYYY-MM-DD or ISO time, UTC)")
    parser.add_argument("--stage", help="only this stage: download, fetch, extract, store ...")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run_failures)


def group_failures(rows: list[ExtractionFailure]) -> list[Group]:
    """Groups, largest first; each with its most recent failure as the example."""
    groups: dict[tuple[str, str], Group] = {}
    for row in rows:
        key = (row.stage, reason_of(row.error, row.url))
        group = groups.setdefault(key, Group(*key))
        group.count += 1
        if row.site:
            group.sites.add(row.site)
        if group.last_failed_at is None or row.fetched_at > group.last_failed_at:
            group.last_failed_at = row.fetched_at
            group.example_url, group.example_error = row.url, row.error
    return sorted(groups.values(), key=lambda g: (-g.count, g.stage, g.reason))


def run_failures(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from models import ExtractionFailure

    since = parse_date(args.since)
    query = select(ExtractionFailure)
    if args.site:
        query = query.where(ExtractionFailure.site == args.site)
    if since is not None:
        query = query.where(ExtractionFailure.fetched_at >= since)
    if args.stage:
        query = query.where(ExtractionFailure.stage == args.stage)
    engine = open_database(args)
    try:
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            groups = group_failures(list(session.scalars(query)))
    finally:
        engine.dispose()
    if args.format == "json":
        print(dump_json([g.to_dict() for g in groups]))
        return 0
    if not groups:
        print("no failures recorded" + (f" for {args.site}" if args.site else "")
              + (f" since {args.since}" if since else ""))  # fmt: skip
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("count", "stage", "reason", "sites", "example URL")
    for g in groups:
        table.add_row(str(g.count), g.stage, g.reason, ", ".join(sorted(g.sites)), g.example_url)
    total = sum(g.count for g in groups)
    console = Console(width=200)
    console.print(table)
    console.print(f"{total} failed or dropped pages in {len(groups)} groups", highlight=False)
    if total and args.site is None and len({s for g in groups for s in g.sites}) > 1:
        console.print("narrow with --site NAME or --stage STAGE", highlight=False)
    return 0


