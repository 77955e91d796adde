"""``akhbar export``: matching articles as JSON Lines, CSV or Parquet, streamed chunk by chunk.

Text stays readable: UTF-8 without ``\\u`` escapes; CSV can start with a BOM so spreadsheet
programs detect UTF-8 instead of showing mojibake.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import IO, Any

FORMATS = ("jsonl", "csv", "parquet")
CSV_COLUMNS = (
    "id", "site", "canonical_url", "url", "title", "subtitle", "published_at", "published_raw",
    "published_calendar", "published_local", "published_precision", "published_zone_source", "updated_at",
    "section", "language", "authors", "sources", "captions", "tags",
    "image_url", "body", "content_hash", "story_cluster", "revisions", "first_seen_at", "last_seen_at",
)  # fmt: skip
LIST_SEPARATOR = " | "


@functools.cache
def parquet_schema() -> Any:
    """The Parquet columns (a function: pyarrow is imported only by a Parquet export)."""
    import pyarrow as pa

    text = pa.string()
    time = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            ("id", pa.int64()), ("site", text), ("canonical_url", text), ("url", text), ("title", text),
            ("subtitle", text), ("published_at", time), ("published_raw", text), ("published_calendar", text),
            ("published_local", text), ("published_precision", text), ("published_zone_source", text),
            ("updated_at", time), ("section", text), ("language", text), ("authors", pa.list_(text)),
            ("sources", pa.list_(pa.struct([("name", text), ("canonical", text)]))),
            ("captions", pa.list_(pa.struct([("text", text), ("credit", text), ("image_url", text)]))),
            ("tags", pa.list_(text)), ("image_url", text), ("body", text),
            ("blocks", pa.list_(pa.struct([("kind", text), ("text", text)]))), ("content_hash", text),
            ("story_cluster", pa.int64()), ("revisions", pa.int32()), ("first_seen_at", time),
            ("last_seen_at", time),
        ]
    )  # fmt: skip


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007 - the count is the result
        out.write(json.dumps({k: _iso(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
    return count


def _csv_cell(key: str, value: Any) -> Any:
    if key == "sources":
        return LIST_SEPARATOR.join(s["canonical"] or s["name"] for s in value)
    if key == "captions":
        return LIST_SEPARATOR.join(c["text"] for c in value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return _iso(value)


def write_csv(records: Iterable[dict[str, Any]], out: IO[str], *, bom: bool = False) -> int:
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007
        writer.writerow([_csv_cell(key, record[key]) for key in CSV_COLUMNS])
    return count


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_parquet(records: Iterable[dict[str, Any]], path: str, *, chunk: int = 5000) -> int:
    """One row group per chunk, so memory holds one chunk whatever the article count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in _chunks(records, chunk):
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


WRITERS: dict[str, Callable[..., int]] = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}
