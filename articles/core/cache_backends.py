"""
Cache backends that fail open: a cache that is down, slow or refusing never fails
a reader's request.

Every operation that meets a connection error answers as a miss (``get`` gives
the default, ``set`` stores nothing, ``incr`` raises ``ValueError`` like a missing
key) and the backend then leaves the cache alone for ``RETRY_SECONDS``, so a dead
server costs one short timeout per interval instead of one per request. The
failure is logged once per interval, not once per request.
"""

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from diskcache import DjangoCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("articles.cache")

RETRY_SECONDS = 2.0
LOG_EVERY_SECONDS = 60.0


class CacheDown:
    """When a backend last failed, and when the failure was last logged."""

    def __init__(self, name: str):
        self.name = name
        self.until = 0.0
        self.logged_at = -LOG_EVERY_SECONDS
        self.skipped = 0
        self.lock = threading.Lock()

    def is_down(self) -> bool:
        if self.until and time.monotonic() < self.until:
            self.skipped += 1
            return True
        return False

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.until = now + RETRY_SECONDS
            if now - self.logged_at >= LOG_EVERY_SECONDS:
                self.logged_at = now
                logger.warning(
                    "Cache %s unreachable (%s: %s); serving without it, %d "
                    "operations skipped since the last report.",
                    self.name,
                    type(error).__name__,
                    error,
                    self.skipped,
                )
                self.skipped = 0

    def recovered(self) -> None:
        if self.until:
            with self.lock:
                if self.until:
                    self.until = 0.0
                    logger.warning("Cache %s reachable again.", self.name)


GET_DEFAULT = object()


def _fail_open(*, default=None, missing_key=False):
    """Wrap a cache method so that the backend's errors answer like a miss."""

    def answer(args, kwargs, error=None):
        if missing_key:
            raise ValueError("cache unavailable") from error
        if default is GET_DEFAULT:  # get(key, default=None, version=None)
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        return type(default)() if isinstance(default, dict | list) else default

    def decorate(method):
        def wrapper(self, *args, **kwargs):
            if self.down.is_down():
                return answer(args, kwargs)
            try:
                result = method(self, *args, **kwargs)
            except self.errors as error:
                self.down.failed(error)
                return answer(args, kwargs, error)
            self.down.recovered()
            return result

        wrapper.__name__ = method.__name__
        wrapper.__doc__ = method.__doc__
        return wrapper

    return decorate


def redis_errors() -> tuple[type[Exception], ...]:
    import redis.exceptions

    return (redis.exceptions.RedisError, OSError)


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, with short timeouts and every failure a miss.

    The redis client is loaded with the backend, not with this module: a site on
    the embedded cache never loads it (6 MiB of each worker's memory).
    """

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return redis_errors()

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A dead or stuck server must cost milliseconds, not a worker timeout.
        options.setdefault("socket_connect_timeout", 0.2)
        options.setdefault("socket_timeout", 0.3)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, params)
        self.down = CacheDown(f"redis {server}")

    get = _fail_open(default=GET_DEFAULT)(RedisCache.get)
    get_many = _fail_open(default={})(RedisCache.get_many)
    set = _fail_open(default=False)(RedisCache.set)
    set_many = _fail_open(default=[])(RedisCache.set_many)
    add = _fail_open(default=False)(RedisCache.add)
    touch = _fail_open(default=False)(RedisCache.touch)
    delete = _fail_open(default=False)(RedisCache.delete)
    delete_many = _fail_open(default=None)(RedisCache.delete_many)
    has_key = _fail_open(default=False)(RedisCache.has_key)
    incr = _fail_open(missing_key=True)(RedisCache.incr)
    clear = _fail_open(default=False)(RedisCache.clear)

    def raw(self):
        """Return the redis client for atomic operations Django does not offer."""
        if self.down.is_down():
            return None
        return self._cache.get_client(write=True)


class FailOpenDiskCache(DjangoCache):
    """diskcache's SQLite-backed cache, shared by every process of the machine.

    diskcache already answers a locked database with a miss; this also covers a
    full or unwritable disk.
    """

    errors = (OSError, sqlite3.Error)

    def __init__(self, directory, params):
        super().__init__(directory, params)
        self.down = CacheDown(f"diskcache {directory}")

    def close(self, **kwargs: Any) -> None:
        """Keep the SQLite connections from one request to the next.

        Django closes every cache when a request ends; reopening diskcache's
        (a connection and its pragmas for each shard) cost a cached page more
        than everything else it does. diskcache opens new ones in a forked
        process by itself.
        """

    def clear(self, **kwargs: Any) -> None:
        """Remove everything, the indexes beside the cache (read counts) too, as
        clearing a Redis database does."""
        super().clear(**kwargs)
        indexes = Path(self.directory, "index")
        for name in (
            sorted(p.name for p in indexes.iterdir()) if indexes.is_dir() else []
        ):
            self.index(name).clear()

    get = _fail_open(default=GET_DEFAULT)(DjangoCache.get)
    set = _fail_open(default=False)(DjangoCache.set)
    add = _fail_open(default=False)(DjangoCache.add)
    delete = _fail_open(default=False)(DjangoCache.delete)
    incr = _fail_open(missing_key=True)(DjangoCache.incr)
    pop = _fail_open(default=None)(DjangoCache.pop)
