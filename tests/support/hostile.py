"""Helpers for the hostile-web reliability tests: run a real crawl (tests/support/reliability_crawl.py)
against a local server in its own process group, then read back what the database holds.

The crawl runs in a new session, so after it exits any process left in its group (an extraction
worker, a forkserver) is an orphan the crawl failed to stop.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    status: int
    output: str
    stats: dict[str, Any]
    orphans: list[str]  # command lines of processes of the crawl's group still alive after it exited
    seconds: float


def run_crawl(options: dict[str, Any], timeout: float = 120) -> CrawlResult:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        output, _ = process.communicate()
        raise AssertionError(f"crawl still running after {timeout} s:\n{output[-3000:]}") from None
    seconds = time.monotonic() - started
    orphans = _group_members(process.pid)
    for pid, _ in orphans:  # do not leave them to the next test
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    return CrawlResult(process.returncode, output, _stats(output), [line for _, line in orphans], seconds)


def _group_members(group: int) -> list[tuple[int, str]]:
    """Live (not zombie) processes whose process group is ``group``; waits up to 2 s for them to go."""
    found: list[tuple[int, str]] = []
    for _ in range(20):
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == group:
                found.append((int(entry.name), cmdline.strip()))
        if not found:
            return []
        time.sleep(0.1)
    return found


def _stats(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith("STATS "):
            return dict(json.loads(line[len("STATS "):]))
    return {}


def rows(database_url: str, sql: str) -> list[dict[str, Any]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(text(sql)).mappings()]
    finally:
        engine.dispose()


def failures(database_url: str) -> dict[str, dict[str, Any]]:
    """extraction_failure rows by URL (with the size of the raw page kept, or None)."""
    found = rows(
        database_url,
        "SELECT f.url, f.stage, f.error, f.crawl_run_id, p.size AS page_size FROM extraction_failure f"
        " LEFT JOIN raw_page p ON p.id = f.raw_page_id",
    )
    return {row["url"]: row for row in found}


def crawl_run(database_url: str) -> dict[str, Any]:
    [run] = rows(database_url, "SELECT * FROM crawl_run")
    return run


def stored_urls(database_url: str) -> set[str]:
    return {row["canonical_url"] for row in rows(database_url, "SELECT canonical_url FROM article")}
