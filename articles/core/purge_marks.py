"""
The last purge of each key, for pages kept longer than the purge log reaches.

The purge log (``articles.core.cache``) tells whether a page is fresh by reading
the purges made since it was stored, up to ``MAX_PURGES_CHECKED`` of them. A
story page is kept for days and an archive story may be read twice a day, far
more purges later: for such a page the cache keeps, per key, the counter of the
last purge that named it (``mark``), and the page is fresh while none of its
keys' marks, nor the mark of purging everything, is above the counter it was
stored at. A hit then reads one small entry per key instead of every purge since.

Marks are kept without a time limit: a cache that has to make room drops pages,
which have one, first (Redis with ``maxmemory-policy volatile-lru``; the
embedded cache drops the least recently stored, and a mark is stored after
every page it makes stale). What began the marks (``SINCE_KEY``) is read with
them: if it is missing, the cache was emptied or could not be read, and no page
is taken as fresh by its marks.
"""

from collections.abc import Iterable

from django.core.cache import cache

MARK_KEY = "newsroom:purged:{}"
SINCE_KEY = "newsroom:purged:since"
# Purges made at the same moment may write the same mark out of order: each
# writes again at the counter as it finds it after, until it stands still.
RETRIES = 5


def start(sequence: int) -> None:
    """Note that marks are kept from purge counter sequence on."""
    cache.add(SINCE_KEY, sequence, None)


def write(keys: Iterable[str], sequence: int, counter_key: str) -> None:
    """Mark keys as purged at counter sequence (or later).

    A purge that came at the same moment may have written a lower counter over
    this one, or this one over its higher counter: each writer reads the counter
    after writing and writes again at it until it has not moved, so the last
    write of a mark is never below the last purge that named the key.
    """
    names = [MARK_KEY.format(key) for key in keys]
    value = sequence
    for _ in range(RETRIES):
        cache.set_many(dict.fromkeys(names, value), None)
        current = cache.get(counter_key)
        if not current or current <= value:
            return
        value = current


def fresh(sequence: int, keys: Iterable[str], everything: str) -> bool:
    """Return whether a page stored at counter sequence is fresh by the marks."""
    names = [MARK_KEY.format(key) for key in {*keys, everything}]
    found = cache.get_many([SINCE_KEY, *names])
    since = found.pop(SINCE_KEY, None)
    if since is None or sequence < since:
        return False
    return all(value <= sequence for value in found.values())
