"""Who may do what to a story, and in which state: the editorial rules in one place."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Status, Story

ERROR_NOT_ALLOWED = _("You may not %(action)s this story.")


ERROR_WRONG_STATE = _("A story that is “%(status)s” cannot be sent to “%(action)s”.")


ERROR_NOTE_REQUIRED = _("Write a note explaining why.")


ERROR_TIME_REQUIRED = _("Choose when the story should be published.")


ERROR_TIME_IN_PAST = _("A scheduled time must be in the future.")


ERROR_CANNOT_EDIT = _("You may not edit this story in its current state.")


ERROR_NOTE_NOT_ALLOWED = _("You may not write notes on this story.")


ERROR_NOTE_EMPTY = _("The note is empty.")


ERROR_NOTE_NUL = _(
    "The note contains a NUL character, which cannot be stored. Remove it (it "
    "often comes with text pasted from another program) and send it again."
)


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
