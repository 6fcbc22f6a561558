"""
Pictures, sections, sources and authors: stored and changed by their services only.

Each asks the capability matrix (``rules.allowed``) and keeps the same optimistic
lock as stories: a form carries the version it was opened at, and a save based on
an older one is refused, so two people editing one caption never silently lose
either's words. A new picture file is checked (``core.images.check_image``) and
its renditions are made here, when it is stored: never while a reader waits.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from articles.core import cache as caching
from articles.core.clock import newsroom_time
from articles.core.images import CheckedUpload, check_image
from articles.core.renditions import delete_renditions, make_renditions
from articles.models import Author, Category, Image, Source
from articles.workflow import rules
from articles.workflow.purges import catalog_purge

if TYPE_CHECKING:
    from articles.workflow.rules import Person

ERROR_STALE_ITEM = _(
    "%(who)s saved this %(thing)s at %(when)s, after you opened it. Your changes "
    "were not saved, so that theirs are not overwritten: reload the page and "
    "apply your changes again."
)


ERROR_NOT_ALLOWED_ITEM = _("You may not change this %(thing)s.")


ERROR_ADD_NOT_ALLOWED = _("You may not add a %(thing)s.")


# The matrix's name for each model the services here keep.
KINDS: dict[type[models.Model], str] = {
    Image: "image",
    Category: "category",
    Source: "source",
    Author: "author",
}


class StaleItemEdit(ValidationError):
    """A save based on an older version than the stored one."""

    def __init__(self, obj: Any, who: str, when: datetime | None):
        super().__init__(
            ERROR_STALE_ITEM,
            code="stale",
            params={
                "who": who,
                "thing": obj._meta.verbose_name,
                "when": newsroom_time(when).strftime("%d.%m.%Y %H:%M:%S")
                if when
                else "—",
            },
        )
        self.obj = obj


def last_saved_by(obj: Any) -> tuple[str, datetime | None]:
    """Return who last changed obj in the admin, and when (from its log)."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    if entry is None:
        return str(_("Someone")), None
    who = entry.user.get_full_name() or entry.user.get_username()
    return who, entry.action_time


def refusal(user: Person, obj: Any) -> PermissionDenied:
    """Return the refusal to change obj, naming what stands in the way."""
    if isinstance(obj, Image):
        blocking = rules.blocking_story(user, obj)
        if blocking is not None:
            return PermissionDenied(
                rules.ERROR_PICTURE_IN_OTHER_STORY % {"headline": blocking.headline}
            )
    return PermissionDenied(ERROR_NOT_ALLOWED_ITEM % {"thing": obj._meta.verbose_name})


def item_lock_for_edit(*, obj: Any, user: Person, expected_version: int | None) -> Any:
    """Lock the stored row of obj; refuse if user may not change it or it moved on.

    Call inside a transaction: the row stays locked until it ends, so of two
    people saving the same version only the first succeeds.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("item_lock_for_edit() needs a transaction.")
    model = type(obj)
    stored = model.objects.select_for_update().get(pk=obj.pk)
    if not rules.allowed(user, KINDS[model], "change", stored):
        raise refusal(user, stored)
    if expected_version != stored.version:
        who, when = last_saved_by(stored)
        raise StaleItemEdit(stored, who, when)
    return stored


def item_save(*, obj: Any, user: Person, expected_version: int | None = None) -> Any:
    """Save a new or edited picture, section, source or author as user.

    Refuse (PermissionDenied) what the matrix does not allow, and (StaleItemEdit)
    an edit based on an older version than the stored one. A new picture file is
    checked and its renditions made.
    """
    kind = KINDS[type(obj)]
    with transaction.atomic():
        if obj.pk is None:
            if not rules.allowed(user, kind, "add"):
                raise PermissionDenied(
                    ERROR_ADD_NOT_ALLOWED % {"thing": obj._meta.verbose_name}
                )
            obj.version = 1
        else:
            stored = item_lock_for_edit(
                obj=obj, user=user, expected_version=expected_version
            )
            obj.version = stored.version + 1
        if isinstance(obj, Image):
            _save_picture(obj, user)
            # Only the pages of the public stories that show the picture change.
            shown = rules.stories_showing(obj).published().values_list("pk", flat=True)
            caching.purge_on_commit(
                key
                for pk in shown
                for key in (caching.story_key(pk), caching.card_key(pk))
            )
        else:
            obj.save()
            catalog_purge(items=[obj])  # names in navigation, bylines, lists
    return obj


def _save_picture(image: Image, user: Person) -> None:
    new_file = bool(image.file) and not image.file._committed  # type: ignore[attr-defined]
    if new_file and not isinstance(image.file.file, CheckedUpload):
        image.file = check_image(image.file.file).content
    if image.pk is None and image.uploaded_by_id is None and user.pk is not None:
        image.uploaded_by = user
    image.save()
    if new_file:
        delete_renditions(image)
        make_renditions(image)


def image_create(
    *, user: Person, upload: Any, alt_text: str, caption: str = "", credit: str = ""
) -> Image:
    """Store an uploaded picture as user: checked, named after its real format,
    with its renditions made. Every way a picture comes in ends here or in
    item_save (the admin's picture form).

    Raise ValidationError (not a picture we accept) or PermissionDenied.
    """
    if not rules.allowed(user, "image", "add"):
        raise PermissionDenied(
            ERROR_ADD_NOT_ALLOWED % {"thing": Image._meta.verbose_name}
        )
    checked = check_image(upload)
    image = Image(
        file=checked.content,
        alt_text=_plain(alt_text)[:300]
        or (checked.content.name or "image").rsplit(".", 1)[0],
        caption=_plain(caption)[:300],
        credit=_plain(credit)[:150],
    )
    saved: Image = item_save(obj=image, user=user)
    return saved


def _plain(text: str) -> str:
    """Return text on one line, without control characters (from file names)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
