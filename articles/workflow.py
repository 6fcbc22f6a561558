"""
The editorial workflow: the only code that changes a story's status.

Every rule about who may do what to a story lives here; views, admin and templates
ask this module (``available_actions``, ``can_edit``) and call ``story_transition``.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import caching, notifications
from .models import Correction, Status, Story, StoryEvent, StoryNote

# The newsroom's clock: editors read and enter publication times in this zone.
NEWSROOM_TZ = ZoneInfo(settings.TIME_ZONE)

ERROR_NOT_ALLOWED = _("You may not %(action)s this story.")
ERROR_WRONG_STATE = _("A story that is “%(status)s” cannot be sent to “%(action)s”.")
ERROR_NOTE_REQUIRED = _("Write a note explaining why.")
ERROR_TIME_REQUIRED = _("Choose when the story should be published.")
ERROR_TIME_IN_PAST = _("A scheduled time must be in the future.")
ERROR_CANNOT_EDIT = _("You may not edit this story in its current state.")
ERROR_STALE = _(
    "%(who)s saved this story at %(when)s, after you opened it. Your changes were "
    "not saved, so that theirs are not overwritten: compare below, then reload the "
    "story and apply your changes again."
)
ERROR_NOTE_NOT_ALLOWED = _("You may not write notes on this story.")
ERROR_NOTE_EMPTY = _("The note is empty.")
# Written into the audit trail, so that it tells which times a move went between.
NOTE_RESCHEDULED = _("Publication time moved from %(old)s to %(new)s (%(zone)s).")
NOTE_PUBLISHED_EARLY = _("Was scheduled for %(old)s (%(zone)s); published at once.")
SCHEDULED = "scheduled"
# The states in the order a story passes through them, scheduled ones apart.
STATE_ORDER = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    SCHEDULED,
    Status.PUBLISHED,
    Status.UNPUBLISHED,
]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]  # states (see state_of), so SCHEDULED may be one
    target: str
    permission: str | None  # None: the story's own author may do it
    note_required: bool = False
    needs_time: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", _("Submit for review"),
               (Status.DRAFT, Status.CHANGES_REQUESTED), Status.IN_REVIEW, None),
        Action("approve", _("Approve"), (Status.IN_REVIEW,), Status.APPROVED,
               "articles.review_story"),
        Action("request_changes", _("Request changes"),
               (Status.IN_REVIEW, Status.APPROVED),
               Status.CHANGES_REQUESTED, "articles.review_story", note_required=True),
        Action("publish", _("Publish now"), (Status.IN_REVIEW, Status.APPROVED),
               Status.PUBLISHED, "articles.publish_story"),
        Action("schedule", _("Schedule"), (Status.IN_REVIEW, Status.APPROVED),
               Status.PUBLISHED, "articles.publish_story", needs_time=True),
        Action("reschedule", _("Reschedule"), (SCHEDULED,), Status.PUBLISHED,
               "articles.publish_story", needs_time=True),
        Action("publish_scheduled", _("Publish now"), (SCHEDULED,), Status.PUBLISHED,
               "articles.publish_story"),
        # While scheduled, unpublishing cancels the schedule; a correction waits
        # until readers have seen the story (until then editors fix the text).
        Action("unpublish", _("Unpublish"), (Status.PUBLISHED, SCHEDULED),
               Status.UNPUBLISHED, "articles.publish_story", note_required=True),
        Action("correct", _("Add a correction"), (Status.PUBLISHED,), Status.PUBLISHED,
               "articles.publish_story", note_required=True),
        Action("return_to_draft", _("Return to draft"), (Status.UNPUBLISHED,),
               Status.DRAFT, "articles.publish_story"),
    ]
}  # fmt: skip


def is_owner(user, story: Story) -> bool:
    """Return whether user wrote the story (created it or is credited on it)."""
    if not user.is_authenticated:
        return False
    if story.created_by_id == user.pk:
        return True
    return story.pk is not None and story.authors.filter(user=user).exists()


def may(user, action: Action, story: Story) -> bool:
    """Return whether user holds the right to perform action on story (any state)."""
    if not user.is_active or not user.is_staff:
        return False
    if action.permission is None:
        return user.has_perm("articles.edit_any_story") or (
            user.has_perm("articles.change_story") and is_owner(user, story)
        )
    return user.has_perm(action.permission)


def available_actions(user, story: Story, now: datetime | None = None) -> list[Action]:
    """Return the actions user may take on story as it stands now."""
    state = state_of(story, now)
    return [a for a in ACTIONS.values() if state in a.sources and may(user, a, story)]


def can_edit(user, story: Story) -> bool:
    """Return whether user may change the story's content in its current state."""
    if not user.is_active or not user.is_staff:
        return False
    if user.has_perm("articles.edit_any_story"):
        return True
    if story.pk is None:
        return user.has_perm("articles.add_story")
    return (
        user.has_perm("articles.change_story")
        and story.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
        and is_owner(user, story)
    )


def story_transition(
    *,
    story_id: int,
    user,
    action: str,
    note: str = "",
    publish_at: datetime | None = None,
    notify: bool = True,
) -> Story:
    """Move a story along the workflow, write the audit entry, and return the story.

    notify=False leaves out the e-mail: bulk imports report in their own summary
    rather than mailing the desk once per story.

    Raise PermissionDenied or ValidationError, changing nothing, when the move is
    not allowed.
    """
    try:
        act = ACTIONS[action]
    except KeyError:
        raise ValidationError(_("Unknown action.")) from None
    note = (note or "").strip()
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story_id)
        if not may(user, act, story):
            raise PermissionDenied(ERROR_NOT_ALLOWED % {"action": act.label.lower()})
        # One clock for the whole move: a story due a moment ago is published,
        # no longer scheduled, and can no longer be rescheduled.
        now = timezone.now()
        state = state_of(story, now)
        if state not in act.sources:
            raise ValidationError(
                ERROR_WRONG_STATE,
                params={"status": state_label(state), "action": act.label},
            )
        if act.note_required and not note:
            raise ValidationError(ERROR_NOTE_REQUIRED, code="note_required")
        was_due_at = story.published_at
        if act.needs_time:
            if publish_at is None:
                raise ValidationError(ERROR_TIME_REQUIRED, code="time_required")
            if publish_at <= now:
                raise ValidationError(ERROR_TIME_IN_PAST, code="time_in_past")
            story.published_at = publish_at
        elif act.name in ("publish", "publish_scheduled"):
            story.published_at = now
        elif act.name == "unpublish" and state == SCHEDULED:
            # A cancelled schedule: readers never saw the story, so it was never out.
            story.published_at = None
        if act.name == "reschedule":
            note = _join(NOTE_RESCHEDULED, note, old=was_due_at, new=publish_at)
        elif act.name == "publish_scheduled":
            note = _join(NOTE_PUBLISHED_EARLY, note, old=was_due_at)
        from_status = story.status
        story.status = act.target
        story.version += 1
        story.save(update_fields=["status", "published_at", "version", "updated_at"])
        event = StoryEvent.objects.create(
            story=story,
            actor=user,
            action=act.name,
            from_status=from_status,
            to_status=act.target,
            note=note,
            created_at=now,
        )
        if act.name == "correct":
            Correction.objects.create(
                story=story, note=note, created_by=user, created_at=now
            )
        transaction.on_commit(caching.purge_public)
        if notify:
            transaction.on_commit(lambda: notifications.story_moved(event_id=event.pk))
    return story


def _join(template, note: str, **times: datetime) -> str:
    """Return the audit note: what happened to the publication time, then note."""
    params = {
        name: newsroom_time(value).strftime("%d.%m.%Y %H:%M")
        for name, value in times.items()
    }
    line = str(template) % {**params, "zone": NEWSROOM_TZ.key}
    return f"{line}\n{note}" if note else line


def story_publish_imported(
    *, story_id: int, user, published_at: datetime, note: str = ""
) -> Story:
    """Publish an imported story under its original publication time.

    For imports of archives only (story files with ``--publish``, WordPress posts
    that were already published): the "publish" action stamps the present time,
    which would put years-old stories at the top of every list. The same rights and
    states as "publish" apply, and the event is written the same way.
    """
    act = ACTIONS["publish"]
    if timezone.is_naive(published_at):
        raise ValidationError(ERROR_TIME_REQUIRED, code="time_required")
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story_id)
        if not may(user, act, story):
            raise PermissionDenied(ERROR_NOT_ALLOWED % {"action": act.label.lower()})
        if story.status not in act.sources:
            raise ValidationError(
                ERROR_WRONG_STATE,
                params={"status": story.get_status_display(), "action": act.label},
            )
        from_status = story.status
        story.status = act.target
        story.published_at = published_at
        story.version += 1
        story.save(update_fields=["status", "published_at", "version", "updated_at"])
        StoryEvent.objects.create(
            story=story,
            actor=user,
            action=act.name,
            from_status=from_status,
            to_status=act.target,
            note=(note or "").strip(),
            created_at=timezone.now(),
        )
        transaction.on_commit(caching.purge_public)
    return story


def is_editor(user) -> bool:
    """Return whether user is on the desk that reviews other people's stories."""
    return user.is_active and user.is_staff and user.has_perm("articles.review_story")


def can_preview(user, story: Story) -> bool:
    """Return whether user may read the story as readers would, before it is out."""
    if not user.is_active or not user.is_staff:
        return False
    return (
        user.has_perm("articles.review_story")
        or user.has_perm("articles.edit_any_story")
        or is_owner(user, story)
    )


def can_note(user, story: Story) -> bool:
    """Return whether user may write in the story's internal thread."""
    return can_preview(user, story)


def state_of(story: Story, now: datetime | None = None) -> str:
    """Return the story's status, telling scheduled apart from published."""
    if story.status == Status.PUBLISHED and story.published_at > (
        now or timezone.now()
    ):
        return SCHEDULED
    return story.status


def state_label(state: str) -> str:
    return _("Scheduled") if state == SCHEDULED else Status(state).label


def newsroom_time(value: datetime) -> datetime:
    """Return value on the newsroom's clock (Asia/Almaty)."""
    return timezone.localtime(value, NEWSROOM_TZ)


def newsroom_offset(now: datetime | None = None) -> str:
    """Return the newsroom's offset from UTC now, such as "+05:00"."""
    raw = newsroom_time(now or timezone.now()).strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def parse_newsroom_time(value: datetime) -> datetime:
    """Read a wall-clock time typed by an editor as newsroom time."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, NEWSROOM_TZ)
    return timezone.make_aware(value, NEWSROOM_TZ)


class StaleEdit(ValidationError):
    """A save based on an older version of the story than the stored one."""

    def __init__(self, story: Story, who: str, when: datetime):
        super().__init__(
            ERROR_STALE,
            code="stale",
            params={
                "who": who,
                "when": newsroom_time(when).strftime("%d.%m.%Y %H:%M:%S"),
            },
        )
        self.story = story


def last_change(story: Story) -> tuple[str, datetime]:
    """Return who last changed the story (content or status) and when."""
    from reversion.models import Version

    version = (
        Version.objects.get_for_object(story)
        .select_related("revision__user")
        .order_by("-revision__date_created")
        .first()
    )
    event = story.events.select_related("actor").order_by("-created_at").first()
    candidates = []
    if version is not None:
        candidates.append((version.revision.date_created, version.revision.user))
    if event is not None:
        candidates.append((event.created_at, event.actor))
    if not candidates:
        return str(_("Someone")), story.updated_at
    when, who = max(candidates, key=lambda c: c[0])
    return (who.get_full_name() or who.get_username()) if who else str(
        _("Someone")
    ), when


def story_lock_for_edit(*, story_id: int, user, expected_version: int | None) -> Story:
    """Lock the stored story for a save; refuse if user may not edit it or it moved on.

    Call inside a transaction: the row stays locked until it ends, so of two people
    saving the same version only the first succeeds.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("story_lock_for_edit() needs a transaction.")
    story = Story.objects.select_for_update().get(pk=story_id)
    if not can_edit(user, story):
        raise PermissionDenied(ERROR_CANNOT_EDIT)
    if expected_version != story.version:
        who, when = last_change(story)
        raise StaleEdit(story, who, when)
    return story


def story_save(*, story: Story, user, expected_version: int | None = None) -> Story:
    """Save an edited story (content only), refusing edits based on an old version."""
    with transaction.atomic():
        if story.pk is None:
            if not can_edit(user, story):
                raise PermissionDenied(ERROR_CANNOT_EDIT)
            story.created_by = user
            story.status = Status.DRAFT
            story.version = 1
            story.save()
            return story
        stored = story_lock_for_edit(
            story_id=story.pk, user=user, expected_version=expected_version
        )
        # Status and publication time belong to story_transition, never to a form.
        story.status = stored.status
        story.published_at = stored.published_at
        story.created_by_id = stored.created_by_id
        story.version = stored.version + 1
        story.save()
        if stored.is_public:
            transaction.on_commit(caching.purge_public)
    return story


def story_add_note(*, story_id: int, user, text: str) -> StoryNote:
    """Add a note to a story's internal thread."""
    text = (text or "").strip()
    story = Story.objects.get(pk=story_id)
    if not can_note(user, story):
        raise PermissionDenied(ERROR_NOTE_NOT_ALLOWED)
    if not text:
        raise ValidationError(ERROR_NOTE_EMPTY, code="empty")
    note = StoryNote(story=story, author=user, text=text, created_at=timezone.now())
    note.full_clean()
    note.save()
    return note


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


def review_queue() -> QuerySet:
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


def stories_of(user) -> QuerySet:
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
    notes = [
        (story.event_note_at, story.event_note),
        (story.thread_note_at, story.thread_note),
    ]
    notes = [n for n in notes if n[0] is not None]
    return max(notes, key=lambda n: n[0])[1] if notes else ""
