"""Fuzz the extractor with real and mutated pages: no exception escapes ``scraper.extract``, and
every input gives an article or a one-line reason.

Inputs: the real pages in ../shared/pages (read in place, never copied; see its README), the
CONSTRUCTED demo archive pages (scraper/demo/archive) and a constructed article shell, then
mutations of them with a seeded generator (the seed and mutation of a failing input are in the
failure message): truncation, byte flips, tag soup, deep nesting, huge attributes, wrong charsets,
random bytes, NULs and control characters, spliced pages. A fast sample runs every time; 10,000
inputs run in the slow set (small pages: whole real pages take 25-200 ms each on a loaded box).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.article import Article, NotAnArticle
from scraper.extract import ExtractionError, extract
from tests.support.constructed import page, paragraphs

ROOT = Path(__file__).resolve().parents[1]
SHARED_PAGES = ROOT.parent / "shared" / "pages"
DEMO_PAGES = ROOT / "scraper" / "demo" / "archive" / "pages"
FETCHED = datetime(2024, 9, 19, 9, 30, tzinfo=UTC)
SMALL = 4 * 1024  # the slow set's pages: windows of real pages at most this long
# The slow set nests this deep at most, past libxml2's own limit (2,048 with huge_tree), where the
# parser's excess nesting is unwrapped. (The caption climb was quadratic in an empty chain's depth
# until it was capped: 2,000 levels took 12 s of CPU.)
SLOW_SET_MAX_DEPTH = 2500


@dataclass(frozen=True)
class Seed:
    name: str
    body: bytes
    url: str


def real_pages() -> list[Seed]:
    """The real pages with their truth's URL (empty when ../shared/pages is missing)."""
    import json

    seeds = []
    for truth in sorted(SHARED_PAGES.glob("*.json")) if SHARED_PAGES.is_dir() else []:
        data = json.loads(truth.read_text(encoding="utf-8"))
        html = SHARED_PAGES / data["file"]
        if html.is_file():
            seeds.append(Seed(html.name, html.read_bytes(), data["url"]))
    return seeds


def constructed_pages() -> list[Seed]:
    seeds = [Seed(f"demo/{path.name}", path.read_bytes(), f"https://www.alaraby.com/news/{path.stem}")
             for path in sorted(DEMO_PAGES.glob("*.html"))]
    shell = page(f"<h1>عنوان الخبر الرئيسي</h1><article>{paragraphs(4)}</article>")
    seeds.append(Seed("constructed shell", shell.encode("utf-8"), "https://news.example.org/2024/05/01/story"))
    return seeds


# -- mutations: each takes the generator and a page, returns (bytes, Content-Type header or None) --

Mutation = Callable[[random.Random, bytes], tuple[bytes, str | None]]
TAGS = [b"div", b"p", b"article", b"span", b"h1", b"figure", b"figcaption", b"table", b"td", b"script",
        b"style", b"a", b"time", b"meta", b"svg", b"math", b"template", b"noscript", b"iframe", b"!--"]


def as_is(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    return body, None


def truncate(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    return body[: rng.randint(0, len(body))], None


def flip_bytes(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    data = bytearray(body)
    for _ in range(rng.randint(1, max(1, len(data) // 50))):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data), None


def tag_soup(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    data = bytearray(body)
    for _ in range(rng.randint(5, 200)):
        tag = rng.choice(TAGS)
        piece = rng.choice([b"<" + tag + b">", b"</" + tag + b">", b"<" + tag, b"<" + tag + b' a="', b">", b"<",
                            b"&", b"&#x", b"<![CDATA[", b"]]>", b"-->"])
        at = rng.randint(0, len(data))
        data[at:at] = piece
    if rng.random() < 0.3:  # or drop every '>' of a stretch
        start = rng.randint(0, len(data))
        data[start : start + 2000] = data[start : start + 2000].replace(b">", b"")
    return bytes(data), None


def deep_nesting(rng: random.Random, body: bytes, max_depth: int = 3000) -> tuple[bytes, str | None]:
    depth = rng.randint(100, max_depth)
    tag = rng.choice([b"div", b"span", b"table", b"blockquote", b"b"])
    opened = b"".join(b"<" + tag + b">" for _ in range(depth))
    closed = b"".join(b"</" + tag + b">" for _ in range(rng.choice([0, depth])))
    at = body.find(b"<body")
    at = body.find(b">", at) + 1 if at >= 0 else 0
    return body[:at] + opened + body[at:] + closed, None


def huge_attributes(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    # Big enough to be hostile, small enough not to time the whole suite on lxml's attribute
    # parsing (100,000 attributes take lxml tens of seconds: the crawl's page limit is for that).
    if rng.random() < 0.5:
        attributes = b" ".join(b"data-a%d=\"%d\"" % (n, n) for n in range(rng.randint(100, 2000)))
    else:
        attributes = b'class="' + b"x" * rng.randint(10_000, 300_000) + b'"'
    element = b"<div " + attributes + b">\xd8\xae\xd8\xa8\xd8\xb1</div>"
    at = rng.randint(0, len(body))
    return body[:at] + element + body[at:], None


def wrong_charset(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    text = body.decode("utf-8", errors="replace")
    encoding = rng.choice(["windows-1256", "iso-8859-6", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"])
    data = text.encode(encoding, errors="replace")
    declared = rng.choice(["utf-8", "windows-1256", "iso-8859-6", "utf-16", "shift_jis", "nonsense-charset", ""])
    header = f"text/html; charset={declared}" if declared else rng.choice([None, "text/html", "application/xhtml+xml"])
    return data, header


def random_bytes(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096))), rng.choice([None, "text/html"])


def controls(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    data = bytearray(body)
    for _ in range(rng.randint(1, 100)):
        piece = rng.choice([b"\x00", b"\x1b", b"\x7f", b"\xe2\x80\x8f", b"\xe2\x80\xae", b"\xef\xbb\xbf", b"\xff\xfe",
                            b"\xc0\xaf", b"\xed\xa0\x80", b"\\u0000"])
        at = rng.randint(0, len(data))
        data[at:at] = piece
    return bytes(data), None


def splice(rng: random.Random, body: bytes) -> tuple[bytes, str | None]:
    cut = rng.randint(0, len(body))
    other = rng.randint(0, len(body))
    return body[:cut] + body[other:] + body[: rng.randint(0, len(body))], None


MUTATIONS: dict[str, Mutation] = {
    "as is": as_is, "truncate": truncate, "byte flips": flip_bytes, "tag soup": tag_soup,
    "deep nesting": deep_nesting, "huge attributes": huge_attributes, "wrong charset": wrong_charset,
    "random bytes": random_bytes, "controls": controls, "splice": splice,
}  # fmt: skip


def window(rng: random.Random, body: bytes, size: int) -> bytes:
    """A slice of a real page at most ``size`` bytes: its head, or a stretch of its middle."""
    if len(body) <= size:
        return body
    if rng.random() < 0.3:
        return body[:size]
    start = rng.randint(0, len(body) - size)
    return body[start : start + size]


@dataclass
class Outcome:
    articles: int = 0
    reasons: int = 0
    stage_errors: int = 0  # ExtractionError: a stage broke and became a reason
    seconds: float = 0.0


def fuzz(count: int, seed: int, *, small: bool) -> tuple[Outcome, Counter[str]]:
    """Extract ``count`` inputs; fail on any exception that is not a reason, or a reason that
    is not one line. ``small``: pages are windows of at most SMALL bytes."""
    rng = random.Random(seed)
    seeds = real_pages() + constructed_pages()
    names = list(MUTATIONS)
    outcome, tried = Outcome(), Counter[str]()
    start = time.perf_counter()
    for number in range(count):
        source = seeds[number % len(seeds)] if number < len(seeds) else rng.choice(seeds)
        name = "as is" if number < len(seeds) else rng.choice(names)  # every page once unchanged first
        body = window(rng, source.body, SMALL if small else rng.choice([SMALL, 64 * 1024, len(source.body)]))
        if name == "deep nesting" and small:
            data, content_type = deep_nesting(rng, body, SLOW_SET_MAX_DEPTH)
        else:
            data, content_type = MUTATIONS[name](rng, body)
        tried[name] += 1
        where = f"input {number} (seed {seed}): {name} of {source.name}, {len(data)} bytes"
        try:
            article = extract(data, source.url, FETCHED, content_type=content_type)
        except ExtractionError as error:
            outcome.stage_errors += 1
            outcome.reasons += 1
            assert str(error) and "\n" not in str(error), where
        except NotAnArticle as error:
            outcome.reasons += 1
            assert str(error) and "\n" not in str(error), f"{where}: reason {str(error)!r}"
        except Exception as error:  # the failure this test exists for
            pytest.fail(f"{where}: {type(error).__name__}: {error}")
        else:
            assert isinstance(article, Article), where
            assert article.title and article.body, where
            outcome.articles += 1
    outcome.seconds = time.perf_counter() - start
    return outcome, tried


def _record(reliability, outcome: Outcome, count: int, tried: Counter[str], *, slow: bool) -> None:  # type: ignore[no-untyped-def]
    origin = f"{len(real_pages())} real pages" if real_pages() else "no real pages (../shared/pages missing)"
    reliability(
        scenario="extractor fuzz: real and mutated pages",
        inputs=f"{count:,} inputs from {origin} + {len(constructed_pages())} constructed; "
               f"{len(tried)} mutations",
        result=f"exceptions: 0; {outcome.articles:,} articles, {outcome.reasons:,} reasons "
               f"({outcome.stage_errors} from a broken stage)",
        lost=0,
        slow=slow,
    )


def test_fuzz_sample_every_run(reliability) -> None:
    if not real_pages():
        print(f"note: {SHARED_PAGES} is missing: fuzzing the constructed pages only")
    count = 200
    outcome, tried = fuzz(count, seed=20261203, small=False)
    assert outcome.articles + outcome.reasons == count
    assert set(tried) == set(MUTATIONS)  # every mutation was tried
    assert outcome.articles > 0 and outcome.reasons > 0  # both branches were reached
    _record(reliability, outcome, count, tried, slow=False)


@pytest.mark.slow
def test_fuzz_10000_small_inputs(reliability) -> None:
    count = 10_000
    outcome, tried = fuzz(count, seed=9, small=True)
    assert outcome.articles + outcome.reasons == count
    assert set(tried) == set(MUTATIONS)
    assert outcome.articles > 0 and outcome.reasons > 0
    _record(reliability, outcome, count, tried, slow=True)
