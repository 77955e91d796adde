"""JSON in and out of the database columns (the engine's serializer, see ``make_engine``).

Its own module, without the MinHash code of :mod:`scraper.storage.prepare`, so opening a
database (``akhbar list``, ``search``, ``db``) does not import datasketch and NumPy/SciPy.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dump_json(value: Any) -> str:
    """JSON text of ``value``, Arabic kept as UTF-8 (the engine's serializer, see ``make_engine``).
    orjson, 5-10x faster than the json module; what it refuses (str subclasses as keys, integers
    past 64 bits ...) goes through the json module."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def load_json(text: str | bytes) -> Any:
    """The value of JSON text; NaN and Infinity (which the json module writes) via the json module."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
