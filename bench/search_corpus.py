"""The search benchmark's articles: Arabic words drawn with a Zipf distribution (never real pages).

Search cost depends on how many articles hold a word. scraper/storage/synthetic.py draws bodies
uniformly from ~130 words, so every word is in nearly every article: fine for storage, useless for
search (a one-word query matches 90% of the archive). Here the most frequent words are real Arabic
words (the constructed demo archive's text and the synthetic prose, ranked by how often they occur
there), followed by a long tail of generated Arabic-letter words, and words are drawn with
probability ~ 1/rank, as in real news text. So a query word's share of articles ranges from
nearly all (في، من) to a handful, like a real archive's.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import accumulate
from pathlib import Path

from scraper.article import Article, CrawlItem
from scraper.storage.synthetic import _PROSE, make_article, make_page

DEMO_PAGES = Path(__file__).resolve().parents[1] / "scraper" / "demo" / "archive" / "pages"
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
VOCABULARY = 50_000
BODY_WORDS = (150, 400)


def _real_words() -> list[str]:
    counts: Counter[str] = Counter(_ARABIC_WORD.findall(_PROSE))
    for page in sorted(DEMO_PAGES.glob("*.html")):
        counts.update(_ARABIC_WORD.findall(page.read_text("utf-8")))
    return [word for word, _ in counts.most_common()]


def vocabulary(size: int = VOCABULARY, seed: int = 3) -> list[str]:
    """Words by rank: real ones first, then generated ones (3-7 letters) up to ``size``."""
    words = _real_words()
    seen = set(words)
    rng = random.Random(seed)
    while len(words) < size:
        word = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 7)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words[:size]


WORDS = vocabulary()
_CUMULATIVE = list(accumulate(1 / (rank + 1) for rank in range(len(WORDS))))


def draw(rng: random.Random, count: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=_CUMULATIVE, k=count)


def rank_of(rng: random.Random, low: int, high: int) -> str:
    """A word whose rank is log-uniform in [low, high): what users type is mostly a topic word."""
    rank = int(low * (high / low) ** rng.random())
    return WORDS[min(rank, len(WORDS) - 1)]


def body(number: int) -> list[str]:
    """Article ``number``'s paragraphs (seeded: the same number, the same text)."""
    rng = random.Random(number * 7919)
    words = draw(rng, rng.randint(*BODY_WORDS))
    paragraphs, at = [], 0
    while at < len(words):
        size = rng.randint(30, 70)
        paragraphs.append(" ".join(words[at : at + size]) + ".")
        at += size
    return paragraphs


def article(number: int) -> Article:
    rng = random.Random(number * 104729)
    title = " ".join(draw(rng, rng.randint(6, 10))) + f" ({number})"
    return make_article(number, title=title, paragraphs=body(number))


def item(number: int) -> CrawlItem:
    found = article(number)
    return CrawlItem(page=make_page(found), article=found)


def phrase(rng: random.Random, articles: int) -> str:
    """Two words next to each other in some article's body, quoted."""
    words = " ".join(body(rng.randrange(articles))).replace(".", "").split()
    at = rng.randrange(len(words) - 1)
    return f'"{words[at]} {words[at + 1]}"'


def share(rank: int, body_words: int = sum(BODY_WORDS) // 2) -> float:
    """About how many articles hold the word of this rank (for the README's description)."""
    p = 1 / (rank + 1) / _CUMULATIVE[-1]
    return 1 - (1 - p) ** body_words
