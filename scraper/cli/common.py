"""Helpers shared by the sub-commands: one-line errors and Arabic-friendly JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class CliError(Exception):
    """A user mistake: printed as one line on stderr, exit status 2, no traceback."""


def os_error_line(error: OSError) -> str:
    """``what: why`` of a file error, without Python's ``[Errno N]``."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def writable_output(path: str | Path, option: str = "--output") -> Path:
    """``path`` when a file can be written there, else a one-line CliError (checked before any work)."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise CliError(f"{option} {target} is a folder: give a file name, e.g. {target / 'articles.csv'}")
    if not folder.is_dir():
        raise CliError(f"{option} {target}: the folder {folder} does not exist; create it or write elsewhere")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"{option} {target}: not writable; choose a file in a folder you can write")
    return target


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON as a person reads it: UTF-8 Arabic, never ``\\u`` escapes."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)
