"""
Which cached public pages a change makes stale: the pages that show a story, the
lists it joined or left, and the pages of a section, source, author or tag.

Called by the workflow's services once they have written; the purge itself runs
when the transaction commits (``articles.core.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from articles.core import cache as caching
from articles.models import Story


def public_lists(story: Story) -> set[str]:
    """Return the keys of the public lists the story is in now (none if hidden)."""
    return caching.story_memberships(story) if story.is_public else set()


# What a story's card shows (cards.html, related stories, rails, links): an edit
# that changes none of these leaves the pages that only show its card as they are.
CARD_FIELDS = (
    "headline",
    "dek",
    "slug",
    "category_id",
    "language",
    "hero_image_id",
    "body_image_id",
    "featured",
    "latin_overrides",
)


def card_changed(before: Story, after: Story) -> bool:
    return any(getattr(before, f) != getattr(after, f) for f in CARD_FIELDS)


def versions_of(story: Story | None) -> list[int]:
    """Return the ids of the other stories of the story's translation group."""
    if story is None:
        return []
    return list(
        Story.objects.translations_of(story)
        .exclude(pk=story.pk)
        .values_list("pk", flat=True)
    )


def story_purge(
    *,
    story_id: int,
    shown_before: set[str],
    extra: Iterable[str] = (),
    card: bool = True,
) -> None:
    """Once committed, purge the pages that show the story or gained or lost it.

    A page showing the story carries its key, a page showing its card the card's
    (card=False: the edit left the card as it was); the lists it joined or left
    (its section, source, authors, tags, language, the feeds) are compared before
    and after, so an edit that moves nothing purges only the pages that show it.
    """

    def purge() -> None:
        story = Story.objects.filter(pk=story_id).first()
        shown_after = public_lists(story) if story is not None else set()
        keys = {caching.story_key(story_id), "feeds", *extra}
        if card:
            keys.add(caching.card_key(story_id))
            # Its language versions link to it (the language switch): a version
            # published, withdrawn or moved changes their pages too.
            keys.update(caching.story_key(pk) for pk in versions_of(story))
        caching.purge_public(keys | (shown_before ^ shown_after))

    transaction.on_commit(purge)


CATALOG_KEYS = {
    "category": ("section-{}", "section-{}-list", "nav", "feeds"),
    "source": ("source-{}", "source-{}-list", "feeds"),
    "author": ("author-{}", "author-{}-list"),
    "tag": ("tag-{}", "tag-{}-list"),
}


def catalog_purge(*, items: Iterable[models.Model]) -> None:
    """Once committed, purge the pages that show these sections, sources, authors
    or tags (after they were saved or deleted)."""
    keys: set[str] = set()
    for item in items:
        names = CATALOG_KEYS.get(item._meta.model_name or "", ())
        keys.update(name.format(item.pk) for name in names)
    if keys:
        caching.purge_on_commit(keys)
