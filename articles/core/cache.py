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
and a page rendered while an editor saved is never kept past that save. A page
further behind than the log reaches is checked against the last purge of each
of its keys instead (``articles.core.purge_marks``), so story pages can be kept
for days.

A story scheduled for 09:00 goes public with nobody acting: the first request
after 09:00 purges the keys of what it joins (its lists, its language versions'
pages), as a publication by hand does, so it appears at 09:00 on those pages and
the rest stay cached. The edge is told to keep no page past the next scheduled
publication, so that it asks the app again then.
"""

import time
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from articles.core import purge_marks

PUBLIC_TTL = 300
# A story page names everything it shows, so a purge renews it: the app keeps it
# for days (NEWSROOM_STORY_TTL), where a list, whose rails follow the clock and
# the readers, is kept minutes. Only its date in the header follows the clock:
# the page cache writes today's on a page kept from an earlier day. (The year in
# the footer does too: no page is kept into a new year.)
STORY_TTL = 7 * 24 * 3600
# The section links of the header and footer, per language (templatetags).
NAV_KEY = "newsroom:nav-links:{language}"
# Every edition keeps its own section links, the Latin-script one (kk-latn) too.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
EVERYTHING = "all"
SEQUENCE_KEY = "newsroom:purge:seq"
PURGE_KEY = "newsroom:purge:{}"
NEXT_SCHEDULED_KEY = "newsroom:public:next-scheduled"
# Stories that went public by the clock up to this time have had their purge.
PUBLISHED_THROUGH_KEY = "newsroom:public:published-through"
# More stories than this gone public at once (a site asleep for a while): purge all.
GONE_PUBLIC_MAX = 50
CLOCK_SKEW = 60
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


# When the next story is due as this process last read it, with the counter then
# and the time it read it: the due time changes only with a purge (a look that
# purges nothing finds it again), so while the counter stands it is not read
# again, for a minute at most (a hit then costs one read of the shared cache).
_NONE: tuple[int, float | None, float] = (0, None, 0.0)
_due_seen = _NONE
DUE_REREAD = 60


def snapshot() -> tuple[int, float | None]:
    """Return the purge counter and the next scheduled publication."""
    global _due_seen
    kept = _request_snapshot.get()
    if kept:
        return kept[0]
    seen, due, at = _due_seen
    sequence = cache.get(SEQUENCE_KEY) if seen else None
    if not (sequence and sequence == seen and time.monotonic() - at < DUE_REREAD):
        found = cache.get_many([SEQUENCE_KEY, NEXT_SCHEDULED_KEY])
        sequence = found.get(SEQUENCE_KEY) or start_sequence()
        due = found.get(NEXT_SCHEDULED_KEY)
        _due_seen = (sequence, due, time.monotonic()) if due is not None else _NONE
    read: tuple[int, float | None] = (sequence, due)
    if kept is not None and read[0]:
        kept.append(read)
    return read


def forget_due() -> None:
    """Forget when the next story is due, here and in the shared cache."""
    global _due_seen
    _due_seen = _NONE
    cache.delete(NEXT_SCHEDULED_KEY)


def _forget_snapshot() -> None:
    if _request_snapshot.get() is not None:
        _request_snapshot.set([])


def start_sequence() -> int:
    """Start the purge counter (an empty cache) from the clock; return it.

    Pages remember the counter they were rendered at; starting from the clock
    puts it above any a page kept from before could remember.
    """
    now = time.time()
    cache.add(SEQUENCE_KEY, int(now * 1_000_000), None)
    # An empty cache holds no page a story gone public before now could change.
    cache.add(PUBLISHED_THROUGH_KEY, now, None)
    sequence = cache.get(SEQUENCE_KEY) or 0
    purge_marks.start(sequence)
    return sequence


def generation(now: datetime | None = None) -> int:
    """Return the purge counter, once stories due by now have had their purge."""
    sequence, due = snapshot()
    return check_schedule(sequence, due, now)


def check_schedule(
    sequence: int, due: float | None, now: datetime | None = None
) -> int:
    """Purge what the stories that went public by the clock change, if one fell
    due (or when it is due was forgotten); return the counter."""
    now = now or timezone.now()
    if due is not None and not (due and due <= now.timestamp()):
        return sequence
    purged, _due = look_ahead(now)
    return (cache.get(SEQUENCE_KEY) or 0) if purged else sequence


def is_fresh(sequence: int, keys: Iterable[str], current: int) -> bool:
    """Return whether a page stored at purge counter sequence is still fresh."""
    if sequence == current:
        return True
    if current < sequence:
        return False
    if current - sequence > MAX_PURGES_CHECKED:
        return purge_marks.fresh(sequence, keys, EVERYTHING)
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
    _purge(keys)
    # A change may have scheduled a story, moved or cancelled one: look again now
    # (purging what went public by the clock meanwhile, if anything did).
    look_ahead(timezone.now(), keys)


def _purge(keys: frozenset[str]) -> None:
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
    longest = max(list_ttl(), getattr(settings, "NEWSROOM_STORY_TTL", STORY_TTL))
    cache.set(PURGE_KEY.format(sequence), keys, 2 * longest)
    purge_marks.start(sequence - 1)
    purge_marks.write(keys, sequence, SEQUENCE_KEY)
    if keys & {"nav", EVERYTHING}:
        cache.delete_many([NAV_KEY.format(language=code) for code in LANGUAGES])
    from articles.core import edge

    edge.purge(keys)


def purge_on_commit(keys: Iterable[str] | None = None) -> None:
    """Purge keys once the current transaction commits (at once outside one)."""
    keys = None if keys is None else frozenset(keys)
    transaction.on_commit(lambda: purge_public(keys))


def next_scheduled(now: datetime | None = None) -> datetime | None:
    """Return when the next scheduled story goes public, if any."""
    now = now or timezone.now()
    kept = _request_snapshot.get()
    stamp = kept[0][1] if kept else cache.get(NEXT_SCHEDULED_KEY)
    if stamp is None or (stamp and stamp <= now.timestamp()):
        _purged, stamp = look_ahead(now)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def look_ahead(
    now: datetime, purged: frozenset[str] = frozenset()
) -> tuple[bool, float]:
    """Purge the pages that stories gone public by the clock since the last look
    change (less the keys just purged), then keep when the next one is due;
    return whether it purged, and that time (0: none).

    One process catches up from a given point, the others only look ahead. An
    empty cache starts the point (``start_sequence``); if it is lost alone (or is
    far ahead of the clock), which stories went public since is unknown:
    everything is purged.
    """
    from articles.models import Status, Story

    since = cache.get(PUBLISHED_THROUGH_KEY)
    # (Machines sharing a cache may disagree on the time by a little.)
    known = since is not None and since <= now.timestamp() + CLOCK_SKEW
    catch_up = cache.add(f"{PUBLISHED_THROUGH_KEY}:{since}", 1, PUBLIC_TTL)
    start = now
    if known and catch_up:
        start = min(now, datetime.fromtimestamp(since, tz=UTC))
    # One query: the stories gone public since the last look, then the next due.
    found = list(
        Story.objects.filter(status=Status.PUBLISHED, published_at__gt=start)
        .order_by("published_at", "pk")
        .only(
            "language", "category_id", "source_id", "translation_of_id", "published_at"
        )[: GONE_PUBLIC_MAX + 2]
    )
    moments = [(story, story.published_at) for story in found if story.published_at]
    gone = [story for story, moment in moments if moment <= now]
    later = [moment for _story, moment in moments if moment > now]
    if later or len(found) <= GONE_PUBLIC_MAX + 1:
        stamp = later[0].timestamp() if later else 0
    else:  # more gone public than looked at: look for the next one alone
        due = (
            Story.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        stamp = due.timestamp() if due else 0
    done = False
    if catch_up:
        if not known or len(gone) > GONE_PUBLIC_MAX:
            keys = {EVERYTHING} - purged
        else:
            keys = set() if EVERYTHING in purged else gone_public(gone) - purged
        if keys:
            _purge(frozenset(keys))
            done = True
        cache.set(PUBLISHED_THROUGH_KEY, now.timestamp(), None)
    cache.set(NEXT_SCHEDULED_KEY, stamp, PUBLIC_TTL)
    kept = _request_snapshot.get()
    if kept:  # (forgotten if it purged: the next read sees the new counter)
        kept[0] = (kept[0][0], stamp)
    return done, stamp


def gone_public(stories: list[Any]) -> set[str]:
    """Return the keys of the pages that these stories, gone public, change: their
    own, their cards', their lists' and their language versions' (the language
    switch links to them), as a publication by hand."""
    from articles.models import Story

    if not stories:
        return set()
    models.prefetch_related_objects(stories, "authors", "tags")
    keys: set[str] = set()
    for story in stories:
        keys |= {story_key(story.pk), card_key(story.pk), *story_memberships(story)}
    roots = {story.translation_of_id or story.pk for story in stories}
    versions = Story.objects.filter(
        models.Q(pk__in=roots) | models.Q(translation_of_id__in=roots)
    ).values_list("pk", flat=True)
    keys.update(story_key(pk) for pk in versions)
    return keys


def public_ttl(now: datetime | None = None, longest: int | None = None) -> int:
    """Return how long a cache outside the app (the edge, a browser's proxy) may
    keep a public page from now, in seconds: its lifetime (longest; a list's by
    default), cut at the day's end (the date in the header, which only the app
    writes anew) and at the next scheduled publication, when only the app can
    tell which pages the story changes."""
    now = now or timezone.now()
    if longest is None:
        longest = list_ttl()
    longest = min(longest, _seconds_until(now, _next_midnight(now)))
    due = next_scheduled(now)
    if due is None:
        return longest
    return max(0, min(longest, int((due - now).total_seconds())))


def list_ttl() -> int:
    """Return how long the app keeps a list page (its rails follow the clock)."""
    return getattr(settings, "NEWSROOM_PUBLIC_TTL", PUBLIC_TTL)


def story_ttl(now: datetime | None = None) -> int:
    """Return how long the app keeps a story page from now: NEWSROOM_STORY_TTL,
    but not into a new year (the year in the footer)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    new_year = local.replace(
        year=local.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    longest = getattr(settings, "NEWSROOM_STORY_TTL", STORY_TTL)
    return min(longest, _seconds_until(now, new_year))


def _next_midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return (local + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )


def _seconds_until(now: datetime, moment: datetime) -> int:
    return max(1, int((moment - now).total_seconds()))


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
    """Return the list keys of a saved story, reading its authors and tags (or
    taking them from a prefetch)."""
    return listed_in(
        language=story.language,
        category_id=story.category_id,
        source_id=story.source_id,
        author_ids=[author.pk for author in story.authors.all()],
        tag_ids=[tag.pk for tag in story.tags.all()],
    )
