"""The long-lived scheduler of ``akhbar schedule``: APScheduler fires jobs, each crawl is its own process.

- One process per site (``akhbar crawl SITE ...``), so a crash or a leak stays in one crawl.
- Never two runs of one site at once: when a site's run is due while its last one is still going,
  the new one is skipped, logged, and recorded as a ``crawl_run`` row with finish_reason
  ``skipped`` (``akhbar runs`` and SQL see it beside the real runs).
- SIGTERM (or Ctrl-C) stops firing jobs and waits for the running crawls to finish; after
  ``stop_timeout`` they are sent SIGTERM (Scrapy's clean stop: pages in flight are stored), and
  killed if they are still there ``KILL_GRACE_S`` later.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scraper.operations.schedules import Job, Schedules, since_argument

log = logging.getLogger("akhbar.schedule")

KILL_GRACE_S = 60.0
SKIPPED = "skipped"
REAP_INTERVAL_S = 0.5


@dataclass
class Running:
    job: str
    process: subprocess.Popen[bytes]
    started: float
    started_at: datetime
    timeout: float
    stopping: bool = False


def crawl_command(job: Job, site: str, now: datetime) -> list[str]:
    """``akhbar crawl SITE`` with the job's options, run with this Python (the same installation)."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", site]
    since = since_argument(job.since, now)
    if since:
        command += ["--since", since]
    if job.max_articles:
        command += ["--max-articles", str(job.max_articles)]
    if job.resume:
        command.append("--resume")
    if job.replay:
        command += ["--replay", job.replay]
    if job.database:
        command += ["--database", job.database]
    return command


class CrawlScheduler:
    def __init__(self, schedules: Schedules, *, command: Callable[[Job, str, datetime], list[str]] = crawl_command,
                 database: str | None = None) -> None:
        self.schedules = schedules
        self.command = command
        self.database = database
        self.running: dict[str, Running] = {}
        self.lock = threading.Lock()
        self.stop_requested = threading.Event()
        self.started_runs = 0
        self.skipped_runs = 0

    # --- firing ------------------------------------------------------------------------------

    def fire(self, job: Job) -> None:
        """A job is due: start a crawl of each of its sites that is not already being crawled."""
        if self.stop_requested.is_set():
            return
        now = datetime.now(UTC)
        for site in job.sites:
            with self.lock:
                current = self.running.get(site)
                if current is not None and current.process.poll() is None:
                    self.skipped_runs += 1
                    since = current.started_at.isoformat(timespec="seconds")
                    detail = f"job {job.name}: the run started at {since} (pid {current.process.pid}) is still going"
                    log.warning("skipped %s: %s", site, detail)
                    self._record_skipped(job, site, detail)
                    continue
                env = {**os.environ, "AKHBAR_PROGRESS": "log"}  # never a live display from a background crawl
                # Its own session: a Ctrl-C on the terminal reaches the scheduler, which stops the crawls itself.
                process = subprocess.Popen(self.command(job, site, now), env=env, start_new_session=True)
                self.running[site] = Running(job.name, process, time.monotonic(), now, job.timeout)
                self.started_runs += 1
                log.info("started %s (job %s, pid %d)", site, job.name, process.pid)

    def _record_skipped(self, job: Job, site: str, detail: str) -> None:
        from scraper.cli.db import DEFAULT_DATABASE_URL
        from scraper.storage.engine import make_engine
        from scraper.storage.migrate import upgrade
        from scraper.storage.writer import finish_crawl_run, start_crawl_run

        url = job.database or self.database or os.environ.get("AKHBAR_DATABASE_URL") or DEFAULT_DATABASE_URL
        try:
            engine = make_engine(url)
            try:
                upgrade(engine)
                run_id = start_crawl_run(engine, site)
                finish_crawl_run(engine, run_id, SKIPPED, detail=detail)
            finally:
                engine.dispose()
        except Exception as error:  # the log line stands; the scheduler must go on
            log.error("could not record the skipped run of %s: %s", site, error)

    # --- watching ----------------------------------------------------------------------------

    def reap(self) -> None:
        """Log finished crawls; stop those past their timeout."""
        with self.lock:
            for site, run in list(self.running.items()):
                code = run.process.poll()
                elapsed = time.monotonic() - run.started
                if code is not None:
                    del self.running[site]
                    level = logging.INFO if code == 0 else logging.WARNING
                    log.log(level, "%s finished with exit status %d after %.0f s", site, code, elapsed)
                elif run.timeout and elapsed > run.timeout and not run.stopping:
                    log.warning("%s has run %.0f s, past its timeout of %.0f s: stopping it", site, elapsed,
                                run.timeout)
                    run.process.send_signal(signal.SIGTERM)
                    run.stopping = True

    # --- the whole life ----------------------------------------------------------------------

    def _scheduler(self) -> Any:
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = BackgroundScheduler()
        for job in self.schedules.jobs:
            if job.cron:
                trigger = CronTrigger.from_crontab(job.cron, timezone=job.timezone)
            else:
                assert job.every is not None
                trigger = IntervalTrigger(seconds=job.every, timezone=job.timezone or "UTC")
            # An interval job runs at once, then every interval; a cron job when its expression says.
            first = {"next_run_time": datetime.now(UTC)} if job.every else {}
            scheduler.add_job(self.fire, trigger, args=[job], id=job.name, name=job.name, max_instances=1,
                              coalesce=True, misfire_grace_time=60, **first)
        return scheduler

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; then stop as the module docstring says. The exit status."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        scheduler = self._scheduler()
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("job %s: next run at %s", job.name, job.next_run_time.isoformat(timespec="seconds"))
        try:
            while not self.stop_requested.wait(REAP_INTERVAL_S):
                self.reap()
        finally:
            scheduler.shutdown(wait=True)  # no job fires any more
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self._drain()

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.stop_requested.is_set():
            return
        log.info("%s received: no new crawls; waiting for %d running (at most %.0f s)",
                 signal.Signals(signum).name, len(self.running), self.schedules.stop_timeout)
        self.stop_requested.set()

    def _drain(self) -> int:
        deadline = time.monotonic() + self.schedules.stop_timeout
        signalled = False
        while True:
            self.reap()
            if not self.running:
                log.info("scheduler stopped: %d runs started, %d skipped", self.started_runs, self.skipped_runs)
                return 0
            now = time.monotonic()
            if now >= deadline and not signalled:
                log.warning("stop timeout passed: stopping %s", ", ".join(sorted(self.running)))
                with self.lock:
                    for run in self.running.values():
                        run.process.send_signal(signal.SIGTERM)
                signalled, deadline = True, now + KILL_GRACE_S
            elif now >= deadline:
                with self.lock:
                    for site, run in self.running.items():
                        log.error("%s did not stop: killed", site)
                        run.process.kill()
                        run.process.wait()
                    self.running.clear()
                return 1
            time.sleep(REAP_INTERVAL_S)
