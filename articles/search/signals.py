"""
The only signals that touch the search index: paths where Django, not our code,
makes the write, so no service could call the index.

A story's own saves are indexed by the services that make them
(``articles.workflow.services``, the imports, the demo, a restore); nothing here
listens to them. What is left is framework wiring:

- a story deleted by the admin (one or many at once) or by a cascade;
- tags and authors linked or unlinked through the admin form's many-to-many
  fields, or from either side of the relation;
- a tag, author or source renamed or deleted in the admin catalogue: every story
  that carries the name is indexed again.

A rename is told from the name the instance was loaded with (kept at
``post_init``), so saving a tag, author or source costs no extra query.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
)

from articles.models import Author, Source, Story, Tag
from articles.search.index import index_stories, unindex_stories

LOADED_NAME = "_search_loaded_name"
LINKED_STORIES = "_search_story_ids"


def _story_deleted(sender: type[Story], instance: Story, **kwargs: Any) -> None:
    unindex_stories([instance.pk])


def _story_links_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action == "pre_clear" and reverse:
        setattr(instance, LINKED_STORIES, _linked_story_ids(instance))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        index_stories([instance.pk])
    elif action == "post_clear":
        index_stories(getattr(instance, LINKED_STORIES, []))
    else:
        index_stories(pk_set or [])


def _linked_story_ids(instance: models.Model) -> list[int]:
    return list(getattr(instance, "stories").values_list("pk", flat=True))  # noqa: B009


def _name_loaded(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    # Only a row read from the database has a name to compare with; "name" may be
    # deferred, and then it was not loaded.
    if "name" in instance.__dict__:
        setattr(instance, LOADED_NAME, instance.__dict__["name"])


def _name_saved(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    name = getattr(instance, "name")  # noqa: B009
    if not created and getattr(instance, LOADED_NAME, None) != name:
        index_stories(_linked_story_ids(instance))
    setattr(instance, LOADED_NAME, name)


def _linked_before_delete(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    setattr(instance, LINKED_STORIES, _linked_story_ids(instance))


def _linked_deleted(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    index_stories(getattr(instance, LINKED_STORIES, []))


def connect_signals() -> None:
    """Connect the handlers above (called once, from the app's ready())."""
    uid = "articles.search"
    post_delete.connect(_story_deleted, sender=Story, dispatch_uid=f"{uid}.story_del")
    for through in (Story.tags.through, Story.authors.through):
        m2m_changed.connect(
            _story_links_changed, sender=through, dispatch_uid=f"{uid}.{through}"
        )
    for model in (Tag, Author, Source):
        post_init.connect(_name_loaded, sender=model, dispatch_uid=f"{uid}.{model}.i")
        post_save.connect(_name_saved, sender=model, dispatch_uid=f"{uid}.{model}.s")
    for model in (Tag, Author):
        pre_delete.connect(
            _linked_before_delete, sender=model, dispatch_uid=f"{uid}.{model}.pd"
        )
        post_delete.connect(
            _linked_deleted, sender=model, dispatch_uid=f"{uid}.{model}.d"
        )
