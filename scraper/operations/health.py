"""A run compared with its site's recent history: ``ok``, ``degraded`` (and what dropped) or ``new``.

The baseline of a measure is its median over the site's last ``history`` runs that were not
degraded (a broken site stays degraded until it is fixed, or until ``akhbar health --accept``
takes the change as the new normal). A run is degraded when

- the share of articles with a field (title, body, date with time, captions, sources, authors)
  falls below ``(1 - tolerance)`` of its usual share, by more than ``min_drop`` (so a field that
  only a few articles carry is not flagged for noise);
- the share of HTTP errors or of extraction failures rises by more than ``min_drop`` above usual;
- a finished run fetched or stored less than ``(1 - count_tolerance)`` of the usual number.

Shares are judged only for runs with at least ``min_articles`` articles.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from models import CrawlHealth, CrawlRun
from scraper.operations.measure import FIELDS, RunMeasure
from scraper.storage.engine import writer_engine

OK, DEGRADED, NEW, ACCEPTED = "ok", "degraded", "new", "accepted"
BASELINE_STATES = (OK, ACCEPTED, NEW)


@dataclass(frozen=True)
class Tolerance:
    tolerance: float = 0.5
    min_drop: float = 0.1
    count_tolerance: float = 0.8
    history: int = 10
    min_history: int = 3
    min_articles: int = 5

    @classmethod
    def from_settings(cls, get: Callable[[str, float], float]) -> Tolerance:
        return cls(
            tolerance=get("AKHBAR_HEALTH_TOLERANCE", cls.tolerance),
            min_drop=get("AKHBAR_HEALTH_MIN_DROP", cls.min_drop),
            count_tolerance=get("AKHBAR_HEALTH_COUNT_TOLERANCE", cls.count_tolerance),
            history=int(get("AKHBAR_HEALTH_HISTORY", cls.history)),
            min_history=int(get("AKHBAR_HEALTH_MIN_HISTORY", cls.min_history)),
            min_articles=int(get("AKHBAR_HEALTH_MIN_ARTICLES", cls.min_articles)),
        )


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def compare(run: RunMeasure, history: list[RunMeasure], tolerance: Tolerance, *, finished: bool = True) -> list[dict]:
    """What fell (or rose) beyond the tolerance: ``[{"measure", "value", "usual"}]``, empty when fine."""
    drops: list[dict[str, Any]] = []

    def flag(measure: str, value: float, usual: float) -> None:
        drops.append({"measure": measure, "value": round(value, 3), "usual": round(usual, 3)})

    if run.articles >= tolerance.min_articles:
        for name in FIELDS:
            value, usual = run.share(name), _median([h.share(name) for h in history])
            if value is None or usual is None:
                continue
            if value < usual * (1 - tolerance.tolerance) and usual - value > tolerance.min_drop:
                flag(name, value, usual)
    for measure, read in (("http_errors", RunMeasure.error_share), ("extraction_failures", RunMeasure.failure_share)):
        value, usual = read(run), _median([read(h) for h in history])
        if value is not None and usual is not None and value - usual > tolerance.min_drop:
            flag(measure, value, usual)
    if finished:
        for measure in ("pages_fetched", "articles"):
            value, usual = float(getattr(run, measure)), _median([float(getattr(h, measure)) for h in history])
            if usual and value < usual * (1 - tolerance.count_tolerance):
                flag(measure, value, usual)
    return drops


def describe(drops: list[dict[str, Any]]) -> str:
    """One line: ``captions 10% (usually 80%), articles 3 (usually 40)``."""
    parts = []
    for drop in drops:
        if drop["measure"] in ("pages_fetched", "articles"):
            parts.append(f"{drop['measure']} {drop['value']:g} (usually {drop['usual']:g})")
        else:
            parts.append(f"{drop['measure']} {drop['value']:.0%} (usually {drop['usual']:.0%})")
    return ", ".join(parts)


def history_of(engine: Engine, site: str, before_run: int, limit: int) -> list[RunMeasure]:
    table = CrawlHealth.__table__
    query = (
        select(table)
        .where(table.c.site == site, table.c.crawl_run_id < before_run, table.c.state.in_(BASELINE_STATES))
        .order_by(table.c.crawl_run_id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [RunMeasure.from_row(row) for row in conn.execute(query).mappings()]


def record_run(
    engine: Engine, run_id: int, site: str, measure: RunMeasure, tolerance: Tolerance, *, finished: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Compare the run with the site's history, store its row, and return (state, drops)."""
    history = history_of(engine, site, run_id, tolerance.history)
    if len(history) < tolerance.min_history:
        state, drops = NEW, []
    else:
        drops = compare(measure, history, tolerance, finished=finished)
        state = DEGRADED if drops else OK
    row = {"crawl_run_id": run_id, "site": site, "checked_at": datetime.now(UTC), "state": state, "drops": drops,
           **measure.as_dict()}
    with writer_engine(engine).begin() as conn:
        conn.execute(CrawlHealth.__table__.insert(), row)
    return state, drops


def accept(engine: Engine, site: str) -> int | None:
    """Take the site's latest degraded run as its new normal; the run's id, or None if none was degraded."""
    table = CrawlHealth.__table__
    with writer_engine(engine).begin() as conn:
        latest = conn.execute(
            select(table.c.crawl_run_id, table.c.state).where(table.c.site == site)
            .order_by(table.c.crawl_run_id.desc()).limit(1)
        ).first()
        if latest is None or latest.state != DEGRADED:
            return None
        conn.execute(update(table).where(table.c.crawl_run_id == latest.crawl_run_id).values(state=ACCEPTED))
        return int(latest.crawl_run_id)


def site_states(engine: Engine, trend_runs: int = 8) -> list[dict[str, Any]]:
    """Every monitored site's latest run, its state and its recent article counts (oldest first)."""
    health, runs = CrawlHealth.__table__, CrawlRun.__table__
    query = (
        select(health, runs.c.started_at, runs.c.finished_at, runs.c.finish_reason)
        .join(runs, runs.c.id == health.c.crawl_run_id)
        .order_by(health.c.site, health.c.crawl_run_id.desc())
    )
    sites: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            entry = sites.get(row["site"])
            if entry is None:
                measure = RunMeasure.from_row(row)
                entry = sites[row["site"]] = {
                    "site": row["site"],
                    "last_run": int(row["crawl_run_id"]),
                    "started_at": row["started_at"].astimezone(UTC).isoformat() if row["started_at"] else None,
                    "finish_reason": row["finish_reason"],
                    "state": row["state"],
                    "drops": list(row["drops"] or []),
                    "pages_fetched": measure.pages_fetched,
                    "articles": measure.articles,
                    "trend": [],
                }
            if len(entry["trend"]) < trend_runs:
                entry["trend"].insert(0, int(row["articles"]))
    return list(sites.values())


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """A small trend: one bar per run, scaled to the largest."""
    top = max(values, default=0)
    if not top:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] for v in values)
