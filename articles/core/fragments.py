"""
Values many pages share (section links, related cards, rails, counts), kept in
the shared cache and in each process's memory, rebuilt when a purge names their
keys: the same freshness rule as whole pages (``articles.core.cache``).
"""

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache

from articles.core.cache import check_schedule, is_fresh, snapshot

_FROZEN = (str, int, float, bool, type(None), datetime)


def _frozen(value: Any) -> bool:
    """Whether no page can change value: text, numbers, times, tuples of them."""
    if isinstance(value, tuple | frozenset):
        return all(_frozen(item) for item in value)
    return isinstance(value, _FROZEN)


class FragmentMemo:
    """Fragments this process read last, kept in its own memory (pickled unless
    nothing can change them, so no page can change another's copy). An entry is
    used only while the shared counter says no purge has named its keys, as for
    the shared copy."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[int, frozenset[str], Any, float]] = (
            OrderedDict()
        )
        self.lock = threading.Lock()

    def get(self, key: str, current: int) -> tuple[bool, Any]:
        entry = self.entries.get(key)
        if entry is None or not current:
            return False, None
        sequence, keys, data, expires = entry
        if expires <= time.time() or not is_fresh(sequence, keys, current):
            with self.lock:
                self.entries.pop(key, None)
            return False, None
        if sequence != current:
            self.put(key, current, keys, data, expires)
        return True, thaw(data)

    def put(
        self, key: str, current: int, keys: frozenset[str], data: Any, expires: float
    ) -> None:
        if not current:
            return
        with self.lock:
            self.entries[key] = (current, keys, data, expires)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


FRAGMENTS = FragmentMemo(512)


def freeze(value: Any) -> Any:
    """Return value as the memory keeps it: itself if frozen, else pickled."""
    return value if _frozen(value) else _Pickled(pickle.dumps(value, -1))


def thaw(kept: Any) -> Any:
    if isinstance(kept, _Pickled):
        return pickle.loads(kept.data)  # noqa: S301 - written by this process
    return kept


class _Pickled:
    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def fragment(key: str, ttl: int, build: Callable[[], tuple[set[str], Any]]) -> Any:
    """Return a value shared by many pages, rebuilt when a purge names its keys.

    build() returns (keys, value); the value is kept for at most ttl seconds.
    """
    sequence, due = snapshot()
    # A scheduled story that fell due purges, whether pages are cached or not.
    current = check_schedule(sequence, due)
    found, value = FRAGMENTS.get(key, current)
    if found:
        return value
    stored = cache.get(key)
    if (
        isinstance(stored, tuple)
        and len(stored) == 4
        and stored[3] > time.time()  # as the process's copy: past its time, rebuilt
        and is_fresh(*stored[:2], current)
    ):
        keys, data, expires = stored[1], freeze(stored[2]), stored[3]
    else:
        new_keys, value = build()
        keys, expires = frozenset(new_keys), time.time() + ttl
        cache.set(key, (current, keys, value, expires), ttl)
        data = freeze(value)
    FRAGMENTS.put(key, current, keys, data, expires)
    return thaw(data)
