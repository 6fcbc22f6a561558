"""Framework wiring: keep the index in step when Django saves or deletes rows."""

from __future__ import annotations

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from articles.models import (
    Author,
    Source,
    Story,
    Tag,
)
from articles.search.index import (
    FIELDS_FILTERED,
    FIELDS_INDEXED,
    index_stories,
    refresh_filters,
    unindex_stories,
)


def _story_saved(sender, instance, update_fields=None, **kwargs):
    changed = set(update_fields) if update_fields is not None else None
    if changed is None or FIELDS_INDEXED & changed:
        index_stories([instance.pk])
    elif FIELDS_FILTERED & changed:
        refresh_filters([instance])


def _story_deleted(sender, instance, **kwargs):
    unindex_stories([instance.pk])


def _story_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_story_ids = list(instance.stories.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        index_stories([instance.pk])
    elif action == "post_clear":
        index_stories(getattr(instance, "_search_story_ids", []))
    else:
        index_stories(pk_set or [])


def _name_before_save(sender, instance, **kwargs):
    if instance.pk:
        instance._search_old_name = (
            sender._default_manager.filter(pk=instance.pk)
            .values_list("name", flat=True)
            .first()
        )


def _name_saved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_search_old_name", None) != instance.name:
        index_stories(instance.stories.values_list("pk", flat=True))


def _linked_before_delete(sender, instance, **kwargs):
    instance._search_story_ids = list(instance.stories.values_list("pk", flat=True))


def _linked_deleted(sender, instance, **kwargs):
    index_stories(getattr(instance, "_search_story_ids", []))


def connect_signals() -> None:
    """Keep the index in step with stories, their tags, authors and sources."""
    uid = "articles.search"
    post_save.connect(_story_saved, sender=Story, dispatch_uid=f"{uid}.story_saved")
    post_delete.connect(_story_deleted, sender=Story, dispatch_uid=f"{uid}.story_del")
    for through in (Story.tags.through, Story.authors.through):
        m2m_changed.connect(
            _story_links_changed, sender=through, dispatch_uid=f"{uid}.{through}"
        )
    for model in (Tag, Author, Source):
        pre_save.connect(
            _name_before_save, sender=model, dispatch_uid=f"{uid}.{model}.p"
        )
        post_save.connect(_name_saved, sender=model, dispatch_uid=f"{uid}.{model}.s")
    for model in (Tag, Author):
        pre_delete.connect(
            _linked_before_delete, sender=model, dispatch_uid=f"{uid}.{model}.pd"
        )
        post_delete.connect(
            _linked_deleted, sender=model, dispatch_uid=f"{uid}.{model}.d"
        )
