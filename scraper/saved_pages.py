"""Saved pages named on the command line, for ``akhbar ingest``: HTML files, folders of them
(a ``wget --mirror`` folder too), replay folders with ``manifest.jsonl``, and WARC files.

Each page needs its URL: a manifest or a WARC names it; an HTML file takes ``--url``, else its
``<link rel="canonical">`` (or ``og:url``), else, inside a mirror folder, ``https://<host>/<path>``
from where it lies. A page with none of these is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree, html

from scraper.archive import ArchiveError, ResponseArchive, SavedResponse

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
WARC_SUFFIXES = (".warc", ".warc.gz")


class SavedPagesError(Exception):
    """A path cannot be read as saved pages: the message names it and says what to do."""


@dataclass(slots=True)
class SavedPage:
    label: str  # where it came from, for messages: a file, or ARCHIVE#URL
    response: SavedResponse | None  # None when the page has no URL (problem says so)
    problem: str | None = None


def declared_url(body: bytes) -> str | None:
    """The page's own URL: ``<link rel="canonical">``, else ``<meta property="og:url">``."""
    try:
        document = html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in document.xpath(xpath):
            if str(value).strip().startswith(("http://", "https://")):
                return str(value).strip()
    return None


def _mirror_url(file: Path, root: Path) -> str | None:
    """``https://host/path`` for a file saved by ``wget --mirror`` under ``root/host/path``."""
    parts = file.relative_to(root).parts
    if len(parts) < 2 or "." not in parts[0]:
        return None
    path = "/".join(parts[1:])
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return f"https://{parts[0]}/{path}"


def _modified(file: Path) -> datetime:
    return datetime.fromtimestamp(file.stat().st_mtime, UTC)


def html_page(file: Path, url: str | None = None, root: Path | None = None) -> SavedPage:
    try:
        body = file.read_bytes()
    except OSError as error:
        return SavedPage(str(file), None, f"cannot read {file}: {error.strerror or error}")
    found = url or declared_url(body) or (_mirror_url(file, root) if root is not None else None)
    if found is None:
        return SavedPage(str(file), None, f"{file}: no --url given and the page has no canonical link or og:url; "
                                          "give its address with --url URL")  # fmt: skip
    headers = {"Content-Type": "text/html"}
    return SavedPage(str(file), SavedResponse(found, 200, headers, body, _modified(file)))


def _archive_pages(path: Path) -> Iterator[SavedPage]:
    try:
        archive = ResponseArchive.open(path)
    except ArchiveError as error:
        raise SavedPagesError(str(error)) from None
    for url in archive.urls():
        try:
            saved = archive.get(url)
        except (OSError, ArchiveError) as error:
            yield SavedPage(f"{path}#{url}", None, f"cannot read {url} from {path}: {error}")
            continue
        if saved is not None:
            yield SavedPage(f"{path}#{url}", saved)


def is_warc(path: Path) -> bool:
    return path.name.endswith(WARC_SUFFIXES)


def saved_pages(path: Path, url: str | None = None) -> Iterator[SavedPage]:
    """Every saved page under ``path``; SavedPagesError when the path is not usable at all."""
    if not path.exists():
        raise SavedPagesError(f"{path} does not exist: give HTML files, a folder, a replay folder or a WARC file")
    if path.is_file():
        if is_warc(path):
            yield from _archive_pages(path)
        else:
            yield html_page(path, url)
        return
    if (path / "manifest.jsonl").is_file():
        yield from _archive_pages(path)
        return
    for file in sorted(path.rglob("*")):
        if not file.is_file():
            continue
        if file.name.endswith(HTML_SUFFIXES):
            yield html_page(file, root=path)
        elif is_warc(file):
            yield from _archive_pages(file)


def content_type(response: SavedResponse) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == "content-type":
            return value
    return None


def looks_like_html(response: SavedResponse) -> bool:
    """Article candidates: HTML by type, or by content when no type was saved (not sitemaps, feeds, images)."""
    kind = (content_type(response) or "").lower()
    if kind:
        return "html" in kind
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
