"""Live progress of a long run (crawl, reparse, export).

On a terminal a rich live line shows the counts, the rate and the elapsed time, and log lines
scroll above it; off a terminal (cron, systemd, a pipe) one plain summary line is written every
``interval`` seconds instead, so a log file shows how far a run got without being flooded.
Either way the run ends with one summary line.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console
from rich.live import Live
from rich.text import Text

T = TypeVar("T")
DEFAULT_INTERVAL = 30.0  # seconds between off-terminal lines


def _elapsed(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


class Progress:
    """Counts of a run, shown live or logged periodically.

    ``fields`` names the counts in display order; the rate is of the first one, per second.
    ``total`` (optional) is what the first count goes up to.
    """

    def __init__(
        self,
        label: str,
        fields: Iterable[str],
        *,
        console: Console | None = None,
        live: bool | None = None,
        interval: float | None = None,
        emit: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.fields = tuple(fields)
        self.counts: dict[str, int] = dict.fromkeys(self.fields, 0)
        self.total: int | None = None
        self.console = console or Console(stderr=True)
        self.live_mode = self.console.is_terminal if live is None else live
        # AKHBAR_PROGRESS_INTERVAL is read here too, so reparse and export follow the crawl's setting
        self.interval = float(os.environ.get("AKHBAR_PROGRESS_INTERVAL", DEFAULT_INTERVAL)) if interval is None \
            else interval
        self.emit = emit or (lambda line: print(line, file=sys.stderr, flush=True))
        self.clock = clock
        self.started = clock()
        self.last_line = self.started
        self.lines_logged = 0
        self._live: Live | None = None
        self._handlers: list[tuple[logging.StreamHandler, Any]] = []

    # --- what is shown ---------------------------------------------------------------------

    def line(self) -> str:
        """``crawl: 120 pages, 100 stored, 5 dropped, 0 errors; 3.2 pages/s; 0:00:37``."""
        elapsed = max(self.clock() - self.started, 1e-9)
        first = self.fields[0]
        parts = []
        for name in self.fields:
            value = f"{self.counts[name]}/{self.total}" if name == first and self.total is not None else \
                str(self.counts[name])
            parts.append(f"{value} {name}")
        rate = self.counts[first] / elapsed
        return f"{self.label}: {', '.join(parts)}; {rate:.1f} {first}/s; {_elapsed(elapsed)}"

    def _render(self) -> Text:
        return Text(self.line(), style="bold")

    # --- the run's life --------------------------------------------------------------------

    def start(self) -> Progress:
        if self.live_mode and self._live is None:
            self._live = Live(self._render(), console=self.console, refresh_per_second=4, transient=True,
                              redirect_stderr=True, redirect_stdout=False)
            self._live.start()
            self._route_logs_through_live()
        return self

    def _route_logs_through_live(self) -> None:
        """Log handlers that write to the terminal write through rich, above the live line."""
        proxy = sys.stderr  # rich's proxy while the live display runs
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and getattr(handler.stream, "isatty", lambda: False)():
                self._handlers.append((handler, handler.setStream(proxy)))

    def update(self, total: int | None = None, **counts: int) -> None:
        """Set counts (absolute values); refresh the live line or log a line when ``interval`` has passed."""
        self.counts.update(counts)
        if total is not None:
            self.total = total
        if self._live is not None:
            self._live.update(self._render())
            return
        now = self.clock()
        if not self.live_mode and now - self.last_line >= self.interval:
            self.last_line = now
            self.lines_logged += 1
            self.emit(self.line())

    def finish(self, *, always: bool = True) -> str:
        """Stop the live line and write the summary (off a terminal only if ``always`` or a line was logged)."""
        summary = f"{self.line()} (finished)"
        if self._live is not None:
            for handler, stream in self._handlers:
                handler.setStream(stream)
            self._handlers = []
            self._live.stop()
            self._live = None
            self.console.print(summary, highlight=False)
        elif always or self.lines_logged:
            self.emit(summary)
        return summary

    def track(self, items: Iterable[T], field: str | None = None) -> Iterator[T]:
        """Count the items of an iterable as they go by (into ``field``, by default the first)."""
        name = field or self.fields[0]
        for item in items:
            yield item
            self.update(**{name: self.counts[name] + 1})
