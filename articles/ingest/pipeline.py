"""The shared half of every import: writing each item in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.core.text import SLUG_MAX_LENGTH, latin_slugify
from articles.ingest.catalog import Catalog
from articles.ingest.duplicates import copy_reason, find_copy
from articles.ingest.items import StoryItem, Target, check_item
from articles.ingest.summary import (
    REASON_ALREADY_IMPORTED,
    ItemError,
    ItemResult,
    Outcome,
)
from articles.models import (
    ImportedItem,
    ImportKind,
    Status,
    Story,
    StoryRedirect,
    unique_slug,
)
from articles.search import index as search_index
from articles.workflow import services

ERROR_DATABASE = gettext_lazy("The database refused the story: %(error)s")


NOTE_IMPORTED = gettext_lazy("Imported from %(where)s.")


REASON_EDITED_HERE = gettext_lazy(
    "changed at the source, but the story has been edited or published here since; "
    "left as it is"
)


REASON_EDITED_SINCE_IMPORT = gettext_lazy("edited by the newsroom since import")


REASON_UPDATED_AND_PUBLISHED = gettext_lazy("changed at the source; updated")


def _fill(story: Story, item: StoryItem, catalog: Catalog) -> None:
    story.headline = item.headline
    story.body = item.body
    story.dek = item.dek
    story.language = item.language
    story.category = item.category or catalog.category(
        item.category_name,
        item.language,
        slug_hint=item.category_slug,
        parents=item.category_parents,
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


def _keep_source_dates(story_id: int, item: StoryItem, public: bool) -> None:
    """Date an archive story's last change as its source does, not as imported.

    Publishing it here is no editorial change readers should be told of: a 2023
    post is not "updated" on the day it moved house.
    """
    if not public:
        return
    now = timezone.now()
    changed = min(item.modified_at or item.published_at or now, now)
    if item.published_at is not None:
        changed = max(changed, item.published_at)
    Story.objects.filter(pk=story_id).update(updated_at=changed)


def _wordpress_id(kind: str, item: StoryItem) -> int | None:
    return item.wordpress_id if kind == ImportKind.WORDPRESS else None


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
        warnings = check_item(item)
        fingerprint = item.fingerprint()
        with transaction.atomic():
            result = _write(item, user, catalog, fingerprint, notify)
        result.warnings += warnings
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
    copy = find_copy(item)
    if copy is not None:
        story, why = copy
        return ItemResult(
            Outcome.SKIPPED,
            item.where,
            story_id=story.pk,
            reason=copy_reason(story, why),
            copy_of=story.pk,
        )
    story = Story(created_by=user)
    _fill(story, item, catalog)
    story.slug = _free_slug(item.slug_hint or item.headline)
    story.hero_image = item.hero_image
    story.save()
    search_index.index_stories([story.pk])
    if item.tags:
        story.tags.set(catalog.tags(item.tags))
    if item.authors:
        story.authors.set(catalog.authors(item.authors))
    if item.note:
        services.story_add_note(story_id=story.pk, user=user, text=item.note)
    public = _move(
        story, item, user, str(NOTE_IMPORTED % {"where": item.where}), notify
    )
    _keep_source_dates(story.pk, item, public)
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
                wordpress_id=_wordpress_id(kind, item),
                note=item.note,
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
                wordpress_id=_wordpress_id(kind, item),
                note=item.note,
            )
            for kind, key in dict.fromkeys(item.keys)
            if (kind, key) not in known
        ],
        ignore_conflicts=True,
    )
    unchanged = all(r.fingerprint == fingerprint for r in records)
    story = Story.objects.select_for_update().get(pk=record.story_id)  # type: ignore[misc]
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
        search_index.index_stories([story.pk])
        story.tags.set(catalog.tags(item.tags))
        if item.authors:
            story.authors.set(catalog.authors(item.authors))
    public = publish and _move(
        story, item, user, str(NOTE_IMPORTED % {"where": item.where}), notify
    )
    _keep_source_dates(story.pk, item, public)
    ImportedItem.objects.filter(pk__in=[r.pk for r in records]).update(
        fingerprint=fingerprint, imported_at=timezone.now(), note=item.note
    )
    if public:
        reason = "" if unchanged else str(REASON_UPDATED_AND_PUBLISHED)
        return ItemResult(
            Outcome.PUBLISHED, item.where, story_id=story.pk, reason=reason
        )
    return ItemResult(Outcome.UPDATED, item.where, story_id=story.pk)
