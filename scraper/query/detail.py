"""One article in full for readers: its record, revisions as diffs, and its story's timeline."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models import Article as ArticleRow
from models import ArticleRevision, Site
from scraper.query.filters import article_date
from scraper.storage.queries import get_record

_DIFF_FIELDS = ("title", "subtitle", "body", "published_at", "section")


def _revision_text(record: dict[str, Any]) -> list[str]:
    """A revision as lines to diff: a header per field, the body one paragraph a line."""
    lines: list[str] = []
    for name in _DIFF_FIELDS:
        value = record.get(name)
        if name == "body":
            lines += [f"[{name}]", *[p for p in str(value or "").split("\n\n") if p]]
        elif value:
            lines.append(f"[{name}] {value}")
    for caption in record.get("captions") or []:
        lines.append(f"[caption] {caption.get('text', '')}")
    return lines


def revision_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """What changed from one revision record to the next: ``{"kind": "removed"|"added", "text"}``
    per changed line (a field's header in brackets, the body one paragraph a line)."""
    out: list[dict[str, str]] = []
    for line in difflib.unified_diff(_revision_text(old), _revision_text(new), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        out.append({"kind": "added" if line.startswith("+") else "removed", "text": line[1:]})
    return out


def revisions(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    """Every revision in the order first seen, each with its diff from the one before."""
    rows = conn.execute(
        select(ArticleRevision.first_seen_at, ArticleRevision.last_seen_at, ArticleRevision.record)
        .where(ArticleRevision.article_id == article_id)
        .order_by(ArticleRevision.first_seen_at, ArticleRevision.id)
    ).all()
    out: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for number, (first, last, record) in enumerate(rows, start=1):
        diff = revision_diff(previous, record) if previous is not None else []
        out.append({"number": number, "first_seen_at": first, "last_seen_at": last, "title": record.get("title"),
                    "diff": diff})  # fmt: skip
        previous = record
    return out


_PASSAGES = 6  # changed passages shown per copy
_PASSAGE_WORDS = 40


def _words(text: str) -> list[str]:
    return text.split()


def _passage(words: list[str]) -> str:
    return " ".join(words[:_PASSAGE_WORDS]) + (" …" if len(words) > _PASSAGE_WORDS else "")


def timeline(conn: Connection, cluster: int | None, article_id: int) -> list[dict[str, Any]]:
    """Every article of the story in order of publication; how each differs from the first: title,
    similarity, words added and removed, and the changed passages (body words, as printed)."""
    if cluster is None:
        return []
    date_ = article_date().label("date")
    rows = conn.execute(
        select(ArticleRow.id, ArticleRow.title, ArticleRow.body, ArticleRow.canonical_url, date_,
               Site.name.label("site"))
        .join(Site, Site.id == ArticleRow.site_id)
        .where(ArticleRow.story_cluster == cluster)
        .order_by(date_, ArticleRow.id)
    ).all()  # fmt: skip
    if not rows:
        return []
    first = rows[0]
    first_words = _words(first.body)
    out = []
    for row in rows:
        words = _words(row.body)
        matcher = difflib.SequenceMatcher(None, first_words, words, autojunk=False)
        added = removed = 0
        changes: list[dict[str, str]] = []  # the passages themselves: what a reader wants to see
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                removed += i2 - i1
                changes.append({"kind": "removed", "text": _passage(first_words[i1:i2])})
            if tag in ("replace", "insert"):
                added += j2 - j1
                changes.append({"kind": "added", "text": _passage(words[j1:j2])})
        out.append(
            {
                "id": row.id, "site": row.site, "title": row.title, "url": row.canonical_url, "date": row.date,
                "first": row.id == first.id, "current": row.id == article_id,
                "same_title": row.title == first.title, "similarity": round(matcher.ratio(), 3),
                "words_added": added, "words_removed": removed,
                "changes": changes[:_PASSAGES], "more_changes": max(0, len(changes) - _PASSAGES),
            }
        )  # fmt: skip
    return out


def article_detail(conn: Connection, article_id: int) -> dict[str, Any] | None:
    """The stored record, its revisions with diffs, and its story timeline; None if no such article."""
    with Session(bind=conn) as session:
        record = get_record(session, article_id)
    if record is None:
        return None
    record["revision_list"] = revisions(conn, article_id)
    record["timeline"] = timeline(conn, record["story_cluster"], article_id)
    return record
