"""``akhbar list``, ``akhbar show ID`` and ``akhbar export``: reading the article database."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scraper.cli.common import CliError, dump_json, os_error_line, writable_output
from scraper.cli.db import add_database_argument, open_database, parse_date
from scraper.query.detail import revisions
from scraper.query.filters import agency_spellings
from scraper.query.search import matching_ids
from scraper.query.syntax import QueryError
from scraper.storage import export
from scraper.storage.queries import ArticleFilter, children, get_record, iter_records, select_articles


def _add_filters(parser: argparse.ArgumentParser, *, default_limit: int | None) -> None:
    add_database_argument(parser)
    parser.add_argument("--site", help="only this site (its name, e.g. alaraby)")
    parser.add_argument("--since", help="published on or after this date (YYYY-MM-DD or ISO time, UTC)")
    parser.add_argument("--until", help="published before the end of this date (YYYY-MM-DD or ISO time)")
    parser.add_argument("--source", help="credited agency, canonical or as printed: Reuters, رويترز")
    parser.add_argument("--query", metavar="TEXT", help="text that appears in the title or body")
    parser.add_argument(
        "--limit", type=int, default=default_limit, help=f"at most this many (default: {default_limit or 'all'})"
    )
    parser.add_argument("--collapse-duplicates", action="store_true", help="show one article per story cluster")


def _filters(args: argparse.Namespace) -> ArticleFilter:
    if args.limit is not None and args.limit < 1:
        raise CliError(f"--limit must be at least 1, not {args.limit}")
    # Any spelling of an agency in agencies.yaml finds its articles ("فرانس برس" -> AFP).
    source = args.source and (agency_spellings(args.source)[0] or args.source)
    return ArticleFilter(
        site=args.site,
        since=parse_date(args.since),
        until=parse_date(args.until, end=True),
        source=source,
        query=args.query,
        collapse_duplicates=args.collapse_duplicates,
        limit=args.limit,
    )


def _match_query(filters: ArticleFilter, engine: Engine) -> ArticleFilter:
    """``--query`` through the Arabic-aware full-text index, as `akhbar search` reads it."""
    if filters.query:
        try:
            with engine.connect() as conn:
                filters.matching = matching_ids(conn, filters.query)
        except QueryError as error:
            raise CliError(f"--query: {error}") from None
    return filters


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("list", help="a table of recent articles in the database")
    _add_filters(listing, default_limit=20)
    listing.set_defaults(func=run_list)

    show = subparsers.add_parser("show", help="one article in full: text, captions, sources, revisions")
    add_database_argument(show)
    show.add_argument("id", type=int, help="the article's id (first column of `akhbar list`)")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--revisions", action="store_true", help="what changed between stored revisions, as a diff")
    show.set_defaults(func=run_show)

    out = subparsers.add_parser("export", help="matching articles as JSON Lines, CSV or Parquet (streamed)")
    _add_filters(out, default_limit=None)
    out.add_argument("--format", choices=export.FORMATS, default="jsonl")
    out.add_argument("--output", "-o", help="file to write (default: standard output; required for parquet)")
    out.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM for spreadsheet programs")
    out.set_defaults(func=run_export)


def run_list(args: argparse.Namespace) -> int:
    filters = _filters(args)
    engine = open_database(args)
    try:
        _match_query(filters, engine)
        with Session(engine) as session:
            rows = session.execute(select_articles(filters)).all()
            extras = children(session, [row.Article.id for row in rows])
    finally:
        engine.dispose()
    table = Table(show_lines=False)
    # Short columns never wrap, so a narrow terminal gives its width to the (right-aligned) title.
    for name, justify in (("id", "right"), ("date", "left"), ("site", "left"), ("title", "right"),
                          ("sources", "left"), ("captions", "right")):  # fmt: skip
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=name in {"id", "date", "site", "captions"},
        )
    for row in rows:
        article = row.Article
        date = article.published_at or article.first_seen_at
        sources = ", ".join(s["canonical"] or s["name"] for s in extras[article.id]["sources"])
        table.add_row(
            str(article.id),
            date.strftime("%Y-%m-%d %H:%M"),
            row.site_name,
            article.title,
            sources,
            str(len(extras[article.id]["captions"])),
        )
    console = Console()
    console.print(table)
    noun = "article" if len(rows) == 1 else "articles"
    console.print(f"{len(rows)} {noun}" + (" (one per story)" if filters.collapse_duplicates else ""))
    return 0


def run_show(args: argparse.Namespace) -> int:
    engine = open_database(args)
    try:
        with Session(engine) as session:
            record = get_record(session, args.id)
        if record is not None and args.revisions:
            with engine.connect() as conn:
                history = revisions(conn, args.id)
    finally:
        engine.dispose()
    if record is None:
        raise CliError(f"no article with id {args.id}: `akhbar list` shows the ids")
    if args.revisions:
        print_revisions(record, history, args.format)
        return 0
    if args.format == "json":
        print(dump_json({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in record.items()}))
    else:
        print(render_text(record))
    return 0


def print_revisions(record: dict[str, Any], history: list[dict[str, Any]], fmt: str) -> None:
    """Each revision with when it was seen and, from the second on, its diff from the one before."""
    if fmt == "json":
        print(dump_json(history))
        return
    console = Console(highlight=False)
    console.print(f"{record['title']}  ({len(history)} revisions)")
    for rev in history:
        console.print(f"\nrevision {rev['number']}: first seen {rev['first_seen_at']:%Y-%m-%d %H:%M} UTC, "
                      f"last seen {rev['last_seen_at']:%Y-%m-%d %H:%M} UTC")  # fmt: skip
        if rev["number"] > 1 and not rev["diff"]:
            console.print("  (no change in the title, body, dates or captions)")
        for line in rev["diff"]:
            sign, style = ("+", "green") if line["kind"] == "added" else ("-", "red")
            console.print(f"{sign} {line['text']}", style=style, markup=False)


def render_text(record: dict[str, Any]) -> str:
    lines = [record["title"]]
    if record["subtitle"]:
        lines.append(record["subtitle"])
    lines.append("")
    published = record["published_at"].isoformat() if record["published_at"] else "unknown"
    if record.get("published_local"):  # as printed: a day stays a day, an unknown zone stays unknown
        how = f"{record['published_precision']}, zone: {record['published_zone_source']}"
        published = f"{record['published_local']} ({how})"
    meta = [
        ("site", record["site"]),
        ("url", record["canonical_url"]),
        ("published", f"{published} ({record['published_raw'] or 'no date on the page'})"),
        ("authors", "، ".join(record["authors"])),
        ("sources", "، ".join(f"{s['name']} ({s['canonical']})" if s["canonical"] else s["name"]
                              for s in record["sources"])),
        ("tags", "، ".join(record["tags"])),
        ("revisions", str(record["revisions"])),
        ("story", f"cluster {record['story_cluster']} ({record.get('cluster_size', 1)} articles)"),
    ]  # fmt: skip
    lines += [f"{key}: {value}" for key, value in meta if value]
    lines.append("")
    for block in record["blocks"]:
        lines.append(f"## {block['text']}" if block["kind"] == "heading" else block["text"])
        lines.append("")
    for caption in record["captions"]:
        credit = f" [{caption['credit']}]" if caption["credit"] else ""
        lines.append(f"caption: {caption['text']}{credit}")
    return "\n".join(lines).rstrip()


def run_export(args: argparse.Namespace) -> int:
    filters = _filters(args)
    if args.format == "parquet" and not args.output:
        raise CliError("parquet is binary: give a file with --output, e.g. --output articles.parquet")
    if args.bom and args.format != "csv":
        raise CliError("--bom only applies to --format csv")
    if args.output:
        writable_output(args.output)
    engine = open_database(args)
    from scraper.operations.progress import Progress

    progress = Progress("export", ("articles",)).start()
    try:
        _match_query(filters, engine)
        with Session(engine) as session:
            records = progress.track(iter_records(session, filters))
            if args.format == "parquet":
                count = export.write_parquet(records, args.output)
            elif args.output:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    count = _write_text(args, records, out)
            else:
                count = _write_text(args, records, sys.stdout)
    except BrokenPipeError:  # `akhbar export | head`: the reader has all it wants
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit, so no error at flush
        return 0
    except OSError as error:  # the disk filled up, or the folder went away while writing
        raise CliError(f"cannot write the export: {os_error_line(error)}") from None
    finally:
        progress.finish(always=False)  # the live line, or the last log line of a long run
        engine.dispose()
    print(f"exported {count} articles" + (f" to {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def _write_text(args: argparse.Namespace, records: Any, out: Any) -> int:
    if args.format == "csv":
        return export.write_csv(records, out, bom=args.bom)
    return export.write_jsonl(records, out)
