"""Snippets: the part of a text where the query's words are, with those words marked.

Matching is by search token (scraper.query.arabic), the same test the index applies, so
``المفاوضات`` marks ``بالمفاوضات`` and ``مفاوضات`` in the original spelling and diacritics.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from html import escape

from scraper.query import arabic

SNIPPET_WORDS = 32


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    match: bool = False


def _matches(token: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    return token in exact or (bool(prefixes) and token.startswith(prefixes))


def highlight(text: str, exact: frozenset[str], prefixes: tuple[str, ...] = ()) -> list[Segment]:
    """All of ``text`` as segments, the matching words marked."""
    segments: list[Segment] = []
    at = 0
    for start, end, token in arabic.spans(text):  # tuples: a Word object per word cost more than the rest
        if token and _matches(token, exact, prefixes):
            if start > at:
                segments.append(Segment(text[at:start]))
            segments.append(Segment(text[start:end], True))
            at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def snippet(
    text: str, exact: frozenset[str], prefixes: tuple[str, ...] = (), size: int = SNIPPET_WORDS
) -> list[Segment]:
    """About ``size`` words of ``text`` around where most query words are (its start if none)."""
    if not exact and not prefixes:  # nothing to mark: the opening words
        text_start = " ".join(text[: size * 12].split()[:size])
        more = len(text_start) < len(" ".join(text.split()))
        return [Segment(text_start + (" …" if more else ""))] if text_start else []
    # Tokens of every word (the window is chosen over the whole text), but offsets only of the two
    # words that bound the window: building a span for each of a body's ~300 words cost more than
    # the rest of a search page.
    tokens = arabic.word_tokens(text)
    if not tokens:
        return []
    if prefixes:
        hits = [i for i, token in enumerate(tokens) if token and _matches(token, exact, prefixes)]
    else:
        wanted = exact - {""}
        hits = [i for i, token in enumerate(tokens) if token in wanted]
    start = 0
    if hits:  # the window of `size` words holding the most hits, started a few words before the first
        best = max(range(len(hits)), key=lambda i: bisect_left(hits, hits[i] + size) - i)
        start = max(0, hits[best] - 4)
    end = min(len(tokens), start + size)
    begin = arabic.word_span(text, start)[0] if start else 0
    finish = arabic.word_span(text, end - 1)[1] if end < len(tokens) else len(text)
    piece = text[begin:finish].replace("\n\n", " … ").replace("\n", " ")
    segments = highlight(piece, exact, prefixes)
    if begin > 0:
        segments.insert(0, Segment("… "))
    if finish < len(text):
        segments.append(Segment(" …"))
    return segments


def to_html(segments: list[Segment]) -> str:
    """Escaped HTML, matches in ``<mark>``."""
    return "".join(f"<mark>{escape(s.text)}</mark>" if s.match else escape(s.text) for s in segments)


def to_text(segments: list[Segment], before: str = "«", after: str = "»") -> str:
    return "".join(f"{before}{s.text}{after}" if s.match else s.text for s in segments)
