"""Saved responses: read a local archive of pages instead of the network.

Three layouts are understood, so users can replay whatever they saved:

* a folder with ``manifest.jsonl``: one JSON object per line with ``url``, ``file`` (relative
  to the folder), and optionally ``status``, ``headers`` and ``fetched_at`` (ISO 8601);
* a plain mirror folder as ``wget --mirror`` writes it: ``<host>/<path>`` with ``index.html``
  for a path ending in ``/``;
* a WARC file (``.warc`` or ``.warc.gz``): its ``response`` records, indexed by target URI.

A folder archive never serves a file outside its folder: a manifest ``file`` that climbs out
(``../``), is absolute, or is a symlink to somewhere else is refused when the archive is opened,
and checked again (symlinks resolved) before each read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from scraper.dates import parse_iso


class ArchiveError(Exception):
    """The archive path is missing or unreadable: the message says which and why."""


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every symlink resolved, is ``root`` or below it."""
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return False


@dataclass(slots=True)
class SavedResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime | None = None


def _key(url: str) -> str:
    # Sorted query, no fragment, consistent percent-encoding: the saved URL and the
    # requested one rarely agree byte for byte.
    return canonicalize_url(url, keep_fragments=False)


@dataclass(slots=True)
class _Entry:
    url: str
    path: Path | None = None  # folder layouts
    offset: int | None = None  # WARC layout
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None


class ResponseArchive:
    """Look up saved responses by URL. Build with :meth:`open`."""

    def __init__(self, root: Path, entries: dict[str, _Entry], *, mirror: bool, warc: bool) -> None:
        self.root = root
        self._entries = entries
        self._mirror = mirror
        self._warc = warc

    @classmethod
    def open(cls, path: str | Path) -> ResponseArchive:
        root = Path(path).expanduser()
        if not root.exists():
            raise ArchiveError(f"replay archive {root} does not exist: give a folder or a .warc/.warc.gz file")
        if root.is_file():
            if not root.name.endswith((".warc", ".warc.gz")):
                raise ArchiveError(f"replay archive {root} is a file but not a .warc or .warc.gz")
            return cls(root, _index_warc(root), mirror=False, warc=True)
        manifest = root / "manifest.jsonl"
        entries = _read_manifest(manifest) if manifest.exists() else {}
        return cls(root, entries, mirror=not manifest.exists(), warc=False)

    def __len__(self) -> int:
        return len(self._entries)

    def urls(self) -> list[str]:
        return [entry.url for entry in self._entries.values()]

    def get(self, url: str) -> SavedResponse | None:
        entry = self._entries.get(_key(url))
        if entry is None and self._mirror:
            entry = self._mirror_entry(url)
        if entry is None:
            return None
        if self._warc:
            return _read_warc_record(self.root, entry)
        assert entry.path is not None
        if not inside(self.root, entry.path):  # a symlink swapped after the archive was opened
            raise ArchiveError(f"replay archive {self.root}: {entry.path.name} now points outside the archive; "
                               "refused")
        return SavedResponse(entry.url, entry.status, entry.headers, entry.path.read_bytes(), entry.fetched_at)

    def _mirror_entry(self, url: str) -> _Entry | None:
        parts = urlsplit(url)
        relative = parts.path.lstrip("/")
        candidates = [self.root / parts.netloc / relative]
        if not relative or relative.endswith("/"):
            candidates = [self.root / parts.netloc / relative / "index.html"]
        else:
            candidates.append(self.root / parts.netloc / relative / "index.html")
            candidates.append(self.root / parts.netloc / f"{relative}.html")
        for candidate in candidates:
            if candidate.is_file() and inside(self.root, candidate):
                return _Entry(url=url, path=candidate)
        return None


def _instant(value: object) -> datetime | None:
    """A saved ISO 8601 time, in UTC when it names no zone (a fetch time is never local)."""
    return parse_iso(value) if isinstance(value, str) else None


def _read_manifest(manifest: Path) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    root = manifest.parent
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row["file"], str) or not row["file"]:
                raise TypeError("file must be a path relative to the archive folder")
            entry = _Entry(
                url=row["url"],
                path=root / row["file"],
                status=int(row.get("status", 200)),
                headers={str(k): str(v) for k, v in row.get("headers", {}).items()},
                fetched_at=_instant(row.get("fetched_at")),
            )
            if row.get("fetched_at") and entry.fetched_at is None:
                raise ValueError(f"fetched_at {row['fetched_at']!r} is not an ISO 8601 time")
        except (ValueError, KeyError, TypeError) as error:
            raise ArchiveError(
                f"{manifest}:{number}: not a manifest row ({error}); each line needs url and file"
            ) from error
        assert entry.path is not None
        if Path(row["file"]).is_absolute() or not inside(root, entry.path.parent) or (
            entry.path.exists() and not inside(root, entry.path)
        ):
            raise ArchiveError(f"{manifest}:{number}: file {row['file']!r} is outside the archive folder "
                               "(absolute, ../ or a symlink out); refused: keep saved pages inside the folder")
        if not entry.path.is_file():
            raise ArchiveError(f"{manifest}:{number}: file {row['file']} is missing from the archive")
        entries[_key(entry.url)] = entry
    return entries


def _index_warc(path: Path) -> dict[str, _Entry]:
    from warcio.archiveiterator import ArchiveIterator

    entries: dict[str, _Entry] = {}
    try:
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                date = record.rec_headers.get_header("WARC-Date")
                entries[_key(url)] = _Entry(
                    url=url,
                    offset=iterator.get_record_offset(),
                    status=int(record.http_headers.get_statuscode() or 200),
                    fetched_at=_instant(date),
                )
    except Exception as error:  # warcio raises several unrelated types on a damaged file
        raise ArchiveError(f"cannot read WARC file {path}: {error}") from error
    return entries


def _read_warc_record(path: Path, entry: _Entry) -> SavedResponse:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        stream.seek(entry.offset or 0)
        record = next(iter(ArchiveIterator(stream)))
        headers = dict(record.http_headers.headers) if record.http_headers else {}
        body = record.content_stream().read()
    # The body is already de-chunked and decompressed by warcio.
    headers = {k: v for k, v in headers.items() if k.lower() not in {"content-encoding", "transfer-encoding"}}
    return SavedResponse(entry.url, entry.status, headers, body, entry.fetched_at)
