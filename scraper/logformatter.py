"""Log lines a person can read: a dropped page is its URL and the reason, not the whole item."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter


class AkhbarLogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None,
                **kwargs: Any) -> logformatter.LogFormatterResult:
        level = getattr(exception, "log_level", None) or "WARNING"
        return {
            "level": getattr(logging, str(level).upper(), logging.WARNING),
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
