"""RSS and Atom feeds: the whole site, each language, section and source."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.core.sections import section_and_below
from articles.models import Category, Language, Source, Story, active_language
from articles.public import edition

FEED_SIZE = 30


def _spelled(item, text):
    """Spell a Kazakh story's text in Latin letters in the Latin-script edition."""
    if item.language != Language.KAZAKH:
        return text
    return edition.spell_text(text, item.latin_overrides)


class LatestStoriesFeed(Feed):
    """The newest public stories in the reader's language."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = edition.hreflang(feed.feed["language"])
        return feed

    def stories(self, obj):
        return Story.objects.published().in_language(active_language())

    def items(self, obj):
        return (
            self.stories(obj)
            .select_related("category", "source")
            .prefetch_related("authors")
            .order_by("-published_at")[:FEED_SIZE]
        )

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

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        names = [a.name for a in item.authors.all()]
        return _spelled(item, ", ".join(names)) or (
            item.source.name if item.source_id else None
        )

    def item_categories(self, item):
        return [_spelled(item, item.category.localized("name", item.language))]


class LatestStoriesAtom(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class AllLanguagesFeed(LatestStoriesFeed):
    """Every public story of the site, whatever its language."""

    def stories(self, obj):
        return Story.objects.published()

    def feed_title(self, obj):
        return _("All languages")


class AllLanguagesAtom(AllLanguagesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class CategoryFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def stories(self, obj):
        return super().stories(obj).filter(category__in=section_and_below(obj))

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

    def stories(self, obj):
        return super().stories(obj).filter(source=obj)

    def feed_title(self, obj):
        return edition.spell_text(_("All stories from %(name)s") % {"name": obj.name})

    def link(self, obj):
        return obj.get_absolute_url()


class SourceAtom(SourceFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description
