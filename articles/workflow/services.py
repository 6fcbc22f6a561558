"""
The editorial workflow's writes: the only code that changes a story's status.

Views, admin, imports and the demo call these services by name; each checks the
rules (``articles.workflow.rules``) under a row lock and makes every side effect
of the change here, where a reader of the code sees it: the audit event, the
correction, the redirect from an old address, the search index, the purge of
readers' cached pages and (after commit) the mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.core.clock import NEWSROOM_TZ, SECONDS, newsroom_strftime
from articles.models import (
    Correction,
    Status,
    Story,
    StoryEvent,
    StoryNote,
    StoryRedirect,
)
from articles.search import index as search_index
from articles.workflow import notifications
from articles.workflow.purges import card_changed, public_lists, story_purge
from articles.workflow.rules import (
    ACTIONS,
    ERROR_CANNOT_EDIT,
    ERROR_NOT_ALLOWED,
    ERROR_NOTE_EMPTY,
    ERROR_NOTE_NOT_ALLOWED,
    ERROR_NOTE_NUL,
    ERROR_NOTE_REQUIRED,
    ERROR_TIME_IN_PAST,
    ERROR_TIME_REQUIRED,
    ERROR_WRONG_STATE,
    SCHEDULED,
    Action,
    can_edit,
    can_note,
    may,
    state_label,
    state_of,
)

if TYPE_CHECKING:
    from accounts.models import User

ERROR_STALE = _(
    "%(who)s saved this story at %(when)s, after you opened it. Your changes were "
    "not saved, so that theirs are not overwritten: compare below, then reload the "
    "story and apply your changes again."
)


# Written into the audit trail, so that it tells which times a move went between.
NOTE_RESCHEDULED = _("Publication time moved from %(old)s to %(new)s (%(zone)s).")


NOTE_PUBLISHED_EARLY = _("Was scheduled for %(old)s (%(zone)s); published at once.")


def story_transition(
    *,
    story_id: int,
    user: User,
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
    note = clean_note(note)
    with transaction.atomic():
        story, state, now, shown_before = _lock_for_move(
            act, story_id=story_id, user=user
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
        if act.name == "reschedule" and was_due_at and publish_at:
            note = _join(NOTE_RESCHEDULED, note, old=was_due_at, new=publish_at)
        elif act.name == "publish_scheduled" and was_due_at:
            note = _join(NOTE_PUBLISHED_EARLY, note, old=was_due_at)
        event = _move(
            story, act, user=user, note=note, now=now, shown_before=shown_before
        )
        if act.name == "correct":
            Correction.objects.create(
                story=story, note=note, created_by=user, created_at=now
            )
        if notify:
            transaction.on_commit(lambda: notifications.story_moved(event_id=event.pk))
    return story


def clean_note(text: str) -> str:
    """Return a note trimmed; refuse one with a NUL byte (no database stores it)."""
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationError(ERROR_NOTE_NUL, code="nul")
    return text


def story_publish_imported(
    *,
    story_id: int,
    user: User,
    published_at: datetime,
    note: str = "",
) -> Story:
    """Publish an imported story under its original publication time.

    For imports of archives only (story files with ``--publish``, WordPress posts
    that were already published, the demo newsroom): the "publish" action stamps
    the present time, which would put years-old stories at the top of every list.
    The same rights and states as "publish" apply, and the event is written the
    same way. Nobody is mailed: the import reports in its own summary.
    """
    act = ACTIONS["publish"]
    if timezone.is_naive(published_at):
        raise ValidationError(ERROR_TIME_REQUIRED, code="time_required")
    with transaction.atomic():
        story, _state, now, shown_before = _lock_for_move(
            act, story_id=story_id, user=user
        )
        story.published_at = published_at
        _move(
            story,
            act,
            user=user,
            note=(note or "").strip(),
            now=now,
            shown_before=shown_before,
        )
    return story


def _lock_for_move(
    act: Action, *, story_id: int, user: User
) -> tuple[Story, str, datetime, set[str]]:
    """Lock the story and check that user may take act in its state now.

    Return the story, its state and the one clock reading the whole move uses: a
    story due a moment ago is published, no longer scheduled, and can no longer be
    rescheduled. Call inside a transaction.
    """
    story = Story.objects.select_for_update().get(pk=story_id)
    if not may(user, act, story):
        raise PermissionDenied(ERROR_NOT_ALLOWED % {"action": act.label.lower()})
    now = timezone.now()
    state = state_of(story, now)
    if state not in act.sources:
        raise ValidationError(
            ERROR_WRONG_STATE,
            params={"status": state_label(state), "action": act.label},
        )
    return story, state, now, public_lists(story)


def _move(
    story: Story,
    act: Action,
    *,
    user: User,
    note: str,
    now: datetime,
    shown_before: set[str],
) -> StoryEvent:
    """The one transition core: set the status, write the event, keep search in
    step and make the readers' cached pages that show the story (or the lists it
    joined or left) stale once the move is committed."""
    from_status = story.status
    story.status = act.target
    story.version += 1
    story.save(update_fields=["status", "published_at", "version", "updated_at"])
    search_index.refresh_filters([story])
    event = StoryEvent.objects.create(
        story=story,
        actor=user,
        action=act.name,
        from_status=from_status,
        to_status=act.target,
        note=note,
        created_at=now,
    )
    if from_status == Status.PUBLISHED or act.target == Status.PUBLISHED:
        extra = {"corrections"} if act.name in ("correct", "unpublish") else set()
        story_purge(story_id=story.pk, shown_before=shown_before, extra=extra)
    return event


def _join(template: str | Promise, note: str, **times: datetime) -> str:
    """Return the audit note: what happened to the publication time, then note."""
    params = {name: newsroom_strftime(value) for name, value in times.items()}
    line = str(template) % {**params, "zone": NEWSROOM_TZ.key}
    return f"{line}\n{note}" if note else line


class StaleEdit(ValidationError):
    """A save based on an older version of the story than the stored one."""

    def __init__(self, story: Story, who: str, when: datetime):
        super().__init__(
            ERROR_STALE,
            code="stale",
            params={
                "who": who,
                "when": newsroom_strftime(when, SECONDS),
            },
        )
        self.story = story


def last_change(story: Story) -> tuple[str, datetime]:
    """Return who last changed the story (content or status) and when."""
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


def story_lock_for_edit(
    *, story_id: int, user: User, expected_version: int | None
) -> Story:
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


def story_save(
    *, story: Story, user: User, expected_version: int | None = None
) -> Story:
    """Save an edited story (content only), refusing edits based on an old version.

    A published story that changes address (slug, section or language) leaves its
    old address answering with a redirect; the search index follows the new text.
    """
    with transaction.atomic():
        if story.pk is None:
            if not can_edit(user, story):
                raise PermissionDenied(ERROR_CANNOT_EDIT)
            story.created_by = user
            story.status = Status.DRAFT
            story.version = 1
            story.save()
            search_index.index_stories([story.pk])
            return story
        stored = story_lock_for_edit(
            story_id=story.pk, user=user, expected_version=expected_version
        )
        shown_before = public_lists(stored)
        # Status and publication time belong to story_transition, never to a form.
        story.status = stored.status
        story.published_at = stored.published_at
        story.created_by_id = stored.created_by_id
        story.version = stored.version + 1
        moved = (stored.slug, stored.category_id, stored.language) != (
            story.slug,
            story.category_id,
            story.language,
        )
        story_store_content(
            story=story,
            old_address=public_address(stored) if moved else "",
            shown_before=shown_before,
            card=card_changed(stored, story),
        )
    return story


def public_address(story: Story) -> str:
    """Return the address readers know the story by, or "" if it was never out."""
    return story.get_absolute_url() if story.slug_is_fixed else ""


def story_store_content(
    *,
    story: Story,
    old_address: str = "",
    shown_before: set[str] | None = None,
    card: bool = True,
) -> None:
    """Write a story's content after the checks of an edit or a restore.

    Called inside the transaction that holds the row lock. Leaves old_address (the
    story's public address before the edit, if any) answering with a redirect to
    the new one, brings the search index in step, and makes readers' cached pages
    stale once committed when readers can see the story.
    """
    story.save()
    if old_address:
        new_address = story.get_absolute_url()
        if new_address != old_address:
            # The new address is the story itself again, never a redirect.
            StoryRedirect.objects.filter(old_path=new_address).delete()
            StoryRedirect.objects.update_or_create(
                old_path=old_address, defaults={"story": story}
            )
    search_index.index_stories([story.pk])
    if story.is_public or shown_before:
        story_purge(story_id=story.pk, shown_before=shown_before or set(), card=card)


def story_add_note(*, story_id: int, user: User, text: str) -> StoryNote:
    """Add a note to a story's internal thread."""
    story = Story.objects.get(pk=story_id)
    if not can_note(user, story):
        raise PermissionDenied(ERROR_NOTE_NOT_ALLOWED)
    text = clean_note(text)
    if not text:
        raise ValidationError(ERROR_NOTE_EMPTY, code="empty")
    note = StoryNote(story=story, author=user, text=text, created_at=timezone.now())
    note.full_clean()
    note.save()
    return note
