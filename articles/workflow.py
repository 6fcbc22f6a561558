"""
The editorial workflow: the only code that changes a story's status.

Every rule about who may do what to a story lives here; views, admin and templates
ask this module (``available_actions``, ``can_edit``) and call ``story_transition``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import caching
from .models import Correction, Status, Story, StoryEvent

ERROR_NOT_ALLOWED = _("You may not %(action)s this story.")
ERROR_WRONG_STATE = _("A story that is “%(status)s” cannot be sent to “%(action)s”.")
ERROR_NOTE_REQUIRED = _("Write a note explaining why.")
ERROR_TIME_REQUIRED = _("Choose when the story should be published.")
ERROR_TIME_IN_PAST = _("A scheduled time must be in the future.")
ERROR_CANNOT_EDIT = _("You may not edit this story in its current state.")


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
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
        Action("unpublish", _("Unpublish"), (Status.PUBLISHED,), Status.UNPUBLISHED,
               "articles.publish_story", note_required=True),
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


def available_actions(user, story: Story) -> list[Action]:
    """Return the actions user may take on story as it stands now."""
    return [
        a for a in ACTIONS.values() if story.status in a.sources and may(user, a, story)
    ]


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
) -> Story:
    """Move a story along the workflow, write the audit entry, and return the story.

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
        if story.status not in act.sources:
            raise ValidationError(
                ERROR_WRONG_STATE,
                params={"status": story.get_status_display(), "action": act.label},
            )
        if act.note_required and not note:
            raise ValidationError(ERROR_NOTE_REQUIRED, code="note_required")
        now = timezone.now()
        if act.needs_time:
            if publish_at is None:
                raise ValidationError(ERROR_TIME_REQUIRED, code="time_required")
            if publish_at <= now:
                raise ValidationError(ERROR_TIME_IN_PAST, code="time_in_past")
            story.published_at = publish_at
        elif act.name == "publish":
            story.published_at = now
        from_status = story.status
        story.status = act.target
        story.version += 1
        story.save(update_fields=["status", "published_at", "version", "updated_at"])
        StoryEvent.objects.create(
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
    return story
