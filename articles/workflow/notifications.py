"""E-mail to the people a workflow move concerns. Called by workflow after commit."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.core.clock import NEWSROOM_TZ, newsroom_strftime
from articles.models import Story, StoryEvent
from articles.workflow.rules import ACTIONS

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

SUBJECTS = {
    "submit": gettext_lazy("For review: %(headline)s"),
    "approve": gettext_lazy("Approved: %(headline)s"),
    "request_changes": gettext_lazy("Changes requested: %(headline)s"),
    "publish": gettext_lazy("Published: %(headline)s"),
    "schedule": gettext_lazy("Scheduled: %(headline)s"),
    "reschedule": gettext_lazy("New publication time: %(headline)s"),
    "publish_scheduled": gettext_lazy("Published: %(headline)s"),
    "unpublish": gettext_lazy("Withdrawn: %(headline)s"),
}
# Moves the desk must hear about; every other listed move goes to the authors.
TO_EDITORS = {"submit"}


def editors() -> QuerySet[User]:
    """Return the active staff who review stories."""
    perm = Q(codename="review_story", content_type__app_label="articles")
    perm_ids = Permission.objects.filter(perm).values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=perm_ids)
            | Q(user_permissions__in=perm_ids)
        )
        .exclude(email="")
        .distinct()
    )


def authors(story: Story) -> QuerySet[User]:
    """Return the active users who wrote the story."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk=story.created_by_id) | Q(author__stories=story))
        .exclude(email="")
        .distinct()
    )


def recipients(event: StoryEvent) -> list[str]:
    """Return the addresses a workflow event is sent to (never its own actor)."""
    if event.action not in SUBJECTS:
        return []
    people = editors() if event.action in TO_EDITORS else authors(event.story)
    if event.actor_id:
        people = people.exclude(pk=event.actor_id)
    return sorted(people.values_list("email", flat=True))


def story_moved(*, event_id: int) -> int:
    """Tell the people concerned about a workflow event; return the mails sent."""
    event = StoryEvent.objects.select_related("story", "actor").get(pk=event_id)
    to = recipients(event)
    if not to:
        return 0
    story = event.story
    actor = event.actor
    link = settings.NEWSROOM_SITE_URL.rstrip("/") + reverse(
        "admin:articles_story_change", args=[story.pk]
    )
    who = (actor.get_full_name() or actor.get_username()) if actor else _("Someone")
    if event.from_status == event.to_status:
        # "Published → Published" would say nothing: name the move instead.
        action = ACTIONS.get(event.action)
        moved = _("%(who)s: %(action)s") % {
            "who": who,
            "action": action.label if action else event.action,
        }
    else:
        moved = _("%(who)s: %(from)s → %(to)s") % {
            "who": who,
            "from": event.get_from_status_display(),
            "to": event.get_to_status_display(),
        }
    lines = [story.headline, "", moved]
    if event.action in ("schedule", "reschedule") and story.published_at:
        lines.append(
            _("Goes out at %(time)s (%(zone)s).")
            % {"time": newsroom_strftime(story.published_at), "zone": NEWSROOM_TZ.key}
        )
    if event.note:
        lines += ["", _("Note:"), event.note]
    lines += ["", link]
    messages = [
        EmailMessage(
            subject=SUBJECTS[event.action] % {"headline": story.headline},
            body="\n".join(str(line) for line in lines),
            to=[address],
        )
        for address in to
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        # The move itself is done and committed; a mail server outage must not undo
        # it or show the editor an error page.
        logger.exception("Could not send workflow mail for event %s", event_id)
        return 0
