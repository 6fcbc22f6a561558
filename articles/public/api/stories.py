"""The API's stories: the list, one story, and search. Published and due only."""

from dataclasses import replace

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from ninja import Path, Query, Router

from articles.models import Category, Source, Story
from articles.public.api import schemas
from articles.public.api.params import (
    MAX_SEARCH_OFFSET,
    SLUG_PATTERN,
    ApiLanguage,
    SearchFilters,
    StoryListFilters,
    after_cursor,
    story_cursor,
    within_calendar,
)
from articles.public.api.present import Presenter
from articles.public.views import attach_renditions
from articles.search.analysis import MAX_QUERY_CHARS
from articles.search.query import Filters
from articles.search.results import search_stories

router = Router(tags=["stories"])

# Answers every endpoint may give besides its own.
COMMON = {
    304: None,
    400: schemas.Error,
    401: schemas.Error,
    429: schemas.Error,
}


STORY_KEY = Path(
    ...,
    max_length=200,
    pattern=SLUG_PATTERN,
    description="The story's id or its slug (an id wins when both match).",
)
SHOW_IN = Query(None, description="`kk-Latn`: a Kazakh story in the Latin alphabet.")


# What a story card lists, loaded as plain lists for the whole page at once.
BYLINES = (
    Prefetch("authors", to_attr="author_list"),
    Prefetch("tags", to_attr="tag_list"),
)


def public_stories():
    """Return the stories readers may see, loaded as the API shows them."""
    return (
        Story.objects.published()
        .select_related("category", "source", "hero_image")
        .prefetch_related(*BYLINES)
    )


def section_ids(slug: str) -> list[int]:
    """Return the ids of a section and its subsections."""
    found = Category.objects.filter(Q(slug=slug) | Q(parent__slug=slug))
    return list(found.values_list("pk", flat=True))


def filtered(filters: StoryListFilters):
    """Return the public stories the list's filters ask for."""
    stories = public_stories()
    if filters.language:
        stories = stories.in_language(filters.language[:2])
    if filters.section:
        ids = section_ids(filters.section)
        # One section (the usual case) is one range of its index, newest first.
        match = {"category_id": ids[0]} if len(ids) == 1 else {"category_id__in": ids}
        stories = stories.filter(**match)
    if filters.source:
        stories = stories.filter(source__slug=filters.source)
    if filters.author:
        stories = stories.filter(authors__slug=filters.author)
    if filters.tag:
        stories = stories.filter(tags__slug=filters.tag)
    return stories.filter(filters.period_q())


def _query(filters, **changes) -> dict:
    """Return the parameters of this request as given, with changes."""
    data = filters.model_dump(exclude_none=True, exclude={"cursor"})
    data.update(changes)
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()
    }


@router.get(
    "/stories",
    response={200: schemas.StoryPage, **COMMON},
    url_name="stories",
    summary="Published stories, newest first",
)
def story_list(request, filters: Query[StoryListFilters]):
    """Published stories, newest first, a page at a time.

    Follow `next` (or pass `next_cursor` as `cursor`) for older stories: a cursor
    marks a place in time, so stories published meanwhile never shift the pages
    that follow. An unknown section, source, author or tag matches no story.
    """
    stories = (
        filtered(filters).defer("body", "body_text").order_by("-published_at", "-id")
    )
    if filters.cursor:
        stories = stories.filter(after_cursor(filters.cursor))
    rows = list(stories[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    attach_renditions(rows)
    present = Presenter(request)
    next_cursor = story_cursor(rows[-1].published_at, rows[-1].pk) if more else None
    return {
        "items": [present.card(story, filters.language) for story in rows],
        "next_cursor": next_cursor,
        "next": present.api_url("stories", _query(filters, cursor=next_cursor))
        if more
        else None,
    }


@router.get(
    "/stories/{story}",
    response={200: schemas.Story, 404: schemas.Error, **COMMON},
    url_name="story",
    summary="One published story, with its text",
)
def story_detail(
    request,
    story: str = STORY_KEY,
    language: ApiLanguage | None = SHOW_IN,
):
    """One published story with its text, corrections and other versions.

    With `language=kk-Latn` a Kazakh story is spelled in the Latin alphabet; a
    language the story is not in answers 404.
    """
    # One indexed lookup at a time: an OR of id and slug would scan the stories.
    row = None
    if story.isdigit() and len(story) < 19:
        row = public_stories().filter(pk=int(story)).first()
    if row is None:
        row = public_stories().filter(slug=story).first()
    if row is None or (language and row.language != language[:2]):
        raise Http404
    attach_renditions([row])
    root = row.translation_of_id or row.pk
    # Found by the two indexes (root id, translation_of); whether each version is
    # public is decided row by row, as the filter would have.
    group = (
        Story.objects.filter(Q(pk=root) | Q(translation_of_id=root))
        .exclude(pk=row.pk)
        .select_related("category")
        .only("pk", "slug", "language", "status", "published_at", "category__slug")
        .order_by("language", "-published_at")
    )
    seen, versions = {row.language}, []
    for version in group:
        if version.is_public and version.language not in seen:
            seen.add(version.language)
            versions.append(version)
    corrections = list(row.corrections.order_by("created_at", "id"))
    return Presenter(request).story(
        row, language, corrections=corrections, versions=versions
    )


@router.get(
    "/search",
    response={200: schemas.SearchPage, **COMMON},
    url_name="search",
    summary="Search published stories",
)
def search(request, filters: Query[SearchFilters]):
    """Published stories matching the words, best first (as the site's search).

    Case and Kazakh letters are folded and word forms joined; a page holds
    `limit` stories and `next` leads on, up to the first thousand matches.
    """
    text = "".join(c if c.isprintable() else " " for c in filters.q[:MAX_QUERY_CHARS])
    text = text.strip()
    offset = int(filters.cursor or 0)
    search_filters = Filters(
        language=filters.language[:2] if filters.language else "",
        date_from=filters.date_from and within_calendar(filters.date_from),
        date_to=filters.date_to and within_calendar(filters.date_to),
    )
    present = Presenter(request)
    empty = {
        "query": text,
        "mode": "all",
        "total": 0,
        "items": [],
        "next_cursor": None,
        "next": None,
    }
    if filters.section:
        ids = tuple(section_ids(filters.section))
        if not ids:
            return empty
        search_filters = replace(search_filters, category_ids=ids)
    if filters.source:
        source_id = (
            Source.objects.filter(slug=filters.source)
            .values_list("pk", flat=True)
            .first()
        )
        if source_id is None:
            return empty
        search_filters = replace(search_filters, source_id=source_id)
    results = search_stories(text, search_filters)
    total = results.count()
    found = (
        results[offset : offset + filters.limit]
        if offset < min(total, MAX_SEARCH_OFFSET + 1)
        else []
    )
    prefetch_related_objects(found, BYLINES[1])
    for story in found:  # search loads the authors itself
        story.author_list = list(story.authors.all())  # type: ignore[attr-defined]
    attach_renditions(found)
    end = offset + filters.limit
    next_cursor = str(end) if end < total and end <= MAX_SEARCH_OFFSET else None
    items = []
    for story in found:
        item = present.card(story, filters.language)
        item["snippet"] = present.html(
            str(story.search_snippet),  # type: ignore[attr-defined]
            item["language"],
            story.latin_overrides,
        )
        items.append(item)
    return {
        "query": text,
        "mode": results.mode,
        "total": total,
        "items": items,
        "next_cursor": next_cursor,
        "next": present.api_url("search", _query(filters, cursor=next_cursor))
        if next_cursor
        else None,
    }
