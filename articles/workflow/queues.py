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


def state_counts(now: datetime | None = None) -> dict[str, int]:
    """Return how many stories stand in each state, scheduled ones apart."""
    now = now or timezone.now()
    due = Q(status=Status.PUBLISHED, published_at__lte=now)
    scheduled = Q(status=Status.PUBLISHED, published_at__gt=now)
    aggregates = {}
    for state in STATE_ORDER:
        if state == SCHEDULED:
            aggregates[state] = Count("pk", filter=scheduled)
        elif state == Status.PUBLISHED:
            aggregates[state] = Count("pk", filter=due)
        else:
            aggregates[state] = Count("pk", filter=Q(status=state))
    counts = Story.objects.aggregate(**aggregates)
    return {state: counts[state] for state in STATE_ORDER}


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
        Story.objects.filter(Q(created_by=user) | Q(authors__user=user))
        .distinct()
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
