"""``akhbar search QUERY``: full-text search with filters; a table on a terminal, JSON/CSV otherwise."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scraper.cli.common import CliError, dump_json
from scraper.cli.db import add_database_argument, open_database
from scraper.query import index, snippets
from scraper.query.filters import SORTS, FilterError, Filters, parse_bound
from scraper.query.search import MAX_PAGE, Page, search
from scraper.query.syntax import QueryError

FORMATS = ("table", "json", "jsonl", "csv")
CSV_FIELDS = ("id", "site", "date_local", "date_hijri", "title", "url", "sources", "authors", "copies", "snippet")


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filters ``search`` and ``stats`` share (docs/query.md describes each)."""
    add_database_argument(parser)
    parser.add_argument("--site", action="append", default=[], help="only this site (repeat for several)")
    parser.add_argument("--country", help="site's country: code, name or region (EG, لبنان, levant)")
    parser.add_argument("--source", help="credited agency, any spelling: Reuters, رويترز, \"فرانس برس\"")
    parser.add_argument("--author", help="author name or part of it (Arabic-folded)")
    parser.add_argument("--section", help="section name or part of it")
    parser.add_argument("--tag", help="tag or part of it")
    parser.add_argument("--language", help="article language code (ar, en ...)")
    parser.add_argument("--from", dest="date_from", metavar="DATE",
                        help="published on or after: 2021-12-01, or Hijri 1443-05-01h (the site's local day)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="published on or before this day (same forms)")
    caption = parser.add_mutually_exclusive_group()
    caption.add_argument("--has-caption", dest="has_caption", action="store_true", default=None,
                         help="only articles with an image caption")
    caption.add_argument("--no-caption", dest="has_caption", action="store_false", help="only articles without one")
    parser.add_argument("--updated-after", metavar="DATE", help="edited (page's update time or a new revision) after")


def filters_from_args(args: argparse.Namespace) -> Filters:
    try:
        return Filters(
            sites=list(args.site or []), country=args.country, source=args.source, author=args.author,
            section=args.section, tag=args.tag, language=args.language,
            date_from=parse_bound(args.date_from, "--from"), date_to=parse_bound(args.date_to, "--to"),
            has_caption=args.has_caption, updated_after=parse_bound(args.updated_after, "--updated-after"),
        )  # fmt: skip
    except FilterError as error:
        raise CliError(str(error)) from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="full-text search of the archive (Arabic-aware), with filters",
        description='Search titles, bodies and captions. Syntax: words (all must match), "a phrase", '
        "OR, NOT or -word, prefix*, (groups). See docs/query.md.",
    )
    parser.add_argument("query", nargs="?", default=None, help="what to look for (omit with filters only)")
    add_filter_arguments(parser)
    parser.add_argument("--sort", choices=SORTS, default=None, help="default: relevance with a query, else newest")
    parser.add_argument("--collapse", action="store_true", help="one row per story (agency copy printed by many)")
    parser.add_argument("--limit", type=int, default=20, help=f"results per page, 1-{MAX_PAGE} (default 20)")
    parser.add_argument("--cursor", help="the next page: the cursor printed by the previous page")
    parser.add_argument("--format", choices=FORMATS, default=None, help="default: table on a terminal, else jsonl")
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index from the articles, then exit")
    parser.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    engine = open_database(args)
    try:
        if args.reindex:
            count = index.reindex(engine)
            print(f"search index rebuilt: {count} articles", file=sys.stderr)
            return 0
        filters = filters_from_args(args)
        if not args.query and not filters.describe():
            raise CliError("give a query or at least one filter, e.g. akhbar search بوتين --from 2021-12-01")
        try:
            with engine.connect() as conn:
                page = search(conn, args.query, filters, sort=args.sort, limit=args.limit, cursor=args.cursor,
                              collapse=args.collapse)  # fmt: skip
        except (QueryError, FilterError) as error:
            raise CliError(str(error)) from None
    finally:
        engine.dispose()
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    try:
        write(page, fmt, sys.stdout)
    except BrokenPipeError:
        return 0
    return 0


def write(page: Page, fmt: str, out: Any) -> None:
    if fmt == "json":
        out.write(dump_json(page.to_dict()) + "\n")
    elif fmt == "jsonl":
        for hit in page.hits:
            out.write(json.dumps(hit.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for hit in page.hits:
            row = hit.to_dict()
            row["sources"] = "; ".join(s["canonical"] or s["name"] for s in hit.sources)
            row["authors"] = "; ".join(hit.authors)
            writer.writerow(row)
    else:
        print_table(page)


def _styled(segments: list[snippets.Segment], style: str, match_style: str) -> Text:
    text = Text(justify="right")
    for segment in segments:
        text.append(segment.text, style=match_style if segment.match else style)
    return text


def print_table(page: Page, console: Console | None = None) -> None:
    """Arabic text right-aligned in its own column, dates in the site's time with the offset."""
    console = console or Console()
    table = Table(show_lines=True, expand=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("date (local)", no_wrap=True)
    table.add_column("site", no_wrap=True)
    table.add_column("title / snippet", justify="right", ratio=1)
    for hit in page.hits:
        cell = _styled(hit.title_segments, "bold", "bold reverse")
        cell.append("\n")
        cell.append_text(_styled(hit.snippet, "dim", "bold"))
        credits = ", ".join(s["canonical"] or s["name"] for s in hit.sources)
        extra = [credits] if credits else []
        if hit.copies > 1:
            extra.append(f"{hit.copies} copies")
        if extra:
            cell.append("\n" + " · ".join(extra), style="italic")
        date = hit.date_label.split(" ")
        table.add_row(str(hit.id), f"{date[0]}\n{date[1]} {date[2]}\n{hit.hijri}", hit.site, cell)
    console.print(table)
    shown = f"{len(page.hits)} of {page.total}" + (" stories" if any(h.copies > 1 for h in page.hits) else "")
    console.print(f"{shown} (sorted by {page.sort})")
    if page.next_cursor:
        console.print(f"next page: --cursor {page.next_cursor}")
