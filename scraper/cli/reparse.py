"""``akhbar reparse``: run the current extractor over the archived raw pages (no fetching)."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from scraper.cli.common import CliError
from scraper.cli.db import add_database_argument, open_database, parse_date
from scraper.masking import mask_secrets
from scraper.storage.reparse import ReparseStatus, reparse


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-extract stored raw pages with the current extractor; resumes an interrupted run",
    )
    add_database_argument(parser)
    parser.add_argument("--site", help="only pages of this site")
    parser.add_argument("--since", help="only pages fetched on or after this date (YYYY-MM-DD or ISO time)")
    parser.add_argument("--batch", type=int, default=100, help="pages per transaction and checkpoint (default 100)")
    parser.add_argument("--restart", action="store_true", help="start over instead of resuming an unfinished run")
    parser.set_defaults(func=run_reparse)


def _progress() -> Any:
    from scraper.operations.progress import Progress

    return Progress("reparse", ("pages", "changed", "not articles")).start()


def run_reparse(args: argparse.Namespace) -> int:
    if args.batch < 1:
        raise CliError(f"--batch must be at least 1, not {args.batch}")
    from pipelines.normalize import normalize_article
    from pipelines.validate import ValidatePipeline
    from scraper.extract import extract

    since = parse_date(args.since)
    engine = open_database(args)
    progress = _progress()

    def show(status: ReparseStatus) -> None:
        progress.update(total=status.total, pages=status.pages, changed=status.changed,
                        **{"not articles": status.failures})

    try:
        status = reparse(
            engine,
            extract,
            site=args.site,
            since=since,
            prepare=normalize_article,  # the same stages a crawl applies before storing
            check=ValidatePipeline().problem,
            batch_size=args.batch,
            restart=args.restart,
            progress=show,
        )
    except KeyboardInterrupt:
        if sys.stderr.isatty():
            print(file=sys.stderr)  # end the progress line
        again = [arg for arg in sys.argv[1:] if arg != "--restart"]  # a restart resumes like any run
        raise KeyboardInterrupt(f"resume with: {mask_secrets(shlex.join(['akhbar', *again]))}") from None
    finally:
        progress.finish()  # the live line's last state, or the same as one log line
        engine.dispose()
    resumed = " (resumed)" if status.resumed else ""
    print(f"reparsed {status.pages} pages{resumed}: {status.changed} articles changed, {status.failures} not articles")
    return 0
