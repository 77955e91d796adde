"""The SQLite writer's background checkpoint thread: copies the WAL while the writer works, stops with it."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, text

from scraper.storage import writer as writer_module
from scraper.storage.synthetic import make_item
from scraper.storage.writer import ArticleWriter


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-checkpoint"]


def test_checkpoint_thread_runs_for_large_sqlite_batches_and_stops_with_the_writer(
    engine: Engine, monkeypatch
) -> None:
    monkeypatch.setattr(writer_module, "CHECKPOINT_INTERVAL_S", 0.05)
    before = len(_checkpoint_threads())
    writer = ArticleWriter(engine)
    writer.store([make_item(1)])  # small batch: nothing started
    assert len(_checkpoint_threads()) == before
    items = [make_item(n) for n in range(2, 2 + writer_module.WORKER_MIN_ITEMS)]
    writer.store(items)
    expected = before + (1 if engine.dialect.name == "sqlite" else 0)
    assert len(_checkpoint_threads()) == expected
    threading.Event().wait(0.2)  # a few background checkpoints meanwhile
    writer.close()
    assert len(_checkpoint_threads()) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article")).scalar_one() == 1 + len(items)
