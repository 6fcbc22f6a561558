"""The story page: the story, its neighbours, structured data and share links."""

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from markupsafe import Markup

from articles.core import cache as caching
from articles.core import fragments
from articles.core.prepared import Prepared
from articles.models import (
    Author,
    Correction,
    Language,
    Story,
    Tag,
    active_language,
    public_q,
)
from articles.public import edition
from articles.public.page_cache import keep_for, public_page, show
from articles.public.reads import mark_read
from articles.public.views import (
    attach_renditions,
    page_context,
    recent_cutoff,
)
from articles.templatetags.newsroom import image_url

RELATED = 4


RELATED_DAYS = 7
RELATED_KEY = "newsroom:related-cards:{}:{}"
RELATED_TTL = 300
# Characters of a story's text that summarise it where it has no dek.
SUMMARY = 300


def related_cards(category_id: int, language: str) -> tuple[tuple[int, str], ...]:
    """Return the stories a story page of this section and language may suggest,
    as (id, card HTML) in the page's edition.

    The newest of the section, then (to fill a thin section) the newest of the
    last days in the language; all drawn from the newest stories of the language.
    Every story of the section suggests the same few, so their cards are rendered
    once and shared through the cache until one of them changes or the section or
    language gains or loses a story.
    """

    def build():
        now = timezone.now()
        cutoff = recent_cutoff(language)
        recent = (
            Story.objects.published(now)
            .in_language(language)
            .filter(published_at__gte=cutoff)
            .select_related("category", "hero_image", "body_image")
            .defer("body", "body_text")
            .order_by("-published_at", "-id")
        )
        same = list(recent.filter(category_id=category_id)[: RELATED + 1])
        since = max(cutoff, now - timedelta(days=RELATED_DAYS))
        others = recent.filter(published_at__gte=since).exclude(
            pk__in=[s.pk for s in same]
        )
        found = same + list(others[: RELATED + 1])
        attach_renditions(found)
        edition.spell_stories(found)
        env = engines["jinja2"].env  # type: ignore[attr-defined]
        card = env.get_template("includes/story_card.html")
        cards = [
            (s.pk, str(card.module.story_card(s, hide_category=True, no_dek=True)))
            for s in found
        ]
        keys = {
            f"lang-{language}",
            f"section-{category_id}-list",
            *(caching.card_key(s.pk) for s in found),
        }
        return keys, tuple(cards)

    # The Latin-script edition has cards of its own.
    key = RELATED_KEY.format(category_id, translation.get_language())
    return fragments.fragment(key, RELATED_TTL, build)


def gone(request):
    return render(
        request,
        "410.html",
        page_context(request, title=_("This story has been withdrawn"), versions={}),
        status=410,
        using="jinja2",
    )


def _story_and_versions(slug, now):
    """The story with this slug, whatever its state, and its public versions in
    other languages (the same translation group), newest first."""
    root = Story.objects.filter(slug=slug).values(
        root=Coalesce("translation_of_id", "pk")
    )[:1]
    # One condition PostgreSQL answers from three indexes (slug, id, translation).
    version = Q(pk=Subquery(root)) | Q(translation_of_id=Subquery(root))
    # Agency copy and imports often come with no byline, tag or correction:
    # then the page needs no query for them.
    attached = ExpressionWrapper(
        Q(Exists(Story.authors.through.objects.filter(story=OuterRef("pk"))))
        | Q(Exists(Story.tags.through.objects.filter(story=OuterRef("pk"))))
        | Q(Exists(Correction.objects.filter(story=OuterRef("pk")))),
        output_field=BooleanField(),
    )
    return (
        Story.objects.select_related("category", "source", "hero_image", "body_image")
        .filter(Q(slug=slug) | (version & public_q(now)))
        # The plain text is for search, kept out of the row (migration 0014);
        # the page shows only its start, and that only for a story with no dek.
        .defer("body_text")
        .annotate(
            attached=attached,
            text_start=Case(
                When(dek="", then=Substr("body_text", 1, SUMMARY)), default=Value("")
            ),
        )
        .order_by("-published_at", "-id")[: 2 * len(Language) + 1]
    )


story_and_versions = Prepared(_story_and_versions)


def summary(story) -> str:
    """The story's summary for search engines and shares: its dek, or the start
    of its text (as the story's query took it, or from the whole text)."""
    if story.dek:
        return story.dek
    found = story.__dict__.get("text_start")
    return found if found is not None else story.body_text[:SUMMARY]


def versions_of(story, now=None) -> dict[str, Story]:
    """Return the public versions of a story by language, the story first (for a
    draft's preview: a public story's come with it, see story_detail)."""
    found = {story.language: story}
    for version in (
        Story.objects.published(now)
        .translations_of(story)
        .exclude(pk=story.pk)
        .select_related("category")
        .only("slug", "language", "category__slug")
        .order_by("-published_at", "-id")
    ):
        found.setdefault(version.language, version)
    return found


@public_page
def story_detail(request, category, slug):
    rows = list(story_and_versions(slug=slug, now=timezone.now()))
    story = next((row for row in rows if row.slug == slug), None)
    if story is None:
        raise Http404  # an old address: OldAddressRedirectMiddleware answers it
    if not story.is_public:
        if story.is_withdrawn:
            return gone(request)
        raise Http404
    if story.language != active_language() or story.category.slug != category:
        return redirect(story.get_absolute_url(), permanent=True)
    keep_for(request, caching.story_ttl())
    versions = {story.language: story}
    for row in rows:
        versions.setdefault(row.language, row)
    response = story_page(request, story, versions)
    mark_read(response, story.pk)
    return response


def _attachment_rows(story_id):
    # Typed NULLs: PostgreSQL matches the columns of a UNION by type.
    text, when = CharField(), DateTimeField()
    no_time = Cast(Value(None), when)
    authors = (
        Author.objects.filter(stories=story_id)
        .order_by()
        .values_list(Value("a", text), "pk", "name", "slug", no_time)
    )
    tags = (
        Tag.objects.filter(stories=story_id)
        .order_by()
        .values_list(Value("t", text), "pk", "name", "slug", no_time)
    )
    notes = (
        Correction.objects.filter(story=story_id)
        .order_by()
        .values_list(Value("c", text), "pk", "note", Value("", text), "created_at")
    )
    return authors.union(tags, notes, all=True)


attachment_rows = Prepared(_attachment_rows)


def attachments(story) -> tuple[list[Author], list[Tag], list[Correction]]:
    """Return the story's authors, tags and corrections, in one query (none when
    the story's own query found it has none)."""
    found: dict[str, list[Any]] = {"a": [], "t": [], "c": []}
    if getattr(story, "attached", True) is False:
        return [], [], []
    for kind, pk, name, slug, created_at in attachment_rows(story_id=story.pk):
        if kind == "c":
            found[kind].append(Correction(pk=pk, note=name, created_at=created_at))
        else:
            model = Author if kind == "a" else Tag
            found[kind].append(model(pk=pk, name=name, slug=slug))
    found["a"].sort(key=lambda a: (a.name, a.pk))
    found["t"].sort(key=lambda t: (t.name, t.pk))
    found["c"].sort(key=lambda c: (c.created_at, c.pk))
    return found["a"], found["t"], found["c"]


def story_page(request, story, versions=None):
    """Render a story as readers see it (previews of drafts use it too)."""
    authors, tags, corrections = attachments(story)
    if versions is None:
        versions = versions_of(story)
    shown = {v.pk for v in versions.values()}
    related = [
        (pk, card)
        for pk, card in related_cards(story.category_id, story.language)
        if pk not in shown
    ][:RELATED]
    attach_renditions([story])
    show(
        request,
        f"section-{story.category_id}",
        *([f"source-{story.source_id}"] if story.source_id else []),
        *(f"author-{a.pk}" for a in authors),
        *(f"tag-{t.pk}" for t in tags),
        *(caching.card_key(pk) for pk, _card in related),
        stories=[story],
        cards=[v for v in versions.values() if v is not story],
    )
    edition.spell_stories([story])
    crumbs = [
        (story.category.display_name, story.category.get_absolute_url()),
        (story.headline, None),
    ]
    context = page_context(
        request,
        title=story.headline,
        description=summary(story),
        breadcrumbs=crumbs,
        versions=version_urls(versions),
    )
    canonical = context["canonical"]
    context.update(
        story=story,
        authors=authors,
        tags=tags,
        corrections=corrections,
        related=[Markup(card) for _pk, card in related],  # noqa: S704 - rendered
        og_type="article",
        json_ld=news_article_ld(request, story, authors, corrections, canonical),
        share=share_links(
            canonical,
            edition.spell_text(story.headline, story.latin_overrides)
            if story.language == "kk"
            else story.headline,
        ),
    )
    return render(request, "articles/story_detail.html", context, using="jinja2")


def version_urls(versions: dict) -> dict[str, str]:
    """Return the address of each language version; Kazakh ones in both scripts."""
    urls = {}
    for code, story in versions.items():
        with translation.override(code):
            urls[code] = story.get_absolute_url()
        if code == "kk":
            urls[edition.LATIN] = edition.latin_url(story.get_absolute_url)
    return urls


def _image_ld(request, image):
    return {
        "@type": "ImageObject",
        "url": image_url(image, request),
        "caption": image.caption or image.alt_text,
    }


def news_article_ld(request, story, authors, corrections, canonical) -> dict:
    """Return schema.org NewsArticle data for a story page."""
    site = settings.NEWSROOM_SITE_NAME
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": story.headline[:110],
        "description": summary(story),
        "inLanguage": story.language,
        "datePublished": timezone.localtime(story.published_at).isoformat(),
        "dateModified": timezone.localtime(
            max(story.updated_at, story.published_at)
        ).isoformat(),
        "articleSection": story.category.display_name,
        "author": [
            {
                "@type": "Person",
                "name": a.name,
                "url": request.build_absolute_uri(a.get_absolute_url()),
            }
            for a in authors
        ]
        or [{"@type": "Organization", "name": site}],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": site,
            "url": request.build_absolute_uri(reverse("articles:home")),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("img/publisher-logo.png")),
                "width": 600,
                "height": 60,
            },
        },
    }
    if story.card_image is not None:
        data["image"] = [_image_ld(request, story.card_image)]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c.note,
                "datePublished": timezone.localtime(c.created_at).isoformat(),
            }
            for c in corrections
        ]
    if edition.is_latin() and story.language == "kk":
        return edition.spell_data(data, story.latin_overrides)
    return data


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Return (network, address) pairs to share a story without any script."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("X", f"https://x.com/intent/post?url={u}&text={t}"),
        ("VK", f"https://vk.com/share.php?url={u}&title={t}"),
        (_("Email"), f"mailto:?subject={t}&body={u}"),
    ]
