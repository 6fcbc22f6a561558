"""
Cache of what readers see.

Every cached public page is keyed by one generation number; any editorial change
bumps it, so a withdrawn story leaves every cached page at once. No cached page lives
past the next scheduled publication, so a story due at 09:00 appears at 09:00.
"""

import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone

PUBLIC_TTL = 300
GENERATION_KEY = "newsroom:public:generation"
NEXT_SCHEDULED_KEY = "newsroom:public:next-scheduled"


def generation(now: datetime | None = None) -> int:
    """Return the current generation of public pages.

    Crossing a scheduled publication time starts a new generation, so no page
    cached before 09:00 is served at 09:00, whatever clock the cache runs on.
    """
    stored = cache.get_many([GENERATION_KEY, NEXT_SCHEDULED_KEY])
    value = stored.get(GENERATION_KEY)
    due = stored.get(NEXT_SCHEDULED_KEY)
    if due and due <= (now or timezone.now()).timestamp():
        purge_public()
        value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY) or time.time_ns()
    return value


def purge_public() -> None:
    """Make every cached public page stale (after any change readers could see)."""
    cache.set(GENERATION_KEY, time.time_ns(), None)
    cache.delete(NEXT_SCHEDULED_KEY)


def next_scheduled(now: datetime | None = None) -> datetime | None:
    """Return when the next scheduled story goes public, if any."""
    from articles.models import Status, Story

    now = now or timezone.now()
    stamp = cache.get(NEXT_SCHEDULED_KEY)
    if stamp is None or (stamp and stamp <= now.timestamp()):
        due = (
            Story.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        stamp = due.timestamp() if due else 0
        cache.set(NEXT_SCHEDULED_KEY, stamp, PUBLIC_TTL)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def public_ttl(now: datetime | None = None) -> int:
    """Return how long a public page may be cached from now, in seconds."""
    now = now or timezone.now()
    due = next_scheduled(now)
    if due is None:
        return PUBLIC_TTL
    return max(0, min(PUBLIC_TTL, int((due - now).total_seconds())))
