"""Spool files: what a crawl could not store when its database failed, kept to store later.

A spool file is JSON Lines (UTF-8, ``.jsonl``) in the spool folder (``AKHBAR_SPOOL_DIR``; by
default ``spool/`` beside a SQLite database file, else ``data/spool``). The first line is a header::

    {"akhbar_spool": 1, "database": "<URL, password masked>", "spider": "...", "crawl_run_id": 7,
     "created_at": "2026-12-03T12:00:00+00:00"}

then one line per item, each holding everything needed to store it::

    {"kind": "article", "page": PAGE, "article": {...Article.to_dict()...}}
    {"kind": "failure", "page": PAGE, "stage": "download", "error": "...", "site": "alaraby"}

where PAGE is ``{"url", "status", "headers", "fetched_at", "body_b64"}`` (the raw response,
base64). Every write is flushed and fsynced before the crawl goes on. The next crawl on the same
database stores the spool files it finds (then deletes them), and so does ``akhbar ingest FILE``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scraper.article import Article, Block, Caption, CrawlItem, FetchedPage, SourceCredit
from scraper.masking import mask_url
from scraper.storage.engine import sqlite_path
from scraper.storage.writer import ArticleWriter, Failure

log = logging.getLogger(__name__)

SPOOL_VERSION = 1
REPLAY_BATCH = 200


class SpoolError(Exception):
    """A spool file is damaged or not a spool file: the message names it and the line."""


def masked(url: str) -> str:
    """The database URL with its password hidden: what a spool header may keep."""
    return mask_url(url)


def default_folder(database_url: str) -> Path:
    path = sqlite_path(database_url)
    return path.parent / "spool" if path is not None else Path("data") / "spool"


# -- records --------------------------------------------------------------------------------------


def _page_record(page: FetchedPage) -> dict[str, Any]:
    return {
        "url": page.url,
        "status": page.status,
        "headers": dict(page.headers),
        "fetched_at": page.fetched_at.isoformat(),
        "body_b64": base64.b64encode(page.body).decode("ascii"),
    }


def _page(record: dict[str, Any]) -> FetchedPage:
    return FetchedPage(
        url=record["url"],
        status=int(record["status"]),
        headers={str(k): str(v) for k, v in record.get("headers", {}).items()},
        body=base64.b64decode(record["body_b64"]),
        fetched_at=_instant(record["fetched_at"]) or datetime.now(UTC),
    )


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def article_from_dict(data: dict[str, Any]) -> Article:
    """The inverse of :meth:`Article.to_dict` (derived ``body`` and ``content_hash`` ignored)."""
    return Article(
        url=data["url"],
        canonical_url=data["canonical_url"],
        site=data["site"],
        title=data["title"],
        blocks=[Block(b["kind"], b["text"]) for b in data.get("blocks", [])],
        fetched_at=_instant(data.get("fetched_at")) or datetime.now(UTC),
        language=data.get("language"),
        subtitle=data.get("subtitle"),
        authors=list(data.get("authors", [])),
        sources=[SourceCredit(s["name"], s.get("canonical")) for s in data.get("sources", [])],
        captions=[Caption(c["text"], c.get("credit"), c.get("image_url")) for c in data.get("captions", [])],
        published_at=_instant(data.get("published_at")),
        published_raw=data.get("published_raw"),
        published_calendar=data.get("published_calendar"),
        updated_at=_instant(data.get("updated_at")),
        updated_raw=data.get("updated_raw"),
        section=data.get("section"),
        tags=list(data.get("tags", [])),
        image_url=data.get("image_url"),
    )


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- writing --------------------------------------------------------------------------------------


class Spool:
    """Appends items to one spool file, created on the first write."""

    def __init__(self, folder: Path, database_url: str, spider: str, crawl_run_id: int | None) -> None:
        self.folder = folder
        self.header = {
            "akhbar_spool": SPOOL_VERSION,
            "database": masked(database_url),
            "spider": spider,
            "crawl_run_id": crawl_run_id,
            "created_at": datetime.now(UTC).isoformat(),
        }
        self.path: Path | None = None
        self.count = 0
        self._file: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            run = self.header["crawl_run_id"] or 0
            self.path = self.folder / f"{self.header['spider']}-run{run}-{stamp}-{os.getpid()}.jsonl"
            self._file = self.path.open("a", encoding="utf-8")
            self._file.write(_dumps(self.header) + "\n")
        return self._file

    def write(self, items: Sequence[CrawlItem] = (), failures: Sequence[Failure] = ()) -> int:
        """Append and fsync; returns the number of lines written."""
        lines = [
            _dumps({"kind": "article", "page": _page_record(i.page), "article": i.article.to_dict()})
            for i in items
            if i.article is not None
        ]
        lines += [
            _dumps({"kind": "failure", "page": _page_record(f.page), "stage": f.stage, "error": f.error,
                    "site": f.site})
            for f in failures
        ]
        if not lines:
            return 0
        stream = self._open()
        stream.write("".join(line + "\n" for line in lines))
        stream.flush()
        os.fsync(stream.fileno())
        self.count += len(lines)
        return len(lines)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# -- reading and replaying ------------------------------------------------------------------------


@dataclass(slots=True)
class SpoolContents:
    header: dict[str, Any]
    items: list[CrawlItem]
    failures: list[Failure]


def is_spool_file(path: Path) -> bool:
    if not path.is_file() or path.suffix != ".jsonl":
        return False
    with path.open("rb") as stream:
        return stream.read(32).startswith(b'{"akhbar_spool"')


def read_spool(path: Path) -> SpoolContents:
    items: list[CrawlItem] = []
    failures: list[Failure] = []
    header: dict[str, Any] | None = None
    for number, line in enumerate(_lines(path), start=1):
        try:
            row = json.loads(line)
            if header is None:
                if not isinstance(row, dict) or row.get("akhbar_spool") != SPOOL_VERSION:
                    raise ValueError("the first line is not an akhbar spool header")
                header = row
            elif row["kind"] == "article":
                items.append(CrawlItem(page=_page(row["page"]), article=article_from_dict(row["article"])))
            elif row["kind"] == "failure":
                failures.append(Failure(_page(row["page"]), row["stage"], row["error"], row.get("site")))
            else:
                raise ValueError(f"unknown kind {row['kind']!r}")
        except (ValueError, KeyError, TypeError) as error:
            raise SpoolError(f"{path}:{number}: not a spool line ({error})") from None
    if header is None:
        raise SpoolError(f"{path}: empty file, not a spool file")
    return SpoolContents(header, items, failures)


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield line


def store_spool(writer: ArticleWriter, contents: SpoolContents) -> tuple[int, int]:
    """Store a spool file's items and failures; (articles, failures) handed to the writer."""
    for start in range(0, len(contents.items), REPLAY_BATCH):
        writer.store(contents.items[start : start + REPLAY_BATCH])
    for start in range(0, len(contents.failures), REPLAY_BATCH):
        writer.store_failures(contents.failures[start : start + REPLAY_BATCH])
    return len(contents.items), len(contents.failures)


def replay_pending(writer: ArticleWriter, folder: Path, database_url: str) -> int:
    """Store every spool file in ``folder`` made for this database, deleting each once stored.
    Returns the number of lines stored. A damaged file is left in place and logged."""
    if not folder.is_dir():
        return 0
    stored = 0
    for path in sorted(folder.glob("*.jsonl")):
        try:
            contents = read_spool(path)
        except (SpoolError, OSError) as error:
            log.error("spool file left in place: %s", error)
            continue
        if contents.header.get("database") != masked(database_url):
            continue
        articles, failures = store_spool(writer, contents)
        path.unlink()
        stored += articles + failures
        log.warning("stored %d articles and %d failures kept in spool file %s", articles, failures, path)
    return stored
