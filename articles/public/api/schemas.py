"""What the API answers, as its OpenAPI document describes it.

Plain pydantic models: the views hand them dicts, which pydantic checks in its
compiled core (ninja's Schema would look every field up through Django first).
"""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel as Schema
from pydantic import Field

from articles.public.api.params import ApiLanguage


class Error(Schema):
    detail: str = Field(description="What went wrong, in the language asked for.")
    errors: list["ParameterError"] = Field(
        default_factory=list, description="The parameters refused, one by one."
    )


class ParameterError(Schema):
    parameter: str
    message: str


class Named(Schema):
    slug: str
    name: str
    url: str = Field(description="Its page on the site.")


class SourceRef(Named):
    home_url: str = Field(description="The source's own site, if known.")
    attribution: str = Field(
        description="How a story credits it, e.g. “деп хабарлайды TuraNews.kz”."
    )


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: Literal["jpeg", "webp"]


class Picture(Schema):
    url: str = Field(description="The picture as uploaded.")
    width: int
    height: int
    alt: str = Field(description="What the picture shows.")
    caption: str
    credit: str
    renditions: list[Rendition] = Field(description="Resized copies, narrowest first.")


class StoryCard(Schema):
    id: int
    slug: str
    language: ApiLanguage
    headline: str
    summary: str
    url: str = Field(description="The story on the site.")
    api_url: str = Field(description="The story in this API, with its text.")
    section: Named
    source: SourceRef | None
    authors: list[Named]
    tags: list[Named]
    image: Picture | None
    featured: bool
    published_at: datetime
    updated_at: datetime = Field(description="The last change readers can see.")


class CorrectionOut(Schema):
    note: str
    created_at: datetime


class Version(Schema):
    language: ApiLanguage
    id: int
    url: str
    api_url: str


class Story(StoryCard):
    body: str = Field(description="The text as sanitised HTML.")
    original_url: str = Field(description="Where the source published it, if known.")
    corrections: list[CorrectionOut] = Field(description="Oldest first.")
    versions: list[Version] = Field(
        description="The same story in the other languages and scripts."
    )


NEXT_CURSOR = Field(
    description="Pass as `cursor` for the next page; null on the last page."
)
NEXT = Field(description="The next page's address, or null.")


class StoryPage(Schema):
    items: list[StoryCard]
    next_cursor: str | None = NEXT_CURSOR
    next: str | None = NEXT


class SearchHit(StoryCard):
    snippet: str = Field(
        description="HTML: a passage of the text with the words found in <mark>."
    )


class SearchPage(Schema):
    query: str
    mode: Literal["all", "any", "similar"] = Field(
        description="all: every word found; any: no story had all, some are "
        "shown; similar: words spelled alike."
    )
    total: int = Field(description="Stories found.")
    items: list[SearchHit]
    next_cursor: str | None = NEXT_CURSOR
    next: str | None = NEXT


class Section(Named):
    description: str
    parent: str | None = Field(description="The parent section's slug.")
    stories_url: str


class SectionList(Schema):
    items: list[Section]


class Source(Named):
    home_url: str
    description: str
    stories_url: str


class SourcePage(Schema):
    items: list[Source]
    next_cursor: str | None = NEXT_CURSOR
    next: str | None = NEXT


class Author(Named):
    bio: str
    stories_url: str


class AuthorPage(Schema):
    items: list[Author]
    next_cursor: str | None = NEXT_CURSOR
    next: str | None = NEXT


class Tag(Named):
    stories_url: str


class TagPage(Schema):
    items: list[Tag]
    next_cursor: str | None = NEXT_CURSOR
    next: str | None = NEXT


class Index(Schema):
    stories: str
    search: str
    sections: str
    sources: str
    authors: str
    tags: str
    openapi: str
    docs: str
    languages: list[ApiLanguage]


Error.model_rebuild()
