"""Distributed crawling: the same local site crawled by 1, 2 and 4 processes sharing one Redis frontier.

A local HTTP server on 127.0.0.1 serves N article pages and a sitemap (bench/crawl.py's site).
For each process count, that many crawler processes (akhbar's full stack: site spider,
extraction, validate → normalize → store) start together with AKHBAR_REDIS_URL set and one key
prefix, and write to one database: a fresh PostgreSQL schema (``--database`` or
AKHBAR_TEST_POSTGRES_URL), else a fresh SQLite file. Reported: wall seconds from the start of the
processes to the end of the last (start-up and the idle wait included), the span from the first
to the last page fetched, pages/s over that span.
Every page must be fetched exactly once in each run (the benchmark checks).

    python bench/distributed.py [--pages 2000] [--processes 1 2 4] [--database URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import Handler, build_site  # bench/crawl.py: the same site

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("AKHBAR_REDIS_URL") or "redis://127.0.0.1:6379/0"


class CountingHandler(Handler):
    """bench/crawl.py's handler, also noting when each article page was served."""

    served: ClassVar[list[tuple[float, str]]] = []

    def do_GET(self) -> None:
        if self.path.startswith("/news/"):
            self.served.append((time.monotonic(), self.path))
        super().do_GET()


def fresh_database(base: str | None, folder: str) -> tuple[str, object]:
    """A URL to an empty database, and what drops it afterwards."""
    if not base:
        return f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:6]}.db", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"akhbar_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        admin.dispose()  # a fresh connection: the server may have restarted during the run
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def run(origin: str, database: str, processes: int, pages: int) -> dict[str, float | str]:
    prefix = f"akhbar-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "AKHBAR_REDIS_URL": REDIS_URL, "AKHBAR_REDIS_KEY": prefix, "AKHBAR_REDIS_IDLE": "1"}
    CountingHandler.served.clear()
    started = time.monotonic()
    children = [
        subprocess.Popen([sys.executable, str(ROOT / "bench" / "crawl.py"), "--run-ours", origin, database],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    codes = [child.wait() for child in children]
    wall = time.monotonic() - started
    if any(codes):
        raise SystemExit(f"a crawler failed: exit codes {codes}")
    served = list(CountingHandler.served)
    span = served[-1][0] - served[0][0] if len(served) > 1 else float("nan")
    paths = Counter(path for _, path in served)
    if len(paths) != pages or max(paths.values()) != 1:
        raise SystemExit(f"{len(paths)} distinct pages of {pages} fetched, most fetches of one page: "
                         f"{max(paths.values())}")
    return {"processes": processes, "wall": wall, "span": span, "rate": pages / span}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--database", default=os.environ.get("AKHBAR_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (a fresh schema per run); default: a SQLite file")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    server.daemon_threads = True
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.routes = build_site(origin, args.pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for count in args.processes:
            database, drop = fresh_database(args.database, folder)
            try:
                results.append(run(origin, database, count, args.pages))
            finally:
                drop()  # type: ignore[operator]
    server.shutdown()
    engine = "PostgreSQL" if args.database else "SQLite"
    print(f"{args.pages} article pages, one Redis frontier, one {engine} database")
    print(f"{'processes':>9} {'wall s':>7} {'fetch span s':>13} {'pages/s':>8} {'x one':>6}")
    for result in results:
        print(f"{result['processes']:>9} {result['wall']:>7.1f} {result['span']:>13.1f} {result['rate']:>8.1f}"
              f" {float(result['rate']) / float(results[0]['rate']):>6.2f}")


if __name__ == "__main__":
    main()
