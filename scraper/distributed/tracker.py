"""Which taken requests are finished, so they leave the frontier's pending set only once committed.

A request taken from the frontier carries a token in ``request.meta``. It is finished when its
callback (or errback) has ended and every item it produced has left the item pipelines (stored
in the store pipeline's buffer, dropped into its failure buffer, or lost to a pipeline error).
Finished requests are acknowledged in Redis after the store pipeline's next commit
(:data:`pipelines.store.BATCH_COMMITTED`), never before: a worker killed before the commit leaves
them pending, and another worker fetches them again.
"""

from __future__ import annotations

import hashlib
from typing import Any
from weakref import WeakKeyDictionary

from scraper.distributed.frontier import Frontier

TOKEN = "akhbar_frontier_token"

_TRACKERS: WeakKeyDictionary[Any, Tracker] = WeakKeyDictionary()


def tracker_for(crawler: Any) -> Tracker:
    """The crawler's tracker, shared by the scheduler and the spider middleware."""
    tracker = _TRACKERS.get(crawler)
    if tracker is None:
        tracker = _TRACKERS[crawler] = Tracker()
    return tracker


def token_of(source: Any) -> str | None:
    """The token of the request behind a response or a download failure."""
    request = getattr(source, "request", None)
    meta = getattr(request, "meta", None) if request is not None else None
    return meta.get(TOKEN) if meta else None


class Tracker:
    def __init__(self) -> None:
        self.frontier: Frontier | None = None
        self.role: str = "join"
        self._payloads: dict[str, bytes] = {}  # taken, not yet acknowledged
        self._open_items: dict[str, int] = {}
        self._in_callback: set[str] = set()
        self._finished: list[bytes] = []

    def taken(self, payload: bytes) -> str:
        token = hashlib.sha1(payload).hexdigest()
        self._payloads[token] = payload
        return token

    def forwarded(self, token: str) -> None:
        """The request was queued again in another form (a redirect, a retry): the copy is in the
        queue, the original is done."""
        payload = self._payloads.pop(token, None)
        if payload is not None and self.frontier is not None:
            self.frontier.ack([payload])

    # --- callbacks and items ---------------------------------------------------------------

    def callback_started(self, token: str) -> None:
        self._in_callback.add(token)

    def item_started(self, token: str) -> None:
        self._open_items[token] = self._open_items.get(token, 0) + 1

    def callback_ended(self, token: str) -> None:
        self._in_callback.discard(token)
        if not self._open_items.get(token):
            self._finish(token)

    def item_ended(self, token: str) -> None:
        if token in self._in_callback or token in self._open_items:
            left = self._open_items.get(token, 1) - 1
            if left > 0:
                self._open_items[token] = left
                return
            self._open_items.pop(token, None)
            if token in self._in_callback:
                return
        # An errback's item (no spider middleware saw it): the request ends with it.
        self._finish(token)

    def _finish(self, token: str) -> None:
        self._open_items.pop(token, None)
        payload = self._payloads.pop(token, None)
        if payload is not None:
            self._finished.append(payload)

    def finish_all(self) -> None:
        """Nothing runs in this process any more: every request it still tracks is finished."""
        for token in list(self._payloads):
            self._finish(token)
        self._in_callback.clear()

    # --- acknowledgement -------------------------------------------------------------------

    def committed(self) -> None:
        """The store pipeline committed everything buffered so far: finished requests are done."""
        finished, self._finished = self._finished, []
        if finished and self.frontier is not None:
            self.frontier.ack(finished)

    @property
    def unfinished(self) -> int:
        return len(self._payloads)
