"""Telling an item that repeats a story already here, however that story came in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from articles.core.text import html_to_text, sanitize_html
from articles.ingest.items import StoryItem
from articles.models import Story

REASON_COPY = gettext_lazy(
    "the same story is already here: “%(headline)s” (no. %(id)d, %(why)s); "
    "not imported again"
)


WHY_SAME_URL = gettext_lazy("the same original address")


WHY_SAME_TEXT = gettext_lazy("the same language, headline and text")


def find_copy(item: StoryItem) -> tuple[Story, str] | None:
    """Return a stored story item repeats, and why it counts as the same, if any.

    The same original address, or the same language, headline and text: a story
    written here, imported from a file or a feed or another export alike. Both
    lookups use an index, so a large import does not slow down as stories grow.
    """
    if item.original_url:
        same = (
            Story.objects.filter(original_url=item.original_url[:500])
            .only("pk", "headline")
            .first()
        )
        if same is not None:
            return same, str(WHY_SAME_URL)
    candidates = list(
        Story.objects.filter(language=item.language, headline=item.headline).only(
            "pk", "headline", "body_text"
        )
    )
    if not candidates:
        return None
    text = html_to_text(sanitize_html(item.body))
    for story in candidates:
        if story.body_text == text:
            return story, str(WHY_SAME_TEXT)
    return None


def copy_reason(story: Story, why: str) -> str:
    return str(
        REASON_COPY % {"headline": story.headline[:80], "id": story.pk, "why": why}
    )
