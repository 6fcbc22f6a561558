"""The desk's lists: counts per state, the review queue, a journalist's own stories."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from articles.models import Status, Story, StoryEvent, StoryNote
from articles.workflow.rules import SCHEDULED, STATE_ORDER

if TYPE_CHECKING:
    from accounts.models import User


def _state_filter(state: str, now: datetime) -> Q:
    if state == SCHEDULED:
        return Q(status=Status.PUBLISHED, published_at__gt=now)
    if state == Status.PUBLISHED:
        return Q(status=Status.PUBLISHED, published_at__lte=now)
    return Q(status=state)


def state_counts(
    now: datetime | None = None, *, user: User | None = None
) -> dict[str, int]:
    """Return how many stories stand in each state, scheduled ones apart.

    With user, count only the stories user wrote (created or is credited on).
    """
    now = now or timezone.now()
    stories = Story.objects.all()
    if user is not None:
        stories = stories.filter(pk__in=own_stories(user).values("pk"))
    counts = stories.aggregate(
        **{
            state: Count("pk", filter=_state_filter(state, now))
            for state in STATE_ORDER
        }
    )
    return {state: counts[state] for state in STATE_ORDER}


def in_state(
    stories: QuerySet[Story], state: str, now: datetime | None = None
) -> QuerySet[Story]:
    """Return the stories that stand in state (one of STATE_ORDER)."""
    return stories.filter(_state_filter(state, now or timezone.now()))


def own_stories(user: User) -> QuerySet[Story]:
    """Return the stories user created or is credited on."""
    return Story.objects.filter(Q(created_by=user) | Q(authors__user=user)).distinct()


def changes_requested_move(story: Story) -> StoryEvent | None:
    """Return the move that sent story back with a note, while it waits for changes."""
    if story.status != Status.CHANGES_REQUESTED:
        return None
    return (
        story.events.filter(to_status=Status.CHANGES_REQUESTED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def review_queue() -> QuerySet[Story]:
    """Return the stories waiting for an editor, oldest submission first."""
    return (
        Story.objects.filter(status=Status.IN_REVIEW)
        .select_related("category", "created_by")
        .prefetch_related("authors")
        .annotate(
            submitted_at=Max(
                "events__created_at", filter=Q(events__to_status=Status.IN_REVIEW)
            )
        )
        .order_by("submitted_at", "created_at", "pk")
    )


def stories_of(user: User) -> QuerySet[Story]:
    """Return user's own stories, each with the latest note left by someone else."""
    latest_event_note = (
        StoryEvent.objects.filter(story=OuterRef("pk"))
        .exclude(note="")
        .exclude(actor=user)
        .order_by("-created_at", "-pk")
    )
    latest_thread_note = (
        StoryNote.objects.filter(story=OuterRef("pk"))
        .exclude(author=user)
        .order_by("-created_at", "-pk")
    )
    return (
        own_stories(user)
        .select_related("category")
        .annotate(
            event_note=Subquery(latest_event_note.values("note")[:1]),
            event_note_at=Subquery(latest_event_note.values("created_at")[:1]),
            thread_note=Subquery(latest_thread_note.values("text")[:1]),
            thread_note_at=Subquery(latest_thread_note.values("created_at")[:1]),
        )
        .order_by("-updated_at", "-pk")
    )


def latest_note(story: Story) -> str:
    """Return the newer of the notes annotated by stories_of()."""
    notes: list[tuple[datetime, str]] = [
        (getattr(story, f"{kind}_note_at"), getattr(story, f"{kind}_note"))
        for kind in ("event", "thread")
    ]
    notes = [n for n in notes if n[0] is not None]
    return max(notes, key=lambda n: n[0])[1] if notes else ""
