"""The search box's language, parsed once and written out for SQLite FTS5 and PostgreSQL tsquery.

    بوتين المفاوضات          both words (AND is implied; ``AND`` and ``&`` may be written)
    بوتين OR زيلينسكي        either (``|`` too)
    أوكرانيا NOT روسيا       the first without the second (``-روسيا`` too)
    "الرئيس الروسي"          the words next to each other, in this order
    مفاوض*                   words starting so (after folding and the article)
    (بوتين OR لافروف) قمة    grouping

Only search tokens (scraper.query.arabic) reach the SQL, each quoted, so nothing a user types
is ever FTS5 or tsquery syntax. Lenient where a reading is obvious (an unclosed quote or
parenthesis ends at the end of the query, a stray ``)`` is ignored), a one-line
:class:`QueryError` where it is not (a lone ``NOT``, only exclusions, nothing searchable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.query import arabic

MAX_QUERY_CHARS = 500
_OPERATORS = {"OR": "OR", "|": "OR", "AND": "AND", "&": "AND", "NOT": "NOT"}
_LEX = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<open>\()|(?P<close>\))|(?P<op>\||&)|(?P<word>[^\s"()|&]+)')


class QueryError(ValueError):
    """A query that cannot be read: the message says why and what to write instead."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as typed
    tokens: tuple[str, ...]  # any of these search tokens (or prefixes, for a prefix term)
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    tokens: tuple[str, ...]  # these tokens in a row


@dataclass(frozen=True, slots=True)
class All:
    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Any_:
    options: tuple[Node, ...]


Node = Term | Phrase | All | Any_


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    root: Node

    def fts5(self) -> str:
        return _fts5(self.root)

    def tsquery(self) -> str:
        return _tsquery(self.root)

    def highlights(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """(tokens, token prefixes) a snippet marks: those the query looks for, not those it excludes."""
        exact: set[str] = set()
        prefixes: list[str] = []
        _collect(self.root, exact, prefixes)
        return frozenset(exact), tuple(prefixes)


def parse(text: str) -> Query:
    """The query, or a QueryError saying what is wrong with it."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS}")
    parser = _Parser(_lex(text))
    root = parser.expression(top=True)
    if root is None:
        raise QueryError("nothing to search for: the query has no words (punctuation and operators are not searched)")
    return Query(text, root)


def _lex(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for match in _LEX.finditer(text):
        kind = match.lastgroup or ""
        value = match.group(kind) if kind else ""
        if kind == "word" and value in _OPERATORS:
            kind, value = "op", _OPERATORS[value]
        elif kind == "op":
            value = _OPERATORS[value]
        elif kind == "word" and value.startswith("-") and len(value) > 1:
            items.append(("op", "NOT"))
            value = value[1:]
        items.append((kind, value))
    return items


class _Parser:
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def expression(self, *, top: bool = False) -> Node | None:
        """OR of AND groups, up to a closing parenthesis (or the end)."""
        options: list[Node] = []
        while True:
            group = self.group(top=top)
            if group is not None:
                options.append(group)
            item = self.peek()
            if item == ("op", "OR"):
                self.at += 1
                continue
            if item is None or item[0] == "close":
                break
        if not options:
            return None
        return options[0] if len(options) == 1 else Any_(tuple(options))

    def group(self, *, top: bool) -> Node | None:
        include: list[Node] = []
        exclude: list[Node] = []
        while (item := self.peek()) is not None:
            kind, value = item
            if kind == "close":
                if top:  # a stray ")" at the top level: ignored
                    self.at += 1
                    continue
                break
            if kind == "op" and value == "OR":
                break
            self.at += 1
            if kind == "op" and value == "AND":
                continue
            negate = kind == "op" and value == "NOT"
            if negate:
                following = self.peek()
                if following is None or following[0] in ("op", "close"):
                    raise QueryError(
                        "NOT must be followed by a word or a quoted phrase to exclude, e.g. أوكرانيا NOT روسيا"
                    )
                self.at += 1
                kind, value = following
            node = self.primary(kind, value)
            if node is not None:
                (exclude if negate else include).append(node)
        if exclude and not include:
            raise QueryError("the query only excludes words: add a word to find, e.g. أوكرانيا NOT روسيا")
        if not include:
            return None
        if len(include) == 1 and not exclude:
            return include[0]
        return All(tuple(include), tuple(exclude))

    def primary(self, kind: str, value: str) -> Node | None:
        if kind == "open":
            inner = self.expression()
            if self.peek() is not None and self.peek()[0] == "close":  # type: ignore[index]
                self.at += 1
            return inner  # an unclosed "(" ends at the end of the query
        if kind == "phrase":
            tokens = tuple(w.token for w in arabic.words(value) if w.token)
            if not tokens:
                return None
            if len(tokens) == 1:
                return Term(value, (tokens[0],))
            return Phrase(value, tokens)
        if kind == "word":
            return _word(value)
        return None


def _word(value: str) -> Node | None:
    prefix = value.endswith("*")
    pieces = [w for w in arabic.words(value) if w.token]  # "covid-19" is two words: a phrase
    if not pieces:
        return None
    if len(pieces) > 1:
        return Phrase(value, tuple(w.token for w in pieces))
    word = value[pieces[0].start : pieces[0].end]
    if prefix:
        return Term(value, tuple(arabic.prefix_variants(word)), prefix=True)
    return Term(value, tuple(arabic.variants(word)))


def _fts5(node: Node) -> str:
    if isinstance(node, Term):
        star = "*" if node.prefix else ""
        return "(" + " OR ".join(f'"{t}"{star}' for t in node.tokens) + ")"
    if isinstance(node, Phrase):
        return '"' + " ".join(node.tokens) + '"'
    if isinstance(node, Any_):
        return "(" + " OR ".join(_fts5(n) for n in node.options) + ")"
    found = "(" + " AND ".join(_fts5(n) for n in node.include) + ")"
    if node.exclude:
        found += " NOT (" + " OR ".join(_fts5(n) for n in node.exclude) + ")"
    return "(" + found + ")"


def _tsquery(node: Node) -> str:
    if isinstance(node, Term):
        star = ":*" if node.prefix else ""
        return "(" + " | ".join(f"'{t}'{star}" for t in node.tokens) + ")"
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(f"'{t}'" for t in node.tokens) + ")"
    if isinstance(node, Any_):
        return "(" + " | ".join(_tsquery(n) for n in node.options) + ")"
    parts = [_tsquery(n) for n in node.include] + [f"!{_tsquery(n)}" for n in node.exclude]
    return "(" + " & ".join(parts) + ")"


def _collect(node: Node, exact: set[str], prefixes: list[str]) -> None:
    if isinstance(node, Term):
        (prefixes.extend if node.prefix else exact.update)(node.tokens)
    elif isinstance(node, Phrase):
        exact.update(node.tokens)
    elif isinstance(node, Any_):
        for child in node.options:
            _collect(child, exact, prefixes)
    else:
        for child in node.include:
            _collect(child, exact, prefixes)
