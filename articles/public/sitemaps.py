"""Sitemaps for search engines, with hreflang alternates, and a Google News sitemap."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Category, Language, Story
from articles.public import edition

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class StoryPaths:
    """Build story addresses fast: one reverse() per language, not per story."""

    def __init__(self):
        self.templates = {}

    def __call__(self, story, language: str | None = None) -> str:
        language = language or story.language
        template = self.templates.get(language)
        if template is None:
            with translation.override(language):
                template = (
                    reverse(
                        "articles:story",
                        kwargs={"category": "category-slug", "slug": "story-slug"},
                    )
                    .replace("category-slug", "{category}")
                    .replace("story-slug", "{slug}")
                )
            self.templates[language] = template
        return template.format(category=story.category.slug, slug=story.slug)


class AlternatesSitemap(Sitemap):
    """A sitemap whose entries name their versions in the other languages."""

    def alternates_for(self, items) -> dict:
        """Return {item: [(language, path), ...]} for the items of one page."""
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        versions = self.alternates_for([u["item"] for u in urls])
        for url in urls:
            found = versions.get(self.item_key(url["item"]), [])
            if len(found) > 1:
                url["alternates"] = [
                    {"lang_code": edition.hreflang(code), "location": base + path}
                    for code, path in found
                ]
        return urls

    def item_key(self, item):
        return item


class StorySitemap(AlternatesSitemap):
    changefreq = "daily"
    limit = 2000

    def __init__(self):
        self.path = StoryPaths()

    def location(self, item):
        return self.path(item)

    def items(self):
        return (
            Story.objects.published()
            .select_related("category")
            .only(
                "slug",
                "language",
                "category__slug",
                "published_at",
                "updated_at",
                "translation_of_id",
            )
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every story; one query does it.
        latest = Story.objects.published().aggregate(
            updated=Max("updated_at"), published=Max("published_at")
        )
        return max(filter(None, latest.values()), default=None)

    def item_key(self, item):
        return item.pk

    def alternates_for(self, items):
        roots = {s.translation_of_id or s.pk for s in items}
        groups = defaultdict(dict)
        for story in (
            Story.objects.published()
            .filter(Q(pk__in=roots) | Q(translation_of_id__in=roots))
            .select_related("category")
            .only("slug", "language", "category__slug", "translation_of_id")
        ):
            root = story.translation_of_id or story.pk
            groups[root].setdefault(story.language, self.path(story))
            if story.language == Language.KAZAKH:
                groups[root].setdefault(edition.LATIN, self.path(story, edition.LATIN))
        return {
            s.pk: sorted(groups[s.translation_of_id or s.pk].items()) for s in items
        }


class LatinStorySitemap(StorySitemap):
    """The Kazakh stories again, at their addresses in the Latin-script edition."""

    def location(self, item):
        return self.path(item, edition.LATIN)

    def items(self):
        return super().items().filter(language=Language.KAZAKH)


class SectionSitemap(AlternatesSitemap):
    """The front page and every section, in each language."""

    changefreq = "hourly"

    def items(self):
        targets = [("articles:home", {})] + [
            ("articles:category", {"slug": slug})
            for slug in Category.objects.values_list("slug", flat=True)
        ]
        return [
            (code, name, tuple(kwargs.items()))
            for name, kwargs in targets
            for code, _label in settings.LANGUAGES
        ]

    def location(self, item):
        code, name, kwargs = item
        with translation.override(code):
            return reverse(name, kwargs=dict(kwargs))

    def alternates_for(self, items):
        result = {}
        for item in items:
            _code, name, kwargs = item
            result[item] = [
                (code, self.location((code, name, kwargs)))
                for code, _label in settings.LANGUAGES
            ]
        return result


SITEMAPS = {
    "sections": SectionSitemap,
    "stories": StorySitemap,
    "stories-latn": LatinStorySitemap,
}


def news_sitemap(request):
    """List the stories of the last 48 hours for Google News."""
    stories = (
        Story.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .select_related("category")
        .only("headline", "slug", "language", "category__slug", "published_at")
        .order_by("-published_at")[:NEWS_LIMIT]
    )
    return render(
        request,
        "sitemaps/news.xml",
        {
            "stories": stories,
            "site_name": settings.NEWSROOM_SITE_NAME,
            "base": request.build_absolute_uri("/")[:-1],
        },
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /editor/",
        "Disallow: /i18n/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news_sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
