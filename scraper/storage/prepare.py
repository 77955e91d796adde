"""Per-item work of storing that needs no database: raw-page hashing and compression, MinHash
signatures and LSH bucket keys.

The writer runs it in one worker process for large batches, while it reads from and writes to
the database (see ``ArticleWriter``), or inline for small ones. The functions are pure and
import no database code, so the worker starts quickly and gives exactly what inline gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from scraper.article import Article
from scraper.storage import dedup
from scraper.storage.json_codec import dump_json, load_json  # noqa: F401  (re-exported)

ZLIB_LEVEL = 1  # level 6 gave pages ~16% smaller at twice the CPU, and it was the bottleneck
# Fields that make a revision: a change in any of them is an edit worth keeping.
_NOT_REVISION_FIELDS = ("url", "fetched_at", "body", "content_hash")
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
Sketch = tuple[bytes, list[int]]
# (body, content hash, revision hash, revision record as JSON, blocks as JSON)
Prepared = tuple[str, str, str, str, str]


def page(body: bytes) -> tuple[str, bytes]:
    """(sha256 hex of the body, the body zlib-compressed)."""
    return hashlib.sha256(body).hexdigest(), zlib.compress(body, ZLIB_LEVEL)


def pages(bodies: list[bytes]) -> list[tuple[str, bytes]]:
    return [page(body) for body in bodies]


def sketch(body: str) -> Sketch | None:
    """(MinHash signature as bytes, its LSH bucket keys), or None for a body too short to compare."""
    values = dedup.signature(body)
    if values is None:
        return None
    return dedup.to_bytes(values), dedup.buckets(values)


def sketches(bodies: list[str]) -> list[Sketch | None]:
    """:func:`sketch` of each body; only the first ``dedup.MAX_CHARS`` characters are read."""
    return [sketch(body) for body in bodies]


def revision_hash(record: dict[str, Any]) -> str:
    content = {key: value for key, value in record.items() if key not in _NOT_REVISION_FIELDS}
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def article_record(article: Article) -> dict[str, Any]:
    """``article.to_dict()``, built without ``dataclasses.asdict`` (whose deep copies cost more than
    the rest of storing an article) and computing the body once."""
    record: dict[str, Any] = {}
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = [_plain(item) for item in value]
        record[name] = value
    body = "\n\n".join(block["text"] for block in record["blocks"])
    record["body"] = body
    record["content_hash"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return record


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` makes of a field value: dataclasses as dicts, containers copied."""
    kind = type(value)
    if kind is str or value is None:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = (
            tuple(f.name for f in fields(value)) if is_dataclass(value) and not isinstance(value, type) else ()
        )
    if names:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass's field names; () for other types


def articles(batch: list[Article], dumps: Callable[[Any], str]) -> list[Prepared]:
    """What storing each article needs that no database does; ``dumps`` is the engine's JSON serializer."""
    out: list[Prepared] = []
    for article in batch:
        record = article_record(article)
        body = record.pop("body")  # the blocks hold the body: the revision record goes without it
        out.append((body, record["content_hash"], revision_hash(record), dumps(record), dumps(record["blocks"])))
    return out


def lead(article: Article) -> str:
    """The start of the article's body, as much as a signature reads (``body[:MAX_CHARS]``)."""
    parts, size = [], 0
    for block in article.blocks:
        parts.append(block.text)
        size += len(block.text) + 2
        if size - 2 >= dedup.MAX_CHARS:  # the parts joined are already long enough
            break
    return "\n\n".join(parts)[: dedup.MAX_CHARS]


def call(function: Callable[..., Any], payload: bytes) -> bytes:
    """In the worker: ``function(*pickle.loads(payload))``, pickled."""
    return pickle.dumps(function(*pickle.loads(payload)), pickle.HIGHEST_PROTOCOL)


def worker_init(pid: int) -> None:
    """The storage worker's initializer: Ctrl-C is the writer's to handle (it stops the worker in
    order; a KeyboardInterrupt here would print a traceback from the worker), and the worker
    exits when the writer is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with(pid)


def exit_with(pid: int, interval: float = 1.0) -> None:
    """In the worker: exit as soon as process ``pid`` (the writer) no longer exists."""

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # exists, owned by someone else: keep waiting
                pass

    threading.Thread(target=watch, name="exit-with-writer", daemon=True).start()
