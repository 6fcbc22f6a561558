"""The readers' lists: sections, sources, tags, authors, corrections (the front
page is front.py), and what every list shares."""

from collections import defaultdict
from datetime import UTC, datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from markupsafe import Markup

from articles.core import cache as caching
from articles.core import fragments
from articles.core.prepared import Prepared
from articles.core.sections import SectionTree
from articles.models import (
    Author,
    Correction,
    Rendition,
    Source,
    Story,
    Tag,
    active_language,
)
from articles.public import edition
from articles.public.page_cache import public_page, show
from articles.public.rails import RAILS_TTL, list_rails

PAGE_SIZE = 20


# Section blocks and related stories are drawn from this many newest stories of a
# language, so their cost stays the same however large the archive grows.
RECENT_WINDOW = 300


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


OG_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_US"}


CUTOFF_KEY = "newsroom:recent-cutoff:{}"


def recent_cutoff(lang: str):
    """Return the publication time of the RECENT_WINDOW-th newest story.

    Shared through the cache until a story of the language is published or
    withdrawn (a stale value only widens the window a little).
    """

    def build():
        newest = (
            Story.objects.published()
            .in_language(lang)
            .order_by("-published_at")
            .values_list("published_at", flat=True)[RECENT_WINDOW - 1 : RECENT_WINDOW]
        )
        return {f"lang-{lang}"}, next(iter(newest), EPOCH)

    return fragments.fragment(CUTOFF_KEY.format(lang), RAILS_TTL, build)


def public_stories():
    """Return the stories of the reader's language, loaded as list cards need."""
    return (
        Story.objects.published()
        .in_language(active_language())
        .select_related("category", "hero_image", "body_image")
        .defer("body", "body_text")
    )


def attach_renditions(stories) -> None:
    """Load the renditions of every card picture on a page in one query."""
    images = [s.card_image for s in stories if s.card_image is not None]
    if not images:
        return
    found = defaultdict(list)
    for rendition in Rendition.objects.filter(image_id__in={i.pk for i in images}):
        found[rendition.image_id].append(rendition)
    for image in images:
        image.rendition_list = found[image.pk]


def page_context(request, *, title, description="", breadcrumbs=(), versions=None):
    """Return what base.html needs to head, title and link a page."""
    languages = edition.language_links(request, versions)
    return {
        "title": title,
        "description": description
        or _("News of Kazakhstan and the world in Kazakh, Russian and English."),
        "canonical": request.build_absolute_uri(request.path),
        "languages": languages,
        "scripts": edition.script_links(languages),
        "breadcrumbs": breadcrumbs,
        "site_name": settings.NEWSROOM_SITE_NAME,
        "og_locale": OG_LOCALES.get(active_language(), "kk_KZ"),
    }


class CappedPaginator(Paginator):
    """Count at most MAX_PAGES pages, so a list costs the same however long it is.

    Older stories stay reachable through the date archive. With count_keys, the
    count is shared through the cache until a purge names one of those keys (a
    story joined or left the list) or LIST_COUNT_TTL passes. With rows(start,
    end), a prepared query, a page's stories come from it, and object_list may
    be a function returning the queryset: built only when the count is.
    """

    MAX_PAGES = 50

    def __init__(
        self, object_list, per_page, *, count_key="", count_keys=(), rows=None
    ):
        super().__init__(object_list, per_page)
        self.count_key, self.count_keys = count_key, set(count_keys)
        self.rows = rows

    @cached_property
    def count(self):
        def build():
            stories = self.object_list
            if callable(stories):
                stories = stories()
            capped = stories[: self.per_page * self.MAX_PAGES]
            return self.count_keys, capped.count()  # type: ignore[attr-defined]

        if not self.count_keys:
            return build()[1]
        return fragments.fragment(self.count_key, LIST_COUNT_TTL, build)

    def page(self, number):
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        end = min(start + self.per_page, self.count)
        return Page(self.rows(start, end) if end else [], number, self)


LIST_COUNT_KEY = "newsroom:list-count:{}"
LIST_COUNT_TTL = 60
SECTIONS_KEY = "newsroom:sections"


def section_tree() -> SectionTree:
    """Return the tree of sections, shared through the cache until one changes."""
    return fragments.fragment(
        SECTIONS_KEY, LIST_COUNT_TTL, lambda: ({"nav"}, SectionTree.load())
    )


def story_list(
    request,
    stories,
    *,
    title,
    description="",
    breadcrumbs=(),
    count_keys=(),
    rows=None,
    **extra,
):
    """Render one page of a list of stories.

    count_keys: the keys whose purge changes the list's length (see
    CappedPaginator); without them the list is counted on every request.
    rows(start, end): the page's stories, the same as stories[start:end] (a
    prepared query; stories may then be a function giving the queryset); without
    it the queryset is sliced.
    """
    paginator = CappedPaginator(
        stories,
        PAGE_SIZE,
        count_key=LIST_COUNT_KEY.format(request.path),
        count_keys=count_keys,
        rows=rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    stories = list(page.object_list)
    attach_renditions(stories)
    context = page_context(
        request, title=title, description=description, breadcrumbs=breadcrumbs
    )
    if page.number > 1:
        context["title"] = _("%(title)s, page %(number)s") % {
            "title": title,
            "number": page.number,
        }
        context["canonical"] += f"?page={page.number}"
    rail_ids, rails = list_rails(active_language())
    # The rails follow new stories within the cache's lifetime; a change to a
    # story they show purges the page at once.
    show(request, *map(caching.card_key, rail_ids), cards=stories)
    edition.spell_stories(stories)
    return render(
        request,
        "articles/story_list.html",
        {
            **context,
            "heading": title,
            "page": page,
            "stories": stories,
            "rails": Markup(rails),  # noqa: S704 - rendered from a template
            **extra,
        },
        using="jinja2",
    )


def _section_rows(below, language, now, start, end):
    # The page's ids first, from the index alone (story_section_list_idx holds
    # every column the filter and the order read): a story row is wide, and a
    # later page would otherwise read a thousand of them to skip them.
    page = (
        Story.objects.published(now)
        .in_language(language)
        .filter(category__in=below)
        .order_by("-published_at", "-created_at", "-id")
        .values("pk")[start:end]
    )
    return (
        Story.objects.filter(pk__in=page)
        .select_related("category", "hero_image", "body_image")
        .defer("body", "body_text")
        .order_by("-published_at", "-created_at", "-id")
    )


section_rows = Prepared(_section_rows, shape=("start", "end"))


@public_page
def category_detail(request, slug):
    tree = section_tree()
    category = tree.by_slug(slug)
    if category is None:
        raise Http404
    below = tree.below(category.pk)
    # The list holds the stories of the sections below too: any of them changes it.
    lists = {f"section-{pk}-list" for pk in below}
    show(request, f"section-{category.pk}", *lists)
    language = active_language()
    return story_list(
        request,
        lambda: public_stories().filter(category__in=below),
        count_keys=lists,
        rows=lambda start, end: section_rows(
            below=below, language=language, now=timezone.now(), start=start, end=end
        ),
        title=category.display_name,
        description=category.description
        or _("Latest news in the section “%(name)s”.")
        % {"name": category.display_name},
        breadcrumbs=[(category.display_name, None)],
        category=category,
        feed_url=reverse("articles:category_feed", kwargs={"slug": slug}),
    )


@public_page
def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    show(request, f"source-{source.pk}", f"source-{source.pk}-list")
    return story_list(
        request,
        public_stories().filter(source=source),
        count_keys={f"source-{source.pk}-list"},
        title=_("All stories from %(name)s") % {"name": source.name},
        description=source.description
        or _("Stories published with the source %(name)s.") % {"name": source.name},
        breadcrumbs=[(source.name, None)],
        source=source,
        feed_url=reverse("articles:source_feed", kwargs={"slug": slug}),
    )


@public_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    show(request, f"tag-{tag.pk}", f"tag-{tag.pk}-list")
    return story_list(
        request,
        public_stories().filter(tags=tag),
        count_keys={f"tag-{tag.pk}-list"},
        title=tag.name,
        description=_("Stories tagged “%(name)s”.") % {"name": tag.name},
        breadcrumbs=[(tag.name, None)],
        tag=tag,
    )


@public_page
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    show(request, f"author-{author.pk}", f"author-{author.pk}-list")
    return story_list(
        request,
        public_stories().filter(authors=author),
        count_keys={f"author-{author.pk}-list"},
        title=author.name,
        description=author.bio or _("Stories by %(name)s.") % {"name": author.name},
        breadcrumbs=[(author.name, None)],
        author=author,
    )


@public_page
def corrections(request):
    notes = (
        Correction.objects.filter(
            story__in=Story.objects.published().in_language(active_language())
        )
        .select_related("story__category")
        .order_by("-created_at", "-id")
    )
    page = CappedPaginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    show(request, "corrections", cards=[note.story for note in page.object_list])
    context = page_context(
        request,
        title=_("Corrections"),
        description=_("Every correction made to our published stories."),
        breadcrumbs=[(_("Corrections"), None)],
    )
    return render(
        request,
        "articles/corrections.html",
        {**context, "page": page, "corrections": page.object_list},
        using="jinja2",
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "404.html",
        page_context(request, title=_("Page not found"), versions={}),
        status=404,
        using="jinja2",
    )
