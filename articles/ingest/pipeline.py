"""The shared half of every import: item data, one-transaction writes, the summary."""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.core.text import SLUG_MAX_LENGTH, latin_slugify
from articles.ingest.catalog import Catalog, key_for
from articles.ingest.language import detect_language
from articles.ingest.summary import (
    REASON_ALREADY_IMPORTED,
    ItemError,
    ItemResult,
    Outcome,
)
from articles.models import (
    Category,
    Image,
    ImportedItem,
    Source,
    Status,
    Story,
    StoryRedirect,
    unique_slug,
)
from articles.workflow import services

# Limits on what one item may carry; anything larger is refused, not truncated.
MAX_HEADLINE_CHARS = Story._meta.get_field("headline").max_length


MAX_DEK_CHARS = 600


MAX_BODY_CHARS = 300_000


MAX_TAGS = 30


MAX_AUTHORS = 10


ERROR_NO_HEADLINE = gettext_lazy("The story has no headline.")


ERROR_HEADLINE_TOO_LONG = gettext_lazy(
    "The headline is %(length)d characters long; at most %(limit)d are allowed."
)


ERROR_NO_BODY = gettext_lazy("The story has no text.")


ERROR_BODY_TOO_LONG = gettext_lazy(
    "The text is %(length)d characters long; at most %(limit)d are allowed."
)


ERROR_NO_CATEGORY = gettext_lazy("The story has no category.")


ERROR_DATABASE = gettext_lazy("The database refused the story: %(error)s")


NOTE_IMPORTED = gettext_lazy("Imported from %(where)s.")


REASON_EDITED_HERE = gettext_lazy(
    "changed at the source, but the story has been edited or published here since; "
    "left as it is"
)


REASON_EDITED_SINCE_IMPORT = gettext_lazy("edited by the newsroom since import")


REASON_UPDATED_AND_PUBLISHED = gettext_lazy("changed at the source; updated")


class Target(enum.StrEnum):
    """Where an imported story ends up in the workflow."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISH = "publish"


@dataclass
class StoryItem:
    """One story read from outside, before it is written."""

    where: str
    headline: str
    body: str  # HTML; sanitised again by Story.save()
    language: str = ""
    keys: list[tuple[str, str]] = field(default_factory=list)
    category: Category | None = None
    category_name: str = ""
    source: Source | None = None
    source_name: str = ""
    dek: str = ""
    original_url: str = ""
    slug_hint: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    target: Target = Target.REVIEW
    hero_image: Image | None = None
    old_paths: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Return a hash of what the source said, to tell a changed item."""
        data = [
            self.headline,
            self.body,
            self.dek,
            self.language,
            self.category.pk if self.category else self.category_name,
            self.source.pk if self.source else self.source_name,
            self.original_url,
            sorted(self.tags),
            self.authors,
        ]
        raw = json.dumps(data, ensure_ascii=False, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()


def _without_nul(value):
    # PostgreSQL can neither store nor look up a NUL byte, and no text needs one:
    # a feed or an export carrying one loses the byte, not the story.
    if type(value) is str:
        return value.replace("\x00", "")
    if type(value) in (list, tuple):
        return type(value)(_without_nul(v) for v in value)
    return value


def _check(item: StoryItem) -> None:
    for name, value in vars(item).items():
        setattr(item, name, _without_nul(value))
    item.headline = " ".join(item.headline.split())
    if not item.headline:
        raise ItemError(ERROR_NO_HEADLINE)
    if len(item.headline) > MAX_HEADLINE_CHARS:
        raise ItemError(
            ERROR_HEADLINE_TOO_LONG
            % {"length": len(item.headline), "limit": MAX_HEADLINE_CHARS}
        )
    if not item.body.strip():
        raise ItemError(ERROR_NO_BODY)
    if len(item.body) > MAX_BODY_CHARS:
        raise ItemError(
            ERROR_BODY_TOO_LONG % {"length": len(item.body), "limit": MAX_BODY_CHARS}
        )
    if item.category is None and not item.category_name.strip():
        raise ItemError(ERROR_NO_CATEGORY)
    item.dek = item.dek.strip()[:MAX_DEK_CHARS]
    item.tags = item.tags[:MAX_TAGS]
    item.authors = item.authors[:MAX_AUTHORS]
    item.keys = [(kind, key_for(key)) for kind, key in item.keys if key.strip()]
    if not item.language:
        item.language = detect_language(f"{item.headline} {item.body}")


def _fill(story: Story, item: StoryItem, catalog: Catalog) -> None:
    story.headline = item.headline
    story.body = item.body
    story.dek = item.dek
    story.language = item.language
    story.category = item.category or catalog.category(
        item.category_name, item.language
    )
    story.source = item.source or (
        catalog.source(item.source_name) if item.source_name else None
    )
    story.original_url = item.original_url[:500]


def _move(story: Story, item: StoryItem, user, note: str, notify: bool) -> bool:
    """Move story on to where item is headed; return whether it is now public."""
    if item.target is Target.DRAFT:
        return False
    if story.status != Status.IN_REVIEW:
        services.story_transition(
            story_id=story.pk,
            user=user,
            action="submit",
            note=note,
            # On its way to publication the review step is a formality: no mail.
            notify=notify and item.target is Target.REVIEW,
        )
    if item.target is not Target.PUBLISH:
        return False
    now = timezone.now()
    if item.published_at is None:
        services.story_transition(
            story_id=story.pk, user=user, action="publish", notify=notify
        )
    elif item.published_at > now:
        services.story_transition(
            story_id=story.pk,
            user=user,
            action="schedule",
            publish_at=item.published_at,
            notify=notify,
        )
        return False
    else:
        services.story_publish_imported(
            story_id=story.pk, user=user, published_at=item.published_at, note=note
        )
    return True


def _redirects(story: Story, paths: Iterable[str]) -> None:
    new_path = story.get_absolute_url()
    for path in paths:
        if path and path != "/" and path != new_path:
            StoryRedirect.objects.get_or_create(
                old_path=path[:500], defaults={"story": story}
            )


def _free_slug(text: str) -> str:
    # An exact match uses the unique index; unique_slug's prefix scan (LIKE) cannot
    # on SQLite, and would make a large import slow down as the table grows.
    slug = latin_slugify(text, SLUG_MAX_LENGTH - 6) or "item"
    if not Story.objects.filter(slug=slug).exists():
        return slug
    return unique_slug(Story, text)


def story_import(
    *, item: StoryItem, user, catalog: Catalog, notify: bool = False
) -> ItemResult:
    """Write one imported story in one transaction: create, update or skip it.

    An item whose keys are already recorded is skipped when unchanged, updated when
    it changed at the source and nobody here has touched the story since, and left
    alone otherwise. New stories are created by user as drafts and moved on with
    the workflow; bulk imports leave out the workflow's mail (notify=False) and
    report in their summary instead. Nothing is written for an item that fails.
    """
    try:
        _check(item)
        fingerprint = item.fingerprint()
        with transaction.atomic():
            result = _write(item, user, catalog, fingerprint, notify)
    except (ItemError, ValidationError, PermissionDenied) as error:
        catalog.forget()
        reason = " ".join(getattr(error, "messages", [str(error)]))
        return ItemResult(Outcome.FAILED, item.where, reason=reason)
    except DatabaseError as error:
        catalog.forget()
        reason = ERROR_DATABASE % {"error": str(error).strip().splitlines()[0][:200]}
        return ItemResult(Outcome.FAILED, item.where, reason=reason)
    return result


def _write(
    item: StoryItem, user, catalog: Catalog, fingerprint: str, notify: bool
) -> ItemResult:
    match = Q(pk__in=[])
    for kind, key in item.keys:
        match |= Q(kind=kind, key=key)
    records = list(ImportedItem.objects.filter(match, story__isnull=False))
    if records:
        return _update_or_skip(item, records, user, catalog, fingerprint, notify)
    story = Story(created_by=user)
    _fill(story, item, catalog)
    story.slug = _free_slug(item.slug_hint or item.headline)
    story.hero_image = item.hero_image
    story.save()
    if item.tags:
        story.tags.set(catalog.tags(item.tags))
    if item.authors:
        story.authors.set(catalog.authors(item.authors))
    public = _move(
        story, item, user, str(NOTE_IMPORTED % {"where": item.where}), notify
    )
    if item.old_paths:
        _redirects(story, item.old_paths)
    now = timezone.now()
    ImportedItem.objects.bulk_create(
        [
            ImportedItem(
                kind=kind,
                key=key,
                story=story,
                fingerprint=fingerprint,
                imported_at=now,
            )
            for kind, key in dict.fromkeys(item.keys)
        ]
    )
    outcome = Outcome.PUBLISHED if public else Outcome.CREATED
    return ItemResult(outcome, item.where, story_id=story.pk)


def is_untouched(story: Story, imported_at: datetime) -> bool:
    """Return whether nobody here has changed story since it was imported.

    Any edit or workflow move by a person saves the story, so a story saved after
    its import, or gone past review, is the newsroom's own from then on.
    """
    return story.updated_at <= imported_at and story.status in (
        Status.DRAFT,
        Status.IN_REVIEW,
    )


def _update_or_skip(
    item: StoryItem,
    records: list[ImportedItem],
    user,
    catalog,
    fingerprint: str,
    notify: bool,
) -> ItemResult:
    record = max(records, key=lambda r: r.imported_at)
    known = {(r.kind, r.key) for r in records}
    ImportedItem.objects.bulk_create(
        [
            ImportedItem(
                kind=kind,
                key=key,
                story_id=record.story_id,
                fingerprint=record.fingerprint,
                imported_at=record.imported_at,
            )
            for kind, key in dict.fromkeys(item.keys)
            if (kind, key) not in known
        ],
        ignore_conflicts=True,
    )
    unchanged = all(r.fingerprint == fingerprint for r in records)
    story = Story.objects.select_for_update().get(pk=record.story_id)
    untouched = is_untouched(story, record.imported_at)
    # An archive import (--publish, or a post published at the source) brings out
    # a story still waiting untouched in review; one a person has taken up stays
    # theirs.
    publish = item.target is Target.PUBLISH and story.status != Status.PUBLISHED
    if publish and not untouched:
        return ItemResult(
            Outcome.SKIPPED,
            item.where,
            story_id=story.pk,
            reason=str(REASON_EDITED_SINCE_IMPORT),
        )
    if unchanged and not publish:
        return ItemResult(
            Outcome.SKIPPED,
            item.where,
            story_id=story.pk,
            reason=str(REASON_ALREADY_IMPORTED),
        )
    if not untouched:
        return ItemResult(
            Outcome.SKIPPED,
            item.where,
            story_id=story.pk,
            reason=str(REASON_EDITED_HERE),
        )
    if not unchanged:
        _fill(story, item, catalog)
        story.save()
        story.tags.set(catalog.tags(item.tags))
        if item.authors:
            story.authors.set(catalog.authors(item.authors))
    public = publish and _move(
        story, item, user, str(NOTE_IMPORTED % {"where": item.where}), notify
    )
    ImportedItem.objects.filter(pk__in=[r.pk for r in records]).update(
        fingerprint=fingerprint, imported_at=timezone.now()
    )
    if public:
        reason = "" if unchanged else str(REASON_UPDATED_AND_PUBLISHED)
        return ItemResult(
            Outcome.PUBLISHED, item.where, story_id=story.pk, reason=reason
        )
    return ItemResult(Outcome.UPDATED, item.where, story_id=story.pk)
