"""``akhbar serve``: the read-only JSON API and the web reader (FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
from typing import Any

from scraper.cli.db import add_database_argument, database_url, open_database
from scraper.masking import mask_url


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="the web reader and JSON API on http://127.0.0.1:8000")
    add_database_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from scraper.web.app import MAX_REQUEST_HEAD, create_app

    open_database(args).dispose()  # a missing or outdated database is a one-line error, before binding
    app = create_app(database_url(args))
    print(f"akhbar: reading {mask_url(database_url(args))}; open http://{args.host}:{args.port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                h11_max_incomplete_event_size=MAX_REQUEST_HEAD)  # fmt: skip
    return 0
