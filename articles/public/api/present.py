"""Stories and the catalogue as the API shows them, in the language asked for.

``kk-Latn`` is Kazakh spelled in the Latin alphabet: the Kazakh stories (with the
spellings their editors fixed), their section, author, tag and source names,
transliterated as they are served, linking to the site's Latin-script edition.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from articles.core.latin import LATIN_TAG, to_latin, to_latin_html
from articles.models import Rendition
from articles.public.api.params import LATIN


def story_language(story, requested: str | None) -> str:
    """Return the language a story is shown in: its own, or Latin Kazakh."""
    return LATIN if requested == LATIN and story.language == "kk" else story.language


def site_language(language: str) -> str:
    """Return the site's language code whose pages show this API language."""
    if language == LATIN:
        return LATIN_TAG
    return language or settings.LANGUAGE_CODE


# Stands for a slug or an id in an address reversed once per request (see _url).
_PLACEHOLDER = "zq{}qz"


class Presenter:
    """Turn rows into the API's shapes for one request."""

    def __init__(self, request):
        self.request = request
        self._templates = {}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def _url(self, name: str, language: str, kwargs: dict) -> str:
        # A page of stories links a hundred addresses of a few kinds: each kind is
        # reversed once, with placeholders, then filled in (values are slugs and
        # ids, which never need quoting).
        key = (name, language)
        found = self._templates.get(key)
        if found is None:
            held = {k: _PLACEHOLDER.format(k) for k in kwargs}
            with translation.override(site_language(language)):
                template = self.absolute(reverse(name, kwargs=held or None))
            names = "|".join(re.escape(k) for k in kwargs)
            found = template, re.compile(_PLACEHOLDER.format(f"({names})"))
            self._templates[key] = found
        template, placeholders = found
        if not kwargs:
            return template
        return placeholders.sub(lambda m: str(kwargs[m[1]]), template)

    def site_url(self, name: str, language: str, **kwargs) -> str:
        return self._url(f"articles:{name}", language, kwargs)

    def api_url(self, name: str, query: dict | None = None, **kwargs) -> str:
        url = self._url(f"api-v1:{name}", "", kwargs)
        query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        return url + (f"?{urlencode(query)}" if query else "")

    # Text in a language

    @staticmethod
    def text(value: str, language: str, overrides: str = "") -> str:
        return to_latin(value, overrides) if language == LATIN else value

    @staticmethod
    def html(value: str, language: str, overrides: str = "") -> str:
        return to_latin_html(value, overrides) if language == LATIN else value

    def name_of(self, row, language: str) -> str:
        return self.text(row.localized("name", language[:2]), language)

    # The catalogue

    def section(self, category, language: str) -> dict:
        return {
            "slug": category.slug,
            "name": self.name_of(category, language),
            "url": self.site_url("category", language, slug=category.slug),
        }

    def source_ref(self, source, language: str) -> dict | None:
        if source is None:
            return None
        attribution = source.attribution(language[:2])
        return {
            "slug": source.slug,
            "name": self.text(source.name, language),
            "url": self.site_url("source", language, slug=source.slug),
            "home_url": source.home_url,
            "attribution": self.text(attribution, language),
        }

    def person(self, author, language: str) -> dict:
        return {
            "slug": author.slug,
            "name": self.text(author.name, language),
            "url": self.site_url("author", language, slug=author.slug),
        }

    def tag(self, tag, language: str) -> dict:
        return {
            "slug": tag.slug,
            "name": self.text(tag.name, language),
            "url": self.site_url("tag", language, slug=tag.slug),
        }

    def picture(self, image, language: str) -> dict | None:
        if image is None:
            return None
        renditions = sorted(
            getattr(image, "rendition_list", ()), key=lambda r: (r.width, r.format)
        )
        return {
            "url": self.absolute(image.file.url),
            "width": image.width,
            "height": image.height,
            "alt": self.text(image.alt_text, language),
            "caption": self.text(image.caption, language),
            "credit": self.text(image.credit, language),
            "renditions": [
                {
                    "url": self.absolute(r.file.url),
                    "width": r.width,
                    "height": r.height,
                    "format": r.format,
                }
                for r in renditions
                if r.format in Rendition.Format.values
            ],
        }

    # Stories

    def story_url(self, story, language: str) -> str:
        return self.site_url(
            "story", language, category=story.category.slug, slug=story.slug
        )

    def story_api_url(self, story, language: str) -> str:
        query = {"language": LATIN} if language == LATIN else None
        return self.api_url("story", query, story=story.pk)

    def card(self, story, requested: str | None) -> dict:
        """Return a story as lists show it (no text)."""
        language = story_language(story, requested)
        return {
            "id": story.pk,
            "slug": story.slug,
            "language": language,
            "headline": self.text(story.headline, language, story.latin_overrides),
            "summary": self.text(story.dek, language, story.latin_overrides),
            "url": self.story_url(story, language),
            "api_url": self.story_api_url(story, language),
            "section": self.section(story.category, language),
            "source": self.source_ref(story.source, language),
            "authors": [self.person(a, language) for a in story.author_list],
            "tags": [self.tag(t, language) for t in story.tag_list],
            "image": self.picture(story.hero_image, language),
            "featured": story.featured,
            "published_at": timezone.localtime(story.published_at),
            "updated_at": timezone.localtime(max(story.updated_at, story.published_at)),
        }

    def story(self, story, requested: str | None, *, corrections, versions) -> dict:
        """Return a story with its text, corrections and other versions."""
        language = story_language(story, requested)
        data = self.card(story, requested)
        others = []
        for version in versions:
            others.append(self._version(version, version.language))
        if story.language == "kk":
            # The same story in the other script of Kazakh.
            other = "kk" if language == LATIN else LATIN
            others.insert(0, self._version(story, other))
        data.update(
            body=self.html(story.body, language, story.latin_overrides),
            original_url=story.original_url,
            corrections=[
                {
                    "note": self.text(c.note, language, story.latin_overrides),
                    "created_at": timezone.localtime(c.created_at),
                }
                for c in corrections
            ],
            versions=others,
        )
        return data

    def _version(self, story, language: str) -> dict:
        return {
            "language": language,
            "id": story.pk,
            "url": self.story_url(story, language),
            "api_url": self.story_api_url(story, language),
        }
