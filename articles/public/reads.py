"""
Counting how often readers open a story, without a database write per page view.

Each read bumps a counter in the cache; the counter is added to the day's
StoryReads row when it reaches FLUSH_EVERY or when the batch is FLUSH_SECONDS old
(``flush_reads`` writes what is left), so a busy story costs one UPDATE per batch.
"""

import time
from datetime import date, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from articles.models import Story, StoryReads

FLUSH_EVERY = 25
FLUSH_SECONDS = 300
MOST_READ_DAYS = 7
COUNTER_KEY = "newsroom:reads:{}"
STARTED_KEY = "newsroom:reads-started:{}"
PENDING_KEY = "newsroom:reads-pending"


def record_read(story_id: int) -> None:
    """Count one read of a public story."""
    key = COUNTER_KEY.format(story_id)
    if cache.add(key, 1, None):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, None)
            count = 1
    # The first read of a batch notes the time; the batch is written when it is
    # big enough or old enough, never on an ordinary page view.
    now = time.time()
    started_key = STARTED_KEY.format(story_id)
    if cache.add(started_key, now, None):
        started = now
        pending = cache.get(PENDING_KEY) or set()
        cache.set(PENDING_KEY, pending | {story_id}, None)
    else:
        started = cache.get(started_key, now)
    if count >= FLUSH_EVERY or now - started >= FLUSH_SECONDS:
        cache.delete(started_key)
        flush(story_id)


def flush(story_id: int, day: date | None = None) -> int:
    """Move the cached reads of one story into the database; return how many."""
    key = COUNTER_KEY.format(story_id)
    count = cache.get(key) or 0
    if count <= 0:
        return 0
    try:
        cache.decr(key, count)
    except ValueError:
        return 0
    day = day or timezone.localdate()
    updated = StoryReads.objects.filter(story_id=story_id, day=day).update(
        count=F("count") + count
    )
    if not updated:
        try:
            with transaction.atomic():
                StoryReads.objects.create(story_id=story_id, day=day, count=count)
        except IntegrityError:
            StoryReads.objects.filter(story_id=story_id, day=day).update(
                count=F("count") + count
            )
    return count


def flush_all() -> int:
    """Write every batch of reads still waiting in the cache; return how many."""
    pending = cache.get(PENDING_KEY) or set()
    cache.delete(PENDING_KEY)
    total = 0
    for story_id in pending:
        cache.delete(STARTED_KEY.format(story_id))
        total += flush(story_id)
    return total


def most_read(language: str, limit: int = 5, now=None):
    """Return the public stories of a language read most in the last days."""
    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=MOST_READ_DAYS - 1)
    return (
        Story.objects.published(now)
        .in_language(language)
        .filter(reads__day__gte=since)
        .select_related("category")
        .annotate(read_count=Sum("reads__count"))
        .order_by("-read_count", "-published_at")[:limit]
    )
