"""One site's shared frontier in Redis, and the atomic operations the crawler processes use on it.

Keys, all under ``{AKHBAR_REDIS_KEY}:{site}:``:

* ``queue``: the requests still to fetch (a sorted set scored by priority, as scrapy-redis's);
* ``dupefilter``: fingerprints of every request ever queued in this run (scrapy-redis's);
* ``pending:{worker}``: requests a worker has taken and whose results are not yet committed to
  the database. A request moves from ``queue`` to ``pending`` in one Lua script, and leaves
  ``pending`` only after the batch holding its article is committed, so a worker killed at any
  moment loses nothing: its pending requests go back to the queue;
* ``worker:{worker}``: the worker's heartbeat, a key that expires ``worker_timeout`` seconds after
  the last beat; ``workers``: the set of worker ids that may hold pending requests;
* ``seeded``: ``seeding:{worker}`` while the first process pushes the start requests, ``done`` after;
* ``lock``: held while a process joins or leaves, so two processes starting together agree on
  who seeds.

Multi-key scripts build key names from the prefix, so the frontier needs one Redis server (or a
primary with replicas), not a Redis Cluster.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger(__name__)

Role = Literal["seed", "join"]
DONE = b"done"

# Move the best request from the queue to this worker's pending set.
_TAKE = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('ZADD', KEYS[2], best[2], best[1])
return best[1]
"""

# Everything the idle check needs, read at one instant: queued, pending on live workers, the seed
# flag, live workers, and the dead workers (no heartbeat) whose pending requests must be requeued.
_STATUS = """
local workers = redis.call('SMEMBERS', KEYS[2])
local pending, dead = 0, {}
for _, worker in ipairs(workers) do
  if redis.call('EXISTS', ARGV[1] .. 'worker:' .. worker) == 1 then
    pending = pending + redis.call('ZCARD', ARGV[1] .. 'pending:' .. worker)
  else
    table.insert(dead, worker)
  end
end
return {redis.call('ZCARD', KEYS[1]), pending, redis.call('GET', KEYS[3]) or '', #workers - #dead, dead}
"""

# Give a dead worker's pending requests back to the queue (never a live one's).
_RECOVER = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local items = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #items / 2
"""


@dataclass(frozen=True, slots=True)
class Status:
    queued: int
    pending: int  # taken by live workers, not yet committed
    seeded: bytes
    live_workers: int
    dead_workers: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.queued == 0 and self.pending == 0 and not self.dead_workers


class Frontier:
    """The frontier of one site as seen by one worker (this process)."""

    def __init__(self, server: Any, prefix: str, site: str, worker_timeout: float = 30.0) -> None:
        self.server = server
        self.base = f"{prefix}:{site}:"
        self.queue_key = self.base + "queue"
        self.dupefilter_key = self.base + "dupefilter"
        self.workers_key = self.base + "workers"
        self.seeded_key = self.base + "seeded"
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.pending_key = self.base + f"pending:{self.worker}"
        self.heartbeat_key = self.base + f"worker:{self.worker}"
        self.worker_timeout = max(1.0, worker_timeout)
        self._take = server.register_script(_TAKE)
        self._status = server.register_script(_STATUS)
        self._recover = server.register_script(_RECOVER)
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None

    # --- joining and leaving ---------------------------------------------------------------

    def join(self) -> Role:
        """Register this worker; ``seed`` when it must push the start requests (a fresh run)."""
        with self.server.lock(self.base + "lock", timeout=30, blocking_timeout=60):
            status = self.status()  # requeues what dead workers held
            role: Role = "join"
            if status.live_workers == 0:
                if status.queued == 0:  # the last run finished (or none ran): start afresh
                    self.server.delete(self.dupefilter_key, self.seeded_key)
                    role = "seed"
                elif status.seeded != DONE:  # a seeding process died: push the start requests again
                    role = "seed"
                else:
                    log.info("Resuming the shared frontier of %s: %d requests queued", self.base, status.queued)
            if role == "seed":
                self.server.set(self.seeded_key, f"seeding:{self.worker}")
            self.beat()
        self._beating = threading.Thread(target=self._beat_forever, name="frontier-heartbeat", daemon=True)
        self._beating.start()
        return role

    def seeded(self) -> None:
        self.server.set(self.seeded_key, DONE)

    def beat(self) -> None:
        pipe = self.server.pipeline()
        pipe.sadd(self.workers_key, self.worker)
        pipe.set(self.heartbeat_key, b"1", px=int(self.worker_timeout * 1000))
        pipe.execute()

    def _beat_forever(self) -> None:
        # A thread, so a long batch commit on the crawl's thread does not make this worker look dead.
        while not self._stop.wait(self.worker_timeout / 4):
            try:
                self.beat()
            except Exception as error:  # Redis away for a moment: the next beat may get through
                log.warning("Frontier heartbeat failed: %s", error)

    def leave(self, *, finished: bool) -> None:
        """Deregister. Requests still pending (a run stopped early) stay for another worker to requeue;
        the last worker out of a finished frontier deletes its keys."""
        self._stop.set()
        if self._beating is not None:
            self._beating.join(timeout=5)
        with self.server.lock(self.base + "lock", timeout=30, blocking_timeout=60):
            if finished or self.server.zcard(self.pending_key) == 0:
                self.server.delete(self.pending_key)
                self.server.srem(self.workers_key, self.worker)
            self.server.delete(self.heartbeat_key)
            status = self.status()
            if status.live_workers == 0 and status.empty:
                self.server.delete(self.queue_key, self.dupefilter_key, self.seeded_key, self.workers_key)

    # --- requests --------------------------------------------------------------------------

    def push(self, payload: bytes, priority: int) -> None:
        self.server.execute_command("ZADD", self.queue_key, -priority, payload)

    def take(self) -> bytes | None:
        data = self._take(keys=[self.queue_key, self.pending_key])
        return data or None

    def ack(self, payloads: list[bytes]) -> None:
        if payloads:
            self.server.zrem(self.pending_key, *payloads)

    def queued(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def status(self) -> Status:
        """The frontier now; dead workers' pending requests are put back in the queue first."""
        queued, pending, seeded, live, dead = self._status(
            keys=[self.queue_key, self.workers_key, self.seeded_key], args=[self.base]
        )
        names = tuple(name.decode() if isinstance(name, bytes) else str(name) for name in dead)
        for name in names:
            requeued = self._recover(
                keys=[self.queue_key, self.base + f"pending:{name}", self.base + f"worker:{name}", self.workers_key],
                args=[name],
            )
            if requeued > 0:
                log.warning("Worker %s stopped beating: %d requests it held are queued again", name, requeued)
        if names:
            return self.status()
        return Status(int(queued), int(pending), bytes(seeded), int(live), ())
