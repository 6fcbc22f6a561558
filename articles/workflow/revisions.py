"""Every saved version of a story (django-reversion), their differences, and restore."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.core.clock import newsroom_strftime
from articles.core.text import html_to_text
from articles.models import Author, Category, Image, Source, Story, Tag
from articles.workflow.purges import public_lists
from articles.workflow.rules import ERROR_CANNOT_EDIT, can_edit
from articles.workflow.services import (
    public_address,
    story_lock_for_edit,
    story_store_content,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

ERROR_WRONG_VERSION = _("That version does not belong to this story.")
ERROR_CANNOT_VIEW = _("You may not see the versions of this story.")

VERSIONED_FIELDS = [
    "headline", "slug", "dek", "body", "language", "category", "source",
    "original_url", "tags", "authors", "hero_image", "translation_of", "featured",
    "status", "published_at", "version", "latin_overrides",
]  # fmt: skip
# What a restore brings back: the words and where they belong, never the status.
RESTORED_FIELDS = [
    "headline", "dek", "body", "language", "category", "source", "original_url",
    "hero_image", "translation_of", "latin_overrides",
]  # fmt: skip
RELATED: dict[str, type[models.Model]] = {
    "category_id": Category,
    "source_id": Source,
    "hero_image_id": Image,
    "translation_of_id": Story,
}
# What the versions page lists as changed: everything kept but the counter.
LISTED_FIELDS = [name for name in VERSIONED_FIELDS if name != "version"]
_FORM_FIELD_NAMES = {f.name for f in Story._meta.get_fields()} | {"expected_version"}
COMPARED = [
    ("headline", _("headline")),
    ("dek", _("summary")),
    ("body", _("text")),
    ("latin_overrides", _("Latin spellings")),
]

reversion.register(Story, fields=VERSIONED_FIELDS)


def versions_of(story: Story) -> QuerySet[Version]:
    """Return the story's saved versions, newest first."""
    versions: QuerySet[Version] = (
        Version.objects.get_for_object(story)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )
    return versions


def record_baseline(story: Story, user: User) -> None:
    """Keep the stored state of a story that has no version yet (made by an import)."""
    if versions_of(story).exists():
        return
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(str(_("Version before the first recorded edit")))
        reversion.add_to_revision(Story.objects.get(pk=story.pk))


def version_of(story: Story, version_id: int) -> Version:
    try:
        return versions_of(story).get(pk=version_id)
    except (Version.DoesNotExist, ValueError, TypeError):
        raise ValidationError(ERROR_WRONG_VERSION, code="wrong_version") from None


def base_version(story: Story, number: int | None) -> Version | None:
    """Return the saved version an editor started from (Story.version == number)."""
    if number is None:
        return None
    for version in versions_of(story):
        if (version.field_dict.get("version") or 0) <= number:
            return version
    return None


_TOKEN = re.compile(r"\s+|[^\s]+")


def diff_html(old: str, new: str) -> SafeString:
    """Return new text with words removed since old in <del> and added in <ins>."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            parts.append(("<del>{}</del>", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("<ins>{}</ins>", "".join(b[j1:j2])))
        if op == "equal":
            parts.append(("{}", "".join(a[i1:i2])))
    return mark_safe(
        "".join(format_html_join("", tpl, ((text,),)) for tpl, text in parts)
    )


@dataclass
class FieldDiff:
    name: str
    label: StrOrPromise
    changed: bool
    html: SafeString


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name) or ""
    return html_to_text(value) if name == "body" else value


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Compare headline, summary and text of two versions (field dicts)."""
    rows = []
    for name, label in COMPARED:
        a, b = _text(old, name), _text(new, name)
        rows.append(FieldDiff(name, label, a != b, diff_html(a, b)))
    return rows


def _comparable(name: str, value: Any) -> Any:
    # Tags and authors are stored as lists of keys, in no particular order.
    return sorted(value or []) if name in ("tags", "authors") else value


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Return the names of the fields whose values differ between two versions.

    Only what a person would call a change: the version counter is left out, and
    with no older version (the first one) nothing is listed.
    """
    if old is None:
        return []
    names = []
    for name in LISTED_FIELDS:
        field = Story._meta.get_field(name)
        key = getattr(field, "attname", name)
        if _comparable(name, old.get(key)) != _comparable(name, new.get(key)):
            names.append(str(getattr(field, "verbose_name", name)))
    return names


def version_note(version: Version) -> str:
    """Return the remark kept with a version (a restore, the first version).

    Older versions kept the names of the form's fields here, which may not have
    changed at all; those are left out in favour of changed_fields().
    """
    comment = (version.revision.comment or "").strip()
    parts = {part.strip() for part in comment.split(",")}
    if not comment or parts <= _FORM_FIELD_NAMES:
        return ""
    return comment


def current_fields(story: Story) -> dict[str, Any]:
    return {name: getattr(story, name) for name, _label in COMPARED}


def story_restore_version(*, story_id: int, user: User, version_id: int) -> Story:
    """Bring back the content of an older version, saved as a new version."""
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story_id)
        if not can_edit(user, story):
            raise PermissionDenied(ERROR_CANNOT_EDIT)
        chosen = version_of(story, version_id)
        old = chosen.field_dict
        record_baseline(story, user)
        with reversion.create_revision():
            story = story_lock_for_edit(
                story_id=story.pk, user=user, expected_version=story.version
            )
            old_address = public_address(story)
            shown_before = public_lists(story)
            for name in RESTORED_FIELDS:
                field = Story._meta.get_field(name)
                assert isinstance(field, models.Field)
                attname = field.attname
                value = old.get(attname, getattr(story, attname))
                model = RELATED.get(attname)
                if (
                    value
                    and model
                    and not model._default_manager.filter(pk=value).exists()
                ):
                    continue  # gone since then (a deleted picture): keep today's
                setattr(story, attname, value)
            if not story.slug_is_fixed and old.get("slug"):
                taken = Story.objects.filter(slug=old["slug"]).exclude(pk=story.pk)
                if not taken.exists():
                    story.slug = old["slug"]
            story.version += 1
            story_store_content(
                story=story, old_address=old_address, shown_before=shown_before
            )
            story.tags.set(Tag.objects.filter(pk__in=old.get("tags") or []))
            story.authors.set(Author.objects.filter(pk__in=old.get("authors") or []))
            reversion.set_user(user)
            reversion.set_comment(
                str(_("Restored the version of %(when)s"))
                % {"when": newsroom_strftime(chosen.revision.date_created)}
            )
    return story
