"""MinHash signatures: datasketch (what akhbar uses) beside rensa (compiled, Rust), on the same leads.

    .venv/bin/python bench/minhash.py [--bodies 10000] [--repeat 3]

CPU times, best of ``--repeat``, on synthetic article leads (scraper.storage.synthetic, never real
pages), each as the writer reads it (``prepare.lead``):

* shingling alone (fingerprint words, crc32 of each 3-word shingle): both ways need it;
* ``dedup.signature`` (shingling + datasketch's affine32 MinHash), then + LSH bucket keys;
* rensa ``RMinHash`` fed the same crc32 shingle hashes in bulk, and fed the shingle bytes one
  document at a time;
* the import cost of each library, in fresh interpreters (best of 5).

rensa needs ``pip install rensa``; without it only the datasketch side is timed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.storage import dedup, prepare
from scraper.storage.synthetic import make_article
from scraper.text import fingerprint_words


def best(function: Callable[[], Any], repeat: int, clock: Callable[[], float] = time.process_time) -> float:
    """Best of ``repeat`` runs, in CPU seconds by default (a shared box's load inflates wall time)."""
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append(clock() - start)
    return min(times)


def shingle_hashes(body: str) -> list[int]:
    """The crc32 shingle hashes ``dedup.signature`` feeds datasketch, computed the same way."""
    words = fingerprint_words(body[: dedup.MAX_CHARS])
    if len(words) < dedup.MIN_WORDS:
        return []
    encoded = " ".join(words).encode()
    spaces = np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == 0x20)
    starts = [0, *(spaces + 1).tolist()]
    ends = [*spaces[dedup.SHINGLE_WORDS - 1 :].tolist(), len(encoded)]
    view = memoryview(encoded)
    return [zlib.crc32(view[start:end]) for start, end in zip(starts, ends, strict=False)]


def shingle_bytes(body: str) -> list[bytes]:
    words = fingerprint_words(body[: dedup.MAX_CHARS])
    return [" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)]


def import_time(module: str, repeat: int = 5) -> float:
    """Seconds a fresh interpreter takes to import ``module``, less a bare start-up."""

    def run(code: str) -> float:
        return best(lambda: subprocess.run([sys.executable, "-c", code], check=True), repeat, time.perf_counter)

    return run(f"import {module}") - run("pass")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    leads = [prepare.lead(make_article(n)) for n in range(args.bodies)]
    print(f"{len(leads)} synthetic leads, {sum(map(len, leads)) / len(leads):.0f} characters each on average; "
          f"best of {args.repeat}")
    rows = [
        ("fingerprint words alone", best(lambda: [fingerprint_words(b[: dedup.MAX_CHARS]) for b in leads],
                                         args.repeat)),
        ("shingles (crc32), no MinHash", best(lambda: [shingle_hashes(b) for b in leads], args.repeat)),
        ("datasketch: dedup.signature", best(lambda: [dedup.signature(b) for b in leads], args.repeat)),
        ("datasketch: prepare.sketches (+ buckets)", best(lambda: prepare.sketches(leads), args.repeat)),
    ]
    try:
        import rensa
    except ImportError:
        rensa = None
    if rensa is not None:
        hashes = [shingle_hashes(b) for b in leads]

        def bulk() -> Any:
            return rensa.RMinHash.digest_matrix_from_token_hash_sets(
                [shingle_hashes(b) for b in leads], dedup.NUM_PERM, dedup.SEED)

        def one_by_one() -> list[list[int]]:
            digests = []
            for body in leads:
                minhash = rensa.RMinHash(dedup.NUM_PERM, dedup.SEED)
                minhash.update(shingle_bytes(body))
                digests.append(minhash.digest())
            return digests

        rows += [
            ("rensa: shingles + digest_matrix (bulk)", best(bulk, args.repeat)),
            ("rensa: digest_matrix of ready hashes", best(
                lambda: rensa.RMinHash.digest_matrix_from_token_hash_sets(hashes, dedup.NUM_PERM, dedup.SEED),
                args.repeat)),
            ("rensa: RMinHash.update per body", best(one_by_one, args.repeat)),
        ]
    for name, seconds in rows:
        print(f"{name:44s} {seconds:7.3f} s  {seconds / len(leads) * 1e6:8.1f} us/body")
    for module in ("numpy", "scipy", "datasketch", "scraper.storage.dedup") + (("rensa",) if rensa else ()):
        print(f"import {module:30s} {import_time(module):6.3f} s")


if __name__ == "__main__":
    main()
