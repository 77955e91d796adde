"""Passwords never shown: the one place that hides them in URLs, messages and log records.

Database URLs carry passwords (``postgresql+psycopg://user:secret@host/db``). Whatever akhbar
prints, logs or stores about a URL or an error goes through :func:`mask_url` or
:func:`mask_secrets` first: CLI errors, crawl logs (see :func:`install_log_masking`), the
``crawl_run`` row's ``detail`` and spool file headers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "***"

# scheme://user:password@ : the password is everything up to the last @ before the host.
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/?#@\s'\"]*:)(?P<secret>[^\s'\"]*)(?P<at>@)", re.I)
# libpq / key=value connection strings: password=secret
_KEY_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<secret>'[^']*'|\"[^\"]*\"|[^\s;,'\"]+)", re.I)


def mask_secrets(text: str) -> str:
    """``text`` with every URL password and ``password=...`` value replaced by ``***``."""
    if "@" not in text and "password" not in text.lower():
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}{m['at']}" if m["secret"] else m[0], text)
    return _KEY_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)


def mask_url(url: str) -> str:
    """A database URL with its password hidden, even when SQLAlchemy cannot parse the URL."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL (a bad port, say) is exactly the one a user gets an error for
        return mask_secrets(url)


_installed = False


def install_log_masking() -> None:
    """Make every log record of this process carry masked text (idempotent).

    A record factory, not a handler filter: Scrapy, Twisted and the CLI each install their own
    handlers, and a factory applies before any of them formats the record.
    """
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it itself when it formats
            return record
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    logging.setLogRecordFactory(factory)
