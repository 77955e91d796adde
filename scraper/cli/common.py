"""Helpers shared by the sub-commands: one-line errors and Arabic-friendly JSON."""

from __future__ import annotations

import json
from typing import Any


class CliError(Exception):
    """A user mistake: printed as one line on stderr, exit status 2, no traceback."""


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON as a person reads it: UTF-8 Arabic, never ``\\u`` escapes."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)
