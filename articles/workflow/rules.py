"""Who may do what, to which object, and in which state: the rules in one place.

``CAPABILITIES`` is the matrix (role × object × action); every path that reads or
changes something asks it through ``allowed`` (admin forms, lists and bulk
actions, crafted POSTs, the editor's upload, imports), and the role groups get
exactly the Django permissions it implies (``workflow.roles``). The story's
workflow moves and the states they start from follow below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Image, Status, Story, StoryQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

    # Whoever asks: a member of staff, or a reader who is not signed in.
    Person = User | AnonymousUser

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


ERROR_PICTURE_IN_OTHER_STORY = _(
    "This picture is shown in “%(headline)s”, which you may not change. Upload "
    "a new picture instead, or ask an editor."
)


SCHEDULED = "scheduled"


# --- roles -----------------------------------------------------------------

ANONYMOUS = "anonymous"  # readers, and anyone signed in without a newsroom role
JOURNALIST = "journalist"
EDITOR = "editor"
CHIEF_EDITOR = "chief_editor"
ADMINISTRATOR = "administrator"  # a superuser
ROLES = (ANONYMOUS, JOURNALIST, EDITOR, CHIEF_EDITOR, ADMINISTRATOR)
# The staff roles are the groups of these names (kept in step by workflow.roles).
ROLE_GROUPS = {
    JOURNALIST: "Journalist",
    EDITOR: "Editor",
    CHIEF_EDITOR: "Chief editor",
}


def role_of(user: Person) -> str:
    """Return the user's newsroom role (the strongest, if in several groups)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    if not user.is_active or not user.is_staff:
        return ANONYMOUS
    if user.is_superuser:
        return ADMINISTRATOR
    role = getattr(user, "_newsroom_role", None)
    if role is None:
        names = set(user.groups.values_list("name", flat=True))
        role = next(
            (r for r in reversed(ROLES) if ROLE_GROUPS.get(r) in names), ANONYMOUS
        )
        user._newsroom_role = role  # type: ignore[attr-defined]
    return role


# --- the capability matrix -------------------------------------------------

# Scopes: which objects of a kind a role may act on.
ANY = "any"
OWN = "own"  # the user's stake: see in_scope()
PUBLIC = "public"  # what readers see: published and due
OWN_OR_PUBLIC = "own or public"
__ = None  # refused

# fmt: off
CAPABILITIES: dict[tuple[str, str], tuple[str | None, ...]] = {
    # (object, action):      anonymous journalist    editor chief administrator
    ("story", "view"):       (PUBLIC, OWN_OR_PUBLIC, ANY,   ANY,  ANY),
    ("story", "add"):        (__,     ANY,           ANY,   ANY,  ANY),
    ("story", "change"):     (__,     OWN,           ANY,   ANY,  ANY),
    ("story", "delete"):     (__,     __,            __,    ANY,  ANY),
    ("story", "submit"):     (__,     OWN,           ANY,   ANY,  ANY),
    ("story", "review"):     (__,     __,            ANY,   ANY,  ANY),
    ("story", "publish"):    (__,     __,            ANY,   ANY,  ANY),
    ("story", "preview"):    (__,     OWN,           ANY,   ANY,  ANY),
    # A story's internal notes thread, and its history (events, versions).
    ("note", "view"):        (__,     OWN,           ANY,   ANY,  ANY),
    ("note", "add"):         (__,     OWN,           ANY,   ANY,  ANY),
    ("history", "view"):     (__,     OWN,           ANY,   ANY,  ANY),
    ("image", "view"):       (PUBLIC, ANY,           ANY,   ANY,  ANY),
    ("image", "add"):        (__,     ANY,           ANY,   ANY,  ANY),
    ("image", "change"):     (__,     OWN,           ANY,   ANY,  ANY),
    ("image", "delete"):     (__,     __,            __,    ANY,  ANY),
    ("category", "view"):    (ANY,    ANY,           ANY,   ANY,  ANY),
    ("category", "add"):     (__,     __,            __,    ANY,  ANY),
    ("category", "change"):  (__,     __,            __,    ANY,  ANY),
    ("category", "delete"):  (__,     __,            __,    ANY,  ANY),
    ("source", "view"):      (ANY,    ANY,           ANY,   ANY,  ANY),
    ("source", "add"):       (__,     __,            __,    ANY,  ANY),
    ("source", "change"):    (__,     __,            __,    ANY,  ANY),
    ("source", "delete"):    (__,     __,            __,    ANY,  ANY),
    ("author", "view"):      (ANY,    ANY,           ANY,   ANY,  ANY),
    ("author", "add"):       (__,     __,            __,    ANY,  ANY),
    ("author", "change"):    (__,     __,            __,    ANY,  ANY),
    ("author", "delete"):    (__,     __,            __,    ANY,  ANY),
    ("tag", "view"):         (ANY,    ANY,           ANY,   ANY,  ANY),
    ("tag", "add"):          (__,     ANY,           ANY,   ANY,  ANY),
    ("tag", "change"):       (__,     __,            ANY,   ANY,  ANY),
    ("tag", "delete"):       (__,     __,            __,    ANY,  ANY),
    # Old addresses of stories.
    ("redirect", "view"):    (__,     __,            ANY,   ANY,  ANY),
    ("redirect", "add"):     (__,     __,            __,    ANY,  ANY),
    ("redirect", "change"):  (__,     __,            __,    ANY,  ANY),
    ("redirect", "delete"):  (__,     __,            __,    ANY,  ANY),
    # Sources' feeds, polled for new copy ("change" includes polling now).
    ("feed", "view"):        (__,     __,            ANY,   ANY,  ANY),
    ("feed", "add"):         (__,     __,            __,    ANY,  ANY),
    ("feed", "change"):      (__,     __,            __,    ANY,  ANY),
    ("feed", "delete"):      (__,     __,            __,    ANY,  ANY),
    # Story files uploaded in the admin; "publish" imports straight into
    # publication; "view" is the record of what imports took in.
    ("import", "add"):       (__,     ANY,           ANY,   ANY,  ANY),
    ("import", "publish"):   (__,     __,            __,    ANY,  ANY),
    ("import", "view"):      (__,     __,            __,    __,   ANY),
    ("import", "delete"):    (__,     __,            __,    __,   ANY),
    # Partners' keys to the read API.
    ("apikey", "view"):      (__,     __,            __,    ANY,  ANY),
    ("apikey", "add"):       (__,     __,            __,    ANY,  ANY),
    ("apikey", "change"):    (__,     __,            __,    ANY,  ANY),
    ("apikey", "delete"):    (__,     __,            __,    ANY,  ANY),
    # Staff accounts (a role is given by its group).
    ("user", "view"):        (__,     __,            __,    ANY,  ANY),
    ("user", "add"):         (__,     __,            __,    ANY,  ANY),
    ("user", "change"):      (__,     __,            __,    ANY,  ANY),
    ("user", "delete"):      (__,     __,            __,    __,   ANY),
}
# fmt: on


def scope(user: Person, kind: str, action: str) -> str | None:
    """Return the scope in which user may take action on objects of kind, if any."""
    try:
        row = CAPABILITIES[(kind, action)]
    except KeyError:
        raise LookupError(f"No capability {kind}.{action}") from None
    return row[ROLES.index(role_of(user))]


def allowed(user: Person, kind: str, action: str, obj: Any = None) -> bool:
    """Return whether user may take action on obj (or on some object of kind)."""
    granted = scope(user, kind, action)
    if granted is None:
        return False
    if obj is None:
        return True
    if (kind, action) == ("story", "delete") and obj.status == Status.PUBLISHED:
        return False  # a published story is withdrawn, never deleted
    return granted == ANY or in_scope(user, kind, action, granted, obj)


def in_scope(user: Person, kind: str, action: str, granted: str, obj: Any) -> bool:
    """Return whether obj lies within the granted scope (OWN, PUBLIC…) for user."""
    if kind == "image":
        if granted == PUBLIC:
            return stories_showing(obj).published().exists()
        return picture_is_own(user, obj)
    story: Story = obj
    if granted == PUBLIC:
        return story.is_public
    own = is_owner(user, story)
    if granted == OWN_OR_PUBLIC:
        return own or story.is_public
    if (kind, action) == ("story", "change"):
        return own and story.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
    return own


def visible_stories(user: Person, stories: QuerySet[Story]) -> QuerySet[Story]:
    """Return the stories of the queryset user may see (the admin's lists)."""
    granted = scope(user, "story", "view")
    if granted == ANY:
        return stories
    public = Q(status=Status.PUBLISHED, published_at__lte=timezone.now())
    if granted == PUBLIC:
        return stories.filter(public)
    if granted == OWN_OR_PUBLIC:
        return stories.filter(owned_by(user) | public)
    return stories.none()


def owned_by(user: Person) -> Q:
    """Return the condition for stories user created or is credited on."""
    credited = Story.authors.through.objects.filter(
        story_id=OuterRef("pk"),
        author__user_id=user.pk,  # type: ignore[misc]
    )
    return Q(created_by_id=user.pk) | Q(Exists(credited))


def stories_showing(image: Image) -> StoryQuerySet:
    """Return the stories that show the picture: as main picture or in the text."""
    shown = Q(hero_image=image)
    if image.file:
        shown |= Q(body__contains=image.file.url)
    return Story.objects.filter(shown)


def picture_is_own(user: Person, image: Image) -> bool:
    """Return whether a picture is only in stories user may change.

    A picture in no story is its uploader's. One shown in a story user may not
    change (a colleague's, or one already published) is not theirs to change:
    it would change that story without its review.
    """
    return blocking_story(user, image) is None and (
        image.uploaded_by_id == user.pk or stories_showing(image).exists()
    )


def blocking_story(user: Person, image: Image) -> Story | None:
    """Return a story showing the picture that user may not change, if any."""
    for story in stories_showing(image).prefetch_related("authors"):
        if not allowed(user, "story", "change", story):
            return story
    return None


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
    label: StrOrPromise
    sources: tuple[str, ...]  # states (see state_of), so SCHEDULED may be one
    target: str
    capability: str  # the story action of CAPABILITIES it needs
    note_required: bool = False
    needs_time: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", _("Submit for review"),
               (Status.DRAFT, Status.CHANGES_REQUESTED), Status.IN_REVIEW, "submit"),
        Action("approve", _("Approve"), (Status.IN_REVIEW,), Status.APPROVED,
               "review"),
        Action("request_changes", _("Request changes"),
               (Status.IN_REVIEW, Status.APPROVED),
               Status.CHANGES_REQUESTED, "review", note_required=True),
        Action("publish", _("Publish now"), (Status.IN_REVIEW, Status.APPROVED),
               Status.PUBLISHED, "publish"),
        Action("schedule", _("Schedule"), (Status.IN_REVIEW, Status.APPROVED),
               Status.PUBLISHED, "publish", needs_time=True),
        Action("reschedule", _("Reschedule"), (SCHEDULED,), Status.PUBLISHED,
               "publish", needs_time=True),
        Action("publish_scheduled", _("Publish now"), (SCHEDULED,), Status.PUBLISHED,
               "publish"),
        # While scheduled, unpublishing cancels the schedule; a correction waits
        # until readers have seen the story (until then editors fix the text).
        Action("unpublish", _("Unpublish"), (Status.PUBLISHED, SCHEDULED),
               Status.UNPUBLISHED, "publish", note_required=True),
        Action("correct", _("Add a correction"), (Status.PUBLISHED,), Status.PUBLISHED,
               "publish", note_required=True),
        Action("return_to_draft", _("Return to draft"), (Status.UNPUBLISHED,),
               Status.DRAFT, "publish"),
    ]
}  # fmt: skip


def is_owner(user: Person, story: Story) -> bool:
    """Return whether user wrote the story (created it or is credited on it)."""
    if not user.is_authenticated:
        return False
    if story.created_by_id == user.pk:
        return True
    if story.pk is None:
        return False
    cache = getattr(story, "_prefetched_objects_cache", {})
    if "authors" in cache:
        return any(a.user_id == user.pk for a in cache["authors"])
    return story.authors.filter(user=user).exists()


def may(user: Person, action: Action, story: Story) -> bool:
    """Return whether user holds the right to perform action on story (any state)."""
    return allowed(user, "story", action.capability, story)


def available_actions(
    user: Person, story: Story, now: datetime | None = None
) -> list[Action]:
    """Return the actions user may take on story as it stands now."""
    state = state_of(story, now)
    return [a for a in ACTIONS.values() if state in a.sources and may(user, a, story)]


def can_edit(user: Person, story: Story) -> bool:
    """Return whether user may change the story's content in its current state."""
    if story.pk is None:
        return allowed(user, "story", "add")
    return allowed(user, "story", "change", story)


def is_editor(user: Person) -> bool:
    """Return whether user is on the desk that reviews other people's stories."""
    return allowed(user, "story", "review")


def can_preview(user: Person, story: Story) -> bool:
    """Return whether user may read the story as readers would, before it is out."""
    return allowed(user, "story", "preview", story)


def can_note(user: Person, story: Story) -> bool:
    """Return whether user may write in the story's internal thread."""
    return allowed(user, "note", "add", story)


def state_of(story: Story, now: datetime | None = None) -> str:
    """Return the story's status, telling scheduled apart from published."""
    due = story.published_at
    if story.status == Status.PUBLISHED and due and due > (now or timezone.now()):
        return SCHEDULED
    return str(story.status)


def state_label(state: str) -> StrOrPromise:
    return _("Scheduled") if state == SCHEDULED else Status(state).label


def must_use_two_factor(user: Person) -> bool:
    """Return whether user must sign in with a second factor: whoever runs the site
    or its staff accounts (administrators and chief editors)."""
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("accounts.change_user"))
    )
