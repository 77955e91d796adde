"""Start-up time of the ``akhbar`` command: wall time of fresh processes, median of N runs.

Measures ``python -c pass`` (the interpreter's own start, the floor), ``akhbar --help`` (no
heavy import at all) and ``akhbar extract`` of one saved page (imports the extractor and its
language data, parses the page, prints JSON). Runs are interleaved, so a busy moment on a
shared machine hits all three alike.

    python bench/startup.py [--runs 15] [--page PATH --url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# As an installed akhbar runs: with cached bytecode (pip writes it; PYTHONDONTWRITEBYTECODE, set in
# some sandboxes, would make every run compile the sources again).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
DEFAULT_PAGE = ROOT.parent / "shared" / "pages" / "arabic.rt.com__1101738.html"
DEFAULT_URL = "https://arabic.rt.com/world/1101738"


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="a saved article page")
    parser.add_argument("--url", default=DEFAULT_URL, help="the page's URL")
    args = parser.parse_args()
    akhbar = str(BIN / "akhbar")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "akhbar --help": [akhbar, "--help"],
        "akhbar extract (one page)": [akhbar, "extract", str(args.page), "--url", args.url, "--compact"],
    }
    for command in commands.values():  # warm the page cache and write the .pyc files
        run(command)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            seconds, cpu = run(command)
            walls[name].append(seconds)
            cpus[name].append(cpu)
    print(f"{args.runs} runs each, interleaved; a fresh process each time (CPU: the child's user + system)")
    print(f"{'command':<28} {'wall median s':>13} {'min':>6} {'max':>6} {'CPU median s':>13}")
    for name in commands:
        values = walls[name]
        print(f"{name:<28} {statistics.median(values):>13.3f} {min(values):>6.3f} {max(values):>6.3f}"
              f" {statistics.median(cpus[name]):>13.3f}")


if __name__ == "__main__":
    main()
