"""The front page: the newest stories, a block for each of the first sections, the
most read."""

from collections import defaultdict

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import DenseRank, RowNumber
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.core.prepared import ByKey, Prepared
from articles.models import Story, active_language
from articles.public import edition
from articles.public.page_cache import public_page, show
from articles.public.rails import side_rails
from articles.public.views import (
    attach_renditions,
    page_context,
    recent_cutoff,
    section_tree,
)

HOME_LATEST = 13


BLOCK_SIZE = 4


# The front page has a block for each of the first sections (by position) that
# has recent stories; the others are one click away in the navigation.
HOME_SECTIONS = 10


def _home_latest(language, now):
    return (
        Story.objects.published(now)
        .in_language(language)
        .select_related("category", "hero_image", "body_image")
        .defer("body", "body_text")
        .order_by("-published_at")[:HOME_LATEST]
    )


home_latest = Prepared(_home_latest)


def _home_blocks(tree, language, now, cutoff):
    tree = tree.value
    return (
        Story.objects.published(now)
        .in_language(language)
        .select_related("category", "hero_image", "body_image")
        .defer("body", "body_text")
        .filter(published_at__gte=cutoff)
        .annotate(section=tree.top_expression())
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("section")],
                order_by=[F("published_at").desc(), F("id").desc()],
            ),
            # The first HOME_SECTIONS sections with recent stories, by position.
            block=Window(DenseRank(), order_by=tree.top_order_expressions()),
        )
        .filter(rank__lte=BLOCK_SIZE, block__lte=HOME_SECTIONS)
    )


# Compiled once per shape of the tree of sections (its SQL depends on it).
home_blocks = Prepared(_home_blocks, shape=("tree",))


@public_page
def home(request):
    lang = active_language()
    now = timezone.now()
    latest = home_latest(language=lang, now=now)
    # An editor's featured story leads the page while it is among the newest.
    featured = next((s for s in latest if s.featured), None)
    if featured is not None:
        latest.remove(featured)
        latest.insert(0, featured)
    tree = section_tree()
    ranked = home_blocks(
        tree=ByKey(tree, tree.layout()),
        language=lang,
        now=now,
        cutoff=recent_cutoff(lang),
    )
    by_category = defaultdict(list)
    for story in ranked:
        by_category[story.section].append(story)
    sections = [
        {"category": category, "stories": by_category[category.pk]}
        for category in tree.tops()
        if by_category.get(category.pk)
    ][:HOME_SECTIONS]
    _rail, most_read = side_rails(lang)
    in_sections = [s for b in sections for s in b["stories"]]  # type: ignore[attr-defined]
    attach_renditions([*latest, *in_sections])
    show(request, "front", f"lang-{lang}", cards=[*latest, *in_sections, *most_read])
    show(request, *(f"section-{b['category'].pk}" for b in sections))  # type: ignore[attr-defined]
    edition.spell_stories([*latest, *most_read, *in_sections])
    context = page_context(
        request,
        title=settings.NEWSROOM_SITE_NAME,
        description=_(
            "%(site)s: news of Kazakhstan and the world — politics, economy, "
            "society, culture and sport."
        )
        % {"site": settings.NEWSROOM_SITE_NAME},
    )
    return render(
        request,
        "articles/home.html",
        {
            **context,
            "is_home": True,
            "lead": latest[0] if latest else None,
            "top": latest[1:5],
            "latest": latest[5:],
            "sections": sections,
            "most_read": most_read,
        },
        using="jinja2",
    )
