"""Duplicate stories across URLs: exact body hashes, and MinHash LSH for agency copy with small edits.

Signatures come from datasketch over word 3-shingles of ``fingerprint_text`` (hamza forms,
alef maqsura, taa marbuta, diacritics and tatweel folded), so spelling variants between
outlets don't hide a shared story. LSH band keys are stored as rows (``minhash_bucket``)
so a later run, or another process, finds the earlier copies in the database.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from scraper.text import fingerprint_words

NUM_PERM = 64
THRESHOLD = 0.5  # estimated Jaccard of shingle sets above which two bodies are one story
SHINGLE_WORDS = 3
MIN_WORDS = 20  # shorter bodies (briefs, captions only) match too easily; exact hash only
# Only the lead is fingerprinted: it identifies an agency story, and hashing whole long bodies
# dominated ingest time.
MAX_CHARS = 1500
SEED = 1  # seed and scheme fixed forever: stored signatures must stay comparable across runs
SCHEME = "affine32"
# crc32: stable across processes and ~10x cheaper than the default sha1 per shingle; 32 bits
# is what the affine32 scheme permutes.
# (bands, rows per band) that datasketch's MinHashLSH picks for THRESHOLD and NUM_PERM (a test
# checks): written out so bucket keys and band comparisons need no datasketch (nor SciPy).
BANDS, ROWS = SHAPE = (14, 4)
_BAND_PREFIX = [bytes([band]) for band in range(BANDS)]


@functools.cache
def _permutations() -> Any:
    """The MinHash permutations, made on first use: datasketch imports SciPy (0.5 s of a crawl's
    start-up), and a crawl process that leaves signatures to the storage worker never needs them."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(body: str) -> np.ndarray | None:
    """The MinHash values of a body, or None when it is too short to compare by shingles.

    A shingle is three words of ``fingerprint_text`` joined by a space, hashed with crc32 of its
    UTF-8 bytes. Those bytes are a slice of the encoded fingerprint, so each shingle is hashed
    from a memoryview slice instead of being built as a string (the same values, a third the time).
    """
    words = fingerprint_words(body[:MAX_CHARS])
    if len(words) < MIN_WORDS:
        return None
    encoded = " ".join(words).encode()
    spaces = np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == 0x20)  # UTF-8: 0x20 is only ever " "
    starts = [0, *(spaces + 1).tolist()]
    ends = [*spaces[SHINGLE_WORDS - 1 :].tolist(), len(encoded)]  # shingle i ends where word i + 2 does
    view, crc32 = memoryview(encoded), zlib.crc32
    # Repeated shingles give repeated hashes: the minimum is the same as over the set.
    hashes = [crc32(view[start:end]) for start, end in zip(starts, ends, strict=False)]
    # hashfunc=int: the values are already hashed (int of an int is the int, at C speed)
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME, hashfunc=int)
    minhash.update_batch(hashes)
    return minhash.hashvalues.astype("<u8")


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8")


def buckets(values: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (band number included, so keys never collide across bands)."""
    data, width = values.astype("<u8").tobytes(), ROWS * 8
    return [
        int.from_bytes(
            hashlib.blake2b(_BAND_PREFIX[band] + data[band * width : (band + 1) * width], digest_size=8).digest(),
            "big",
            signed=True,
        )
        for band in range(BANDS)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


class Candidates:
    """Signatures that new ones are matched against, each with its story cluster, as rows of one
    array: the best of a thousand holders is one numpy comparison, where one :func:`similarity`
    call per holder made storing quadratic in the size of a crowded bucket (a wire story copied
    across a site, or bench/crawl.py's pages, all variants of four templates)."""

    def __init__(self, capacity: int = 64) -> None:
        self._values = np.empty((max(capacity, 1), NUM_PERM), dtype="<u8")
        self._clusters = np.empty(max(capacity, 1), dtype=np.int64)
        self._rows: dict[int, int] = {}  # article id -> row

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._rows

    def add(self, article_id: int, values: np.ndarray, cluster: int) -> None:
        """Set (or replace) an article's signature and cluster."""
        row = self._rows.get(article_id)
        if row is None:
            row = self._rows[article_id] = len(self._rows)
            if row == len(self._clusters):
                self._values = np.concatenate([self._values, np.empty_like(self._values)])
                self._clusters = np.concatenate([self._clusters, np.empty_like(self._clusters)])
        self._values[row] = values
        self._clusters[row] = cluster

    def extend(self, article_ids: Sequence[int], blobs: Sequence[bytes], clusters: Sequence[int]) -> None:
        """Add stored signatures (:func:`to_bytes` blobs) of articles not added yet, converted in one
        numpy call: one conversion per holder cost more than the comparisons once buckets grew crowded."""
        if not article_ids:
            return
        start, count = len(self._rows), len(article_ids)
        while start + count > len(self._clusters):
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
            self._clusters = np.concatenate([self._clusters, np.empty_like(self._clusters)])
        self._values[start : start + count] = np.frombuffer(b"".join(blobs), dtype="<u8").reshape(count, NUM_PERM)
        self._clusters[start : start + count] = clusters
        for row, article_id in enumerate(article_ids, start):
            assert article_id not in self._rows, "extend() is for articles not added yet"
            self._rows[article_id] = row

    def best_in_bands(self, values: np.ndarray, exclude: int | None = None) -> tuple[float, int] | None:
        """What :meth:`best` gives for the holders of any of the LSH buckets of ``values``: the
        articles sharing one band with it (a bucket key is the hash of a band's values), ``exclude``
        left out. One comparison over every row, instead of a set of holders built per article."""
        count = len(self._rows)
        if not count:
            return None
        assert ROWS == 4, "a band is read as one uint32 of four booleans below"
        equal = self._values[:count] == values  # one byte (0 or 1) per value, rows of NUM_PERM
        # Four consecutive booleans, read as one uint32, are 0x01010101 when the band is shared
        # (numpy's all() over an axis of 4 cost three times the whole comparison).
        shared = (equal.view(np.uint32)[:, :BANDS] == 0x01010101).any(axis=1)
        if exclude is not None and exclude in self._rows:
            shared[self._rows[exclude]] = False
        if not shared.any():
            return None
        same = equal.view(np.uint8).sum(axis=1, dtype=np.int16)  # equal values per row
        same[~shared] = -1
        top = same.max()
        return float(top) / len(values), int(self._clusters[:count][same == top].min())
