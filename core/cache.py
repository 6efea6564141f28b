"""The project's cache backend: Django's RedisCache, with Redis being away read as a cache miss.

Sessions are `cached_db` and allauth counts sign-in attempts in the cache, so with the stock backend a
Redis outage answers 500 on every signed-in page. Here, when Redis cannot be reached (connection refused,
reset or timed out):

- reads are misses (`get` returns the default, `get_many` {}, `has_key` False), writes are dropped
  (`add` returns True as for an absent key, `delete` False, `incr` raises ValueError as for a
  missing key), so sessions are read
  from and written to PostgreSQL alone;
- the outage is logged once (WARNING) and the return once (INFO), per process;
- for `outage_retry_seconds` (OPTIONS, default 5) after a failure the process does not try Redis again, so
  a Redis that times out costs one timeout per process every few seconds, not one per cache call;
- every key written or deleted while Redis was away is deleted first thing when it answers again. Redis may
  still hold the value from before the outage (a network cut, or a restart with appendonly), and a stale
  copy must not come back: a session signed out during the outage would otherwise sign its cookie's holder
  back in. Each process remembers only its own keys (at most MAX_STALE_KEYS), in memory.

Other Redis errors (a wrong type, out of memory) are bugs or capacity problems, not outages: they raise.
Counters kept in the cache (rate limits) therefore count nothing while Redis is away: they fail open.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


# Redis cannot be reached: what this backend turns into a miss. BusyLoadingError (Redis loading its data
# after a restart) is a ConnectionError too.
def _unreachable() -> tuple[type[Exception], ...]:
    # redis-py (~0.1 s of imports) is loaded with the client, on the first cache call, as Django's own
    # RedisCacheClient does: not when Django builds the backend at start.
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError)


DEFAULT_RETRY_SECONDS = 5.0
MAX_STALE_KEYS = 100_000

T = TypeVar("T")


@dataclass
class _Outage:
    """What one process knows of one Redis location being away."""

    down_since: float | None = None  # time.monotonic() of the first failure, None while Redis answers
    retry_at: float = 0.0  # time.monotonic() before which Redis is not tried again
    stale_keys: set[str] = field(default_factory=set)
    overflowed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


# One per location and process, shared by the per-thread backend instances Django creates.
_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _true() -> bool:
    return True


def _false() -> bool:
    return False


def _none() -> None:
    return None


def _redacted(url: str) -> str:
    """The location without its password, for the logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class FailSoftRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose operations degrade to a miss while Redis cannot be reached (keys are final:
    prefixed and versioned by the backend)."""

    def __init__(self, servers: list[str], outage_retry_seconds: float = DEFAULT_RETRY_SECONDS, **options):
        super().__init__(servers, **options)
        self._unreachable = _unreachable()
        self._location = ",".join(_redacted(server) for server in servers)
        self._outage = _outage_for(",".join(servers))
        self._retry_seconds = float(outage_retry_seconds)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        """One redis.Redis per connection pool, kept: Django builds a new one (and its table of ~200
        response callbacks) on every cache call, a third of a signed-in request's session read. A client
        is thread-safe over its pool."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # --- the guard ---------------------------------------------------------------------------------

    def _guarded(
        self, operation: Callable[[], T], *, fallback: Callable[[], T], writes: Iterable[str] = ()
    ) -> T:
        outage = self._outage
        if outage.down_since is not None:
            if time.monotonic() < outage.retry_at:
                self._remember_stale(writes)
                return fallback()
            try:
                self._recover()
            except self._unreachable as error:
                self._failed(error, writes)
                return fallback()
        try:
            return operation()
        except self._unreachable as error:
            self._failed(error, writes)
            return fallback()

    def _failed(self, error: Exception, writes: Iterable[str]) -> None:
        outage = self._outage
        with outage.lock:
            first = outage.down_since is None
            if first:
                outage.down_since = time.monotonic()
            outage.retry_at = time.monotonic() + self._retry_seconds
        self._remember_stale(writes)
        if first:
            logger.warning(
                "cache unreachable at %s (%s): serving without it (sessions from the database) until it "
                "answers again",
                self._location,
                error,
            )

    def _remember_stale(self, keys: Iterable[str]) -> None:
        outage = self._outage
        with outage.lock:
            for key in keys:
                if len(outage.stale_keys) >= MAX_STALE_KEYS:
                    if not outage.overflowed:
                        outage.overflowed = True
                        logger.error(
                            "cache at %s: more than %d keys written during the outage; the ones past that "
                            "will not be deleted when it comes back and may be served stale until they expire",
                            self._location,
                            MAX_STALE_KEYS,
                        )
                    return
                outage.stale_keys.add(key)

    def _recover(self) -> None:
        """Delete the keys written while Redis was away, then mark it up (raises if it still is away)."""
        outage = self._outage
        with outage.lock:
            stale = list(outage.stale_keys)
        client = self.get_client(None, write=True)
        client.ping()  # raises while Redis is still away, with or without stale keys to delete
        for start in range(0, len(stale), 1000):
            client.delete(*stale[start : start + 1000])
        with outage.lock:
            if outage.down_since is None:  # another thread recovered first
                return
            outage.stale_keys.difference_update(stale)
            seconds = time.monotonic() - outage.down_since
            outage.down_since = None
            outage.overflowed = False
        logger.info(
            "cache back at %s after %.0f s; %d entries written during the outage dropped",
            self._location,
            seconds,
            len(stale),
        )

    # --- the operations (keys are final here: prefixed and versioned by the backend) ----------------

    def add(self, key, value, timeout):
        # True, as for a key that is absent (every read is a miss): a lock taken with add() (allauth's rate
        # limits take one) excludes no one while Redis is away, rather than making every caller wait.
        return self._guarded(partial(super().add, key, value, timeout), fallback=_true, writes=[key])

    def get(self, key, default):
        return self._guarded(partial(super().get, key, default), fallback=lambda: default)

    def set(self, key, value, timeout):
        return self._guarded(partial(super().set, key, value, timeout), fallback=_none, writes=[key])

    def touch(self, key, timeout):
        # A lost touch only lets the entry expire sooner: nothing stale to delete later.
        return self._guarded(partial(super().touch, key, timeout), fallback=_false)

    def delete(self, key):
        return self._guarded(partial(super().delete, key), fallback=_false, writes=[key])

    def get_many(self, keys):
        return self._guarded(partial(super().get_many, keys), fallback=dict)

    def has_key(self, key):
        return self._guarded(partial(super().has_key, key), fallback=_false)

    def incr(self, key, delta):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        return self._guarded(partial(super().incr, key, delta), fallback=missing, writes=[key])

    def set_many(self, data, timeout):
        return self._guarded(partial(super().set_many, data, timeout), fallback=_none, writes=list(data))

    def delete_many(self, keys):
        keys = list(keys)
        return self._guarded(partial(super().delete_many, keys), fallback=_none, writes=keys)

    def clear(self):
        return self._guarded(super().clear, fallback=_false)

    def ping(self) -> bool:
        """Whether Redis answers now (the health check: no fallback, no pause after a failure)."""
        try:
            return bool(self.get_client(None, write=True).ping())
        except self._unreachable:
            return False


class FailSoftRedisCache(RedisCache):
    """settings.CACHES backend: RedisCache whose outages read as misses (see the module's docstring)."""

    _cache: FailSoftRedisCacheClient  # RedisCache's client, built lazily from _class (not in django-stubs)

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient

    def ping(self) -> bool:
        return self._cache.ping()
