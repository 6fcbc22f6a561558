"""The API's catalogue: sections, and the sources, authors and tags of stories."""

from django.db.models import Exists, OuterRef
from ninja import Query, Router

from articles.models import Author, Category, Source, Story, Tag
from articles.public.api import schemas
from articles.public.api.params import (
    ApiLanguage,
    CatalogPage,
)
from articles.public.api.present import Presenter
from articles.public.api.stories import COMMON

router = Router(tags=["catalogue"])

LANGUAGE = Query(
    "kk", description="The language of names and site addresses (`kk-Latn`: Latin)."
)


def _with_public_stories(model, relation: str):
    """Return the rows some published story points at (nothing of drafts shows)."""
    stories = Story.objects.published().filter(**{relation: OuterRef("pk")})
    return model.objects.filter(Exists(stories))


def _page(request, rows, page: CatalogPage, name: str, language: str, shape) -> dict:
    if page.cursor:
        rows = rows.filter(slug__gt=page.cursor)
    rows = list(rows.order_by("slug")[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    present = Presenter(request)
    next_cursor = rows[-1].slug if more else None
    query = {"language": language, "limit": page.limit, "cursor": next_cursor}
    return {
        "items": [shape(present, row, language) for row in rows],
        "next_cursor": next_cursor,
        "next": present.api_url(name, query) if more else None,
    }


def _stories_url(present, language: str, **filters) -> str:
    return present.api_url("stories", {**filters, "language": language})


@router.get(
    "/sections",
    response={200: schemas.SectionList, **COMMON},
    url_name="sections",
    summary="The site's sections",
)
def section_list(request, language: ApiLanguage = LANGUAGE):
    """Every section of the site, in the order of its navigation."""
    present = Presenter(request)
    items = []
    for category in Category.objects.select_related("parent"):
        items.append(
            {
                **present.section(category, language),
                "description": present.text(category.description, language),
                "parent": category.parent.slug if category.parent else None,
                "stories_url": _stories_url(present, language, section=category.slug),
            }
        )
    return {"items": items}


def _source(present, source, language):
    return {
        "slug": source.slug,
        "name": present.text(source.name, language),
        "url": present.site_url("source", language, slug=source.slug),
        "home_url": source.home_url,
        "description": present.text(source.description, language),
        "stories_url": _stories_url(present, language, source=source.slug),
    }


@router.get(
    "/sources",
    response={200: schemas.SourcePage, **COMMON},
    url_name="sources",
    summary="Sources of published stories",
)
def source_list(request, page: Query[CatalogPage], language: ApiLanguage = LANGUAGE):
    """The outlets published stories come from, by slug."""
    rows = _with_public_stories(Source, "source")
    return _page(request, rows, page, "sources", language, _source)


def _author(present, author, language):
    return {
        **present.person(author, language),
        "bio": present.text(author.bio, language),
        "stories_url": _stories_url(present, language, author=author.slug),
    }


@router.get(
    "/authors",
    response={200: schemas.AuthorPage, **COMMON},
    url_name="authors",
    summary="Authors of published stories",
)
def author_list(request, page: Query[CatalogPage], language: ApiLanguage = LANGUAGE):
    """The people credited on published stories, by slug."""
    rows = _with_public_stories(Author, "authors")
    return _page(request, rows, page, "authors", language, _author)


def _tag(present, tag, language):
    return {
        **present.tag(tag, language),
        "stories_url": _stories_url(present, language, tag=tag.slug),
    }


@router.get(
    "/tags",
    response={200: schemas.TagPage, **COMMON},
    url_name="tags",
    summary="Tags of published stories",
)
def tag_list(request, page: Query[CatalogPage], language: ApiLanguage = LANGUAGE):
    """The tags of published stories, by slug."""
    rows = _with_public_stories(Tag, "tags")
    return _page(request, rows, page, "tags", language, _tag)
