"""``akhbar extract PAGE.html --url URL``: one saved page in, one article as JSON out."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scraper.article import NotAnArticle
from scraper.cli.common import CliError, dump_json
from scraper.dates import parse_iso
from scraper.extract import extract

# How much of the file to sniff for binary content and markup.
_SNIFF = 4096


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract one saved page and print the article as JSON",
        description="Extract the article from a saved HTML page and print it as JSON (UTF-8).",
    )
    parser.add_argument("page", type=Path, help="the saved HTML file")
    parser.add_argument("--url", required=True, help="the page's URL: it decides the site and resolves links")
    parser.add_argument(
        "--fetched-at",
        type=_instant,
        default=None,
        help="when the page was fetched (ISO 8601); relative dates count from it (default: now)",
    )
    parser.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")
    parser.set_defaults(func=run)


def _instant(text: str) -> datetime:
    moment = parse_iso(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time like 2024-09-19T09:30:00+00:00")
    return moment


def read_page(path: Path) -> bytes:
    """The page's bytes, or a CliError saying in one line why it cannot be an HTML page."""
    if not path.exists():
        raise CliError(f"{path}: no such file")
    if path.is_dir():
        raise CliError(f"{path} is a folder: give one saved HTML file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read it ({error.strerror})") from None
    if not data.strip():
        raise CliError(f"{path} is empty: save the page again")
    head = data[:_SNIFF]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CliError(f"{path} is binary, not an HTML page")
    if b"<" not in head or not any(tag in head.lower() for tag in (b"<html", b"<head", b"<body", b"<!doctype",
                                                                      b"<meta", b"<div", b"<p", b"<article")):
        raise CliError(f"{path} is not HTML: expected a saved web page")
    return data


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def run(args: argparse.Namespace) -> int:
    if not _is_http_url(args.url):
        raise CliError(f"--url {args.url!r} is not an http(s) URL: give the address the page was saved from")
    data = read_page(args.page)
    try:
        article = extract(data, args.url, args.fetched_at or datetime.now(UTC))
    except NotAnArticle as verdict:
        raise CliError(f"{args.page} is not an article: {verdict}") from None
    print(dump_json(article.to_dict(), indent=None if args.compact else 2))
    return 0
