"""
Cache of what readers see, purged by key.

Every cached public page names the keys of what it shows: its stories
(``story-12``), sections, sources, authors and tags (``section-3``; their lists
``section-3-list``), the language's lists (``lang-kk``), the front page
(``front``), the feeds and sitemaps (``feeds``) and the navigation (``nav``). An
editorial change purges only its own keys, here and at the edge (Varnish, see
``articles.core.edge``).

Purges are a short numbered log in the shared cache: one counter, one entry per
purge naming its keys. A page remembers the counter as it was before it was
rendered; it is fresh while no purge since then names one of its keys. So a hit
costs one read when nothing was purged since, and one more small read otherwise,
and a page rendered while an editor saved is never kept past that save.

No cached page lives past the next scheduled publication: crossing it purges
everything, so a story due at 09:00 appears at 09:00.
"""

import time
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

PUBLIC_TTL = 300
# A story page names everything it shows, so a purge renews it: it may be kept
# longer than a list, whose rails follow the clock (until the day's end at most,
# for the date in the header; NEWSROOM_STORY_TTL changes it).
STORY_TTL = 6 * 3600
# The section links of the header and footer, per language (templatetags).
NAV_KEY = "newsroom:nav-links:{language}"
# Every edition keeps its own section links, the Latin-script one (kk-latn) too.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
EVERYTHING = "all"
SEQUENCE_KEY = "newsroom:purge:seq"
PURGE_KEY = "newsroom:purge:{}"
NEXT_SCHEDULED_KEY = "newsroom:public:next-scheduled"
# A page older than this many purges is simply treated as stale. A page found
# fresh far behind the counter is stored again at the counter (REFRESH_AFTER), so
# the next reader's check reads only the purges since.
MAX_PURGES_CHECKED = 200
REFRESH_AFTER = 10


# Within a request the counter is read once (None: not in a request, read every
# time; []: not read yet). A purge made by the request itself forgets it.
_request_snapshot: ContextVar[list[tuple[int, float | None]] | None] = ContextVar(
    "purge_snapshot", default=None
)


def begin_request(**kwargs: Any) -> None:
    _request_snapshot.set([])


def end_request(**kwargs: Any) -> None:
    _request_snapshot.set(None)


def snapshot() -> tuple[int, float | None]:
    """Return the purge counter and the next scheduled publication, in one read."""
    kept = _request_snapshot.get()
    if kept:
        return kept[0]
    found = cache.get_many([SEQUENCE_KEY, NEXT_SCHEDULED_KEY])
    read: tuple[int, float | None] = (
        found.get(SEQUENCE_KEY) or start_sequence(),
        found.get(NEXT_SCHEDULED_KEY),
    )
    if kept is not None and read[0]:
        kept.append(read)
    return read


def _forget_snapshot() -> None:
    if _request_snapshot.get() is not None:
        _request_snapshot.set([])


def start_sequence() -> int:
    """Start the purge counter (an empty cache) from the clock; return it.

    Pages remember the counter they were rendered at; starting from the clock
    puts it above any a page kept from before could remember.
    """
    cache.add(SEQUENCE_KEY, time.time_ns() // 1000, None)
    return cache.get(SEQUENCE_KEY) or 0


def generation(now: datetime | None = None) -> int:
    """Return the purge counter, purging everything first if a story fell due."""
    sequence, due = snapshot()
    return check_schedule(sequence, due, now)


def check_schedule(
    sequence: int, due: float | None, now: datetime | None = None
) -> int:
    """Purge everything once the next scheduled story is due; return the counter."""
    now = now or timezone.now()
    if due is None:  # forgotten since the last change: look it up again
        found = next_scheduled(now)
        due = found.timestamp() if found else 0
    if due and due <= now.timestamp():
        # Only the first process to see it purges; the others read the new counter.
        if cache.add(f"{NEXT_SCHEDULED_KEY}:{due}", 1, PUBLIC_TTL):
            purge_public()
        return cache.get(SEQUENCE_KEY) or 0
    return sequence


def is_fresh(sequence: int, keys: Iterable[str], current: int) -> bool:
    """Return whether a page stored at purge counter sequence is still fresh."""
    if sequence == current:
        return True
    if current < sequence or current - sequence > MAX_PURGES_CHECKED:
        return False
    names = [PURGE_KEY.format(n) for n in range(sequence + 1, current + 1)]
    purges = cache.get_many(names)
    if len(purges) != len(names):  # expired, evicted or being written: play safe
        return False
    keys = set(keys)
    return not any(
        EVERYTHING in purged or not keys.isdisjoint(purged)
        for purged in purges.values()
    )


def purge_public(keys: Iterable[str] | None = None) -> None:
    """Make stale every cached public page that shows one of keys (None: all).

    Run it after the change is committed (``purge_on_commit``): a page rendered
    from the old data in the meantime is then never kept.
    """
    keys = frozenset(keys) if keys is not None else frozenset({EVERYTHING})
    if not keys:
        return
    _forget_snapshot()
    try:
        sequence = cache.incr(SEQUENCE_KEY)
    except ValueError:
        # The counter was lost (or the cache is down): which purges a kept page
        # missed is unknown, so every page becomes stale.
        sequence = start_sequence() + 1
        cache.set(SEQUENCE_KEY, sequence, None)
        keys = frozenset({EVERYTHING})
    # Kept as long as the longest-lived page that may need to look it up.
    cache.set(PURGE_KEY.format(sequence), keys, 2 * max(public_ttl(), story_ttl()))
    if keys & {"nav", EVERYTHING}:
        cache.delete_many([NAV_KEY.format(language=code) for code in LANGUAGES])
    # A change may have scheduled a story, moved or cancelled one: look again now,
    # so that pages kept from before are purged when the new time comes.
    cache.delete(NEXT_SCHEDULED_KEY)
    next_scheduled()
    from articles.core import edge

    edge.purge(keys)


def purge_on_commit(keys: Iterable[str] | None = None) -> None:
    """Purge keys once the current transaction commits (at once outside one)."""
    keys = None if keys is None else frozenset(keys)
    transaction.on_commit(lambda: purge_public(keys))


def next_scheduled(now: datetime | None = None) -> datetime | None:
    """Return when the next scheduled story goes public, if any."""
    from articles.models import Status, Story

    now = now or timezone.now()
    kept = _request_snapshot.get()
    stamp = kept[0][1] if kept else cache.get(NEXT_SCHEDULED_KEY)
    if stamp is None or (stamp and stamp <= now.timestamp()):
        due = (
            Story.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        stamp = due.timestamp() if due else 0
        cache.set(NEXT_SCHEDULED_KEY, stamp, PUBLIC_TTL)
        if kept:
            kept[0] = (kept[0][0], stamp)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def public_ttl(now: datetime | None = None, longest: int | None = None) -> int:
    """Return how long a public page may be cached from now, in seconds."""
    now = now or timezone.now()
    if longest is None:
        longest = getattr(settings, "NEWSROOM_PUBLIC_TTL", PUBLIC_TTL)
    due = next_scheduled(now)
    if due is None:
        return longest
    return max(0, min(longest, int((due - now).total_seconds())))


def story_ttl(now: datetime | None = None) -> int:
    """Return how long a story page may be cached from now: until the next
    scheduled story, the day's end or NEWSROOM_STORY_TTL, whichever comes first."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    longest = getattr(settings, "NEWSROOM_STORY_TTL", STORY_TTL)
    until_midnight = max(1, int((midnight - local).total_seconds()))
    return public_ttl(now, min(longest, until_midnight))


# Keys: what a page shows, and what a change touches.


def story_key(story_id: int) -> str:
    return f"story-{story_id}"


def card_key(story_id: int) -> str:
    """Return the key of the pages that show a story as a card or a link (lists,
    related stories, rails): they change when its headline, summary, picture,
    address or status do, not when its text does."""
    return f"card-{story_id}"


def listed_in(
    *,
    language: str,
    category_id: int | None,
    source_id: int | None = None,
    author_ids: Iterable[int] = (),
    tag_ids: Iterable[int] = (),
) -> set[str]:
    """Return the keys of every list a public story appears in."""
    keys = {f"lang-{language}", "feeds"}
    if category_id:
        keys.add(f"section-{category_id}-list")
    if source_id:
        keys.add(f"source-{source_id}-list")
    keys.update(f"author-{pk}-list" for pk in author_ids)
    keys.update(f"tag-{pk}-list" for pk in tag_ids)
    return keys


def story_memberships(story: Any) -> set[str]:
    """Return the list keys of a saved story, reading its authors and tags."""
    return listed_in(
        language=story.language,
        category_id=story.category_id,
        source_id=story.source_id,
        author_ids=story.authors.values_list("pk", flat=True),
        tag_ids=story.tags.values_list("pk", flat=True),
    )
