"""What one imported story carries, and the checks it passes before it is written."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy

from articles.core.text import html_to_text, sanitize_html
from articles.ingest.catalog import key_for
from articles.ingest.language import detect_language
from articles.ingest.pictures import (
    WARNING_FOREIGN_PICTURE,
    has_pictures,
    keep_local_pictures,
)
from articles.ingest.summary import ItemError
from articles.models import Category, Image, Source, Story

# Limits on what one item may carry; anything larger is refused, not truncated.
MAX_HEADLINE_CHARS: int = Story._meta.get_field("headline").max_length or 300


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
    category_slug: str = ""  # a hint for a new category's slug
    # Where a new category goes: (name, slug hint) of its parents, outermost first.
    category_parents: list[tuple[str, str]] = field(default_factory=list)
    source: Source | None = None
    source_name: str = ""
    dek: str = ""
    original_url: str = ""
    slug_hint: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None  # when the source last changed it
    target: Target = Target.REVIEW
    hero_image: Image | None = None
    old_paths: list[str] = field(default_factory=list)
    wordpress_id: int | None = None  # the post's ID, for old /?p=ID links
    note: str = ""  # put on a new story's internal thread, for the desk to read

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


def _without_nul(value: object) -> object:
    # PostgreSQL can neither store nor look up a NUL byte, and no text needs one:
    # a feed or an export carrying one loses the byte, not the story.
    if type(value) is str:
        return value.replace("\x00", "")
    if type(value) in (list, tuple):
        return type(value)(_without_nul(v) for v in value)  # type: ignore[call-arg, attr-defined]
    return value


def check_item(item: StoryItem) -> list[str]:
    """Tidy item in place and return warnings, or raise ItemError saying why it
    cannot be imported."""
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
    if not has_pictures(item.body):
        return []
    body, dropped = keep_local_pictures(sanitize_html(item.body))
    if not dropped:
        return []
    if not html_to_text(body) and "<img" not in body:
        raise ItemError(ERROR_NO_BODY)
    item.body = body
    return [str(WARNING_FOREIGN_PICTURE % {"url": url}) for url in dropped]
