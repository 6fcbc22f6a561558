"""
Counting how often readers open a story, without a database write per page view.

The story view names the story it shows in a response header; ``ReadCountMiddleware``
(outside the page cache, so cached copies count too) takes the header off and
counts one read in the shared cache. A story's reads go to its StoryReads row of
the day when FLUSH_EVERY have gathered or the batch is FLUSH_SECONDS old, and
``flush_reads`` (every minute or two) writes the rest.

Every step is atomic on the shared cache, so reads counted by any process, at the
same moment or before a worker restarts, all reach the database once: counters
are incremented in place, a story waiting to be written sits in a pending set,
and the writer takes a counter and resets it in one step (Redis GETDEL, a
diskcache pop). With Redis each read is one round trip; with the embedded cache a
process gathers its reads for a second and passes them on in one write (see
DiskStore). With the cache unreachable, each read is written straight to the
database.
"""

import atexit
import logging
import os
import threading
import time
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from articles.core.cache_backends import (
    FailOpenDiskCache,
    FailOpenRedisCache,
)
from articles.models import Story, StoryReads

FLUSH_EVERY = 25
FLUSH_SECONDS = 300
# How long the embedded cache's reads wait in the process before they are shared.
BUFFER_SECONDS = 1.0
MOST_READ_DAYS = 7
READ_HEADER = "X-Newsroom-Read"
COUNTER_KEY = "newsroom:reads:{}"
PENDING = "newsroom-reads-pending"
# The embedded cache's counts, in a format of their own (see DiskStore).
READS_INDEX = "newsroom-reads"


def cache_errors() -> tuple[type[BaseException], ...]:
    """Return the errors of the configured cache (its backend's, when it fails open)."""
    return (OSError, ValueError, *getattr(caches["default"], "errors", ()))


logger = logging.getLogger("articles.reads")


class ReadCountMiddleware:
    """Count a read for every story page answered, from the cache or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        story_id = response.get(READ_HEADER)
        if story_id:
            del response[READ_HEADER]
            if response.status_code == 200 and request.method == "GET":
                record_read(int(story_id))
        return response


def mark_read(response, story_id: int) -> None:
    """Have ReadCountMiddleware count a read of story_id for this answer."""
    response[READ_HEADER] = str(story_id)


class RedisStore:
    """Counters and the pending set as Redis values, one round trip per read."""

    def __init__(self, client):
        self.client = client

    def key(self, name: str) -> str:
        return cache.make_and_validate_key(name)

    def count(self, story_id: int, now: float) -> tuple[int, float]:
        pipe = self.client.pipeline()
        pipe.incr(self.key(COUNTER_KEY.format(story_id)))
        pipe.hsetnx(self.key(PENDING), story_id, now)
        pipe.hget(self.key(PENDING), story_id)
        count, _new, started = pipe.execute()
        return count, float(started or now)

    def take(self, story_id: int) -> int:
        return int(self.client.getdel(self.key(COUNTER_KEY.format(story_id))) or 0)

    def unmark(self, story_id: int) -> None:
        self.client.hdel(self.key(PENDING), story_id)

    def pending(self) -> list[int]:
        return [int(k) for k in self.client.hkeys(self.key(PENDING))]


class DiskStore:
    """Each story's reads and the time its batch began, in one diskcache Index.

    SQLite takes one writer at a time, so reads are first gathered in the
    process and added to the shared counts once a second (``add``/``push``), by
    a thread of the process and when it exits, in one transaction whatever the
    number of stories read: a read costs no write, a second of long-tail reads
    one write, and a worker stopped or restarted takes its reads to the shared
    cache first. Writing takes a story's record, count and time together.
    """

    def __init__(self, backend):
        self.backend = backend
        self.index = backend.index(READS_INDEX)
        self.gathered: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.pusher_pid = None

    def count(self, story_id: int, now: float) -> tuple[int, float]:
        return self.count_all({story_id: 1}, now)[0][1:]

    def count_all(self, gathered, now: float) -> list[tuple[int, int, float]]:
        """Add each story's reads; return (story, reads so far, batch begun)."""
        counted = []
        with self.index.transact():
            for story_id, reads in gathered.items():
                count, started = self.index.get(story_id, (0, now))
                self.index[story_id] = (count + reads, started)
                counted.append((story_id, count + reads, started))
        return counted

    def add(self, story_id: int) -> None:
        with self.lock:
            self.gathered[story_id] += 1
        if self.pusher_pid != os.getpid():
            self.pusher_pid = os.getpid()
            threading.Thread(target=self.push_every_second, daemon=True).start()
            atexit.register(self.push)

    def push(self) -> list[tuple[int, int, float]]:
        """Add the reads gathered here to the shared counts."""
        with self.lock:
            gathered, self.gathered = self.gathered, Counter()
        if not gathered:
            return []
        try:
            return self.count_all(gathered, time.time())
        except BaseException:
            with self.lock:  # kept for the next push: a read is never lost
                self.gathered.update(gathered)
            raise

    def push_every_second(self) -> None:
        while True:
            time.sleep(BUFFER_SECONDS)
            try:
                for story_id, count, started in self.push():
                    if count >= FLUSH_EVERY or time.time() - started >= FLUSH_SECONDS:
                        flush(story_id)
            except Exception:  # noqa: BLE001 - a reader's count must never kill it
                logger.exception("Could not pass on the reads of this process.")
            finally:
                close_old_connections()

    def take(self, story_id: int) -> int:
        count, _started = self.index.pop(story_id, (0, 0.0))
        return int(count)

    def unmark(self, story_id: int) -> None:
        """Nothing to do: take removes the count and its time in one step."""

    def pending(self) -> list[int]:
        self.push()
        return list(self.index.keys())


class LocalStore:
    """Any other Django cache (local memory in a single process)."""

    def count(self, story_id: int, now: float) -> tuple[int, float]:
        key = COUNTER_KEY.format(story_id)
        count = 1 if cache.add(key, 1, None) else cache.incr(key)
        found = cache.get(PENDING) or {}
        if story_id not in found:
            cache.set(PENDING, {**found, story_id: now}, None)
        return count, (cache.get(PENDING) or {}).get(story_id, now)

    def take(self, story_id: int) -> int:
        key = COUNTER_KEY.format(story_id)
        count = cache.get(key) or 0
        if count:
            cache.decr(key, count)
        return count

    def unmark(self, story_id: int) -> None:
        found = cache.get(PENDING) or {}
        found.pop(story_id, None)
        cache.set(PENDING, found, None)

    def pending(self) -> list[int]:
        return list(cache.get(PENDING) or {})


def store():
    """Return the read store of the configured cache, or None while it is down."""
    backend = caches["default"]
    if isinstance(backend, FailOpenRedisCache):
        client = backend.raw()
        return RedisStore(client) if client is not None else None
    if isinstance(backend, FailOpenDiskCache):
        if backend.down.is_down():
            return None
        found = getattr(backend, "read_store", None)
        if found is None:
            found = backend.read_store = DiskStore(backend)
        return found
    return LocalStore()


def record_read(story_id: int) -> None:
    """Count one read of a public story."""
    now = time.time()
    found = store()
    if isinstance(found, DiskStore) and settings.NEWSROOM_READS_GATHERED:
        found.add(story_id)
        return
    counted = _attempt(lambda s: s.count(story_id, now))
    if counted is None:
        write(story_id, 1)  # no cache to gather reads in: write this one now
        return
    count, started = counted
    # A batch is written when it is big enough or old enough, never by every read.
    if count >= FLUSH_EVERY or now - started >= FLUSH_SECONDS:
        flush(story_id)


def flush(story_id: int, day: date | None = None) -> int:
    """Move the reads of one story gathered in the cache to the database."""

    def take(s):
        s.unmark(story_id)  # first: a read from now on marks the story again
        return s.take(story_id)

    count = _attempt(take) or 0
    if count > 0:
        write(story_id, count, day)
    return count


def flush_all() -> int:
    """Write every batch of reads still waiting in the cache; return how many."""
    pending = _attempt(lambda s: s.pending()) or []
    return sum(flush(story_id) for story_id in pending)


def write(story_id: int, count: int, day: date | None = None) -> None:
    """Add count reads to the story's row of the day (UPDATE … SET n = n + k)."""
    day = day or timezone.localdate()
    rows = StoryReads.objects.filter(story_id=story_id, day=day)
    if rows.update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            StoryReads.objects.create(story_id=story_id, day=day, count=count)
    except IntegrityError:
        # Created meanwhile by another process; or the story is gone.
        rows.update(count=F("count") + count)


def _attempt(operation):
    """Run operation on the read store; None when the cache cannot be reached."""
    found = store()
    if found is None:
        return None
    try:
        return operation(found)
    except cache_errors() as error:
        down = getattr(caches["default"], "down", None)
        if down is not None:
            down.failed(error)
        return None


# What a link to a story needs: its address, headline and Latin spelling.
LINK_FIELDS = (
    "headline",
    "slug",
    "language",
    "published_at",
    "category__slug",
    "latin_overrides",
)


def most_read(language: str, limit: int = 5, now=None):
    """Return the public stories of a language read most in the last days."""
    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=MOST_READ_DAYS - 1)
    return (
        Story.objects.published(now)
        .in_language(language)
        .filter(reads__day__gte=since)
        .select_related("category")
        .only(*LINK_FIELDS)
        .annotate(read_count=Sum("reads__count"))
        .order_by("-read_count", "-published_at")[:limit]
    )
