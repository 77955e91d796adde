"""``akhbar serve`` run as a user runs it (a subprocess on a free 127.0.0.1 port), for tests that
need the real HTTP server rather than FastAPI's in-process TestClient."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

AKHBAR = [sys.executable, "-m", "scraper.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(database: str, *extra: str) -> Iterator[str]:
    """Start ``akhbar serve`` on ``database``; yields its base URL; stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [*AKHBAR, "serve", "--database", database, "--port", str(port), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/openapi.json", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"akhbar serve exited: {process.stderr.read().decode() if process.stderr else ''}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
