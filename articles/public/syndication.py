"""RSS and Atom feeds: the whole site, each language, section and source."""

from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.core.prepared import Prepared
from articles.models import Category, Language, Source, Story, active_language
from articles.public import edition
from articles.public.views import section_tree

FEED_SIZE = 30

_prepared: dict[type, Prepared] = {}
author_names = Prepared(
    lambda ids: (
        Story.authors.through.objects.filter(story_id__in=ids)
        .order_by("author__name", "author_id")
        .values_list("story_id", "author__name")
    )
)


def _spelled(item, text):
    """Spell a Kazakh story's text in Latin letters in the Latin-script edition."""
    if item.language != Language.KAZAKH:
        return text
    return edition.spell_text(text, item.latin_overrides)


class LatestStoriesFeed(Feed):
    """The newest public stories in the reader's language.

    ``get_feed`` fills the feed as Django's does, but calls this class's methods
    directly and writes the XML in one piece; the stories come from a prepared
    query (``story_rows``) and their authors' names from a second one: Django's
    general version cost twice as much as the rest of the request.
    """

    def __call__(self, request, *args, **kwargs):
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("Feed object does not exist.") from None
        feed = self.get_feed(obj, request)
        response = HttpResponse(
            feed.writeString("utf-8"), content_type=feed.content_type
        )
        response.headers["Last-Modified"] = http_date(
            feed.latest_post_date().timestamp()
        )
        return response

    def get_feed(self, obj, request):
        domain, secure = get_current_site(request).domain, request.is_secure()
        feed = self.feed_type(
            title=self.title(obj),
            subtitle=self.description(obj) if self.feed_type is Atom1Feed else None,
            link=add_domain(domain, self.link(obj), secure),
            description=self.description(obj),
            language=edition.hreflang(get_language()),
            feed_url=add_domain(domain, request.path, secure),
        )
        for item in self.items(obj):
            feed.add_item(
                title=self.item_title(item),
                link=add_domain(domain, self.item_link(item), secure),
                description=self.item_description(item),
                unique_id=self.item_guid(item),
                unique_id_is_permalink=False,
                pubdate=self.item_pubdate(item),
                updateddate=self.item_updateddate(item),
                author_name=self.item_author_name(item),
                categories=self.item_categories(item),
            )
        return feed

    def story_values(self, obj) -> dict:
        """Return the values story_rows is run with (besides now)."""
        return {"language": active_language()}

    def story_rows(self, now, language):
        return Story.objects.published(now).in_language(language)

    def items(self, obj):
        prepared = _prepared.get(type(self))
        if prepared is None:
            prepared = _prepared[type(self)] = Prepared(
                lambda **values: (
                    self.story_rows(**values)
                    .select_related("category", "source")
                    .defer("body")
                    .order_by("-published_at", "-id")[:FEED_SIZE]
                )
            )
        items = prepared(now=timezone.now(), **self.story_values(obj))
        names = defaultdict(list)
        if items:
            for story_id, name in author_names(ids=[i.pk for i in items]):
                names[story_id].append(name)
        for item in items:
            item.author_names = names[item.pk]
        return items

    def feed_title(self, obj):
        return _("Latest news")

    def title(self, obj):
        return f"{settings.NEWSROOM_SITE_NAME} — {self.feed_title(obj)}"

    def link(self, obj):
        return reverse("articles:home")

    def description(self, obj):
        return _("News of Kazakhstan and the world in Kazakh, Russian and English.")

    def item_title(self, item):
        return _spelled(item, item.headline)

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> hold HTML: the summary
        # and the text's plain-text fallback are plain text, so they go in
        # escaped, and a summary such as "<img onerror=…>" stays words.
        return escape(_spelled(item, item.dek or item.body_text[:400]))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable even when a story's address changes (see StoryRedirect).
        host = urlsplit(settings.NEWSROOM_SITE_URL).hostname or "localhost"
        return f"tag:{host},{item.created_at:%Y-%m-%d}:story-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return _spelled(item, ", ".join(item.author_names)) or (
            item.source.name if item.source_id else None
        )

    def item_categories(self, item):
        return [_spelled(item, item.category.localized("name", item.language))]


class LatestStoriesAtom(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class AllLanguagesFeed(LatestStoriesFeed):
    """Every public story of the site, whatever its language."""

    def story_values(self, obj) -> dict:
        return {}

    def story_rows(self, now):  # type: ignore[override]
        return Story.objects.published(now)

    def feed_title(self, obj):
        return _("All languages")


class AllLanguagesAtom(AllLanguagesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class CategoryFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def story_values(self, obj) -> dict:
        return {**super().story_values(obj), "sections": section_tree().below(obj.pk)}

    def story_rows(self, now, language, sections):  # type: ignore[override]
        return super().story_rows(now, language).filter(category__in=sections)

    def feed_title(self, obj):
        return edition.spell_text(obj.display_name)

    def link(self, obj):
        return obj.get_absolute_url()


class CategoryAtom(CategoryFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class SourceFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Source, slug=slug)

    def story_values(self, obj) -> dict:
        return {**super().story_values(obj), "source": obj.pk}

    def story_rows(self, now, language, source):  # type: ignore[override]
        return super().story_rows(now, language).filter(source=source)

    def feed_title(self, obj):
        return edition.spell_text(_("All stories from %(name)s") % {"name": obj.name})

    def link(self, obj):
        return obj.get_absolute_url()


class SourceAtom(SourceFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description
