"""Walk every public address of the project with a story in every state, and prove
that only published-and-due stories are ever shown.

The walk reads the URL resolver, so pages added later (feeds, sitemaps, search,
archives, APIs…) are covered without touching this file.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone, translation

from articles.models import Language, Status, StoryEvent, StoryNote
from articles.workflow import services

from .factories import (
    make_author,
    make_category,
    make_editor,
    make_source,
    make_story,
)

pytestmark = pytest.mark.django_db

# Addresses behind a staff login or that only take POSTs from the admin: not public.
PRIVATE_PREFIXES = ("admin/", "i18n/", "editor/", "media/")
HIDDEN_STATES = {
    "draft": (Status.DRAFT, None),
    "inreview": (Status.IN_REVIEW, None),
    "changes": (Status.CHANGES_REQUESTED, None),
    "approved": (Status.APPROVED, None),
    "scheduled": (Status.PUBLISHED, timedelta(hours=6)),
    "withdrawn": (Status.UNPUBLISHED, -timedelta(days=1)),
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Stories are written in these; the Latin-script edition (kk-latn) shows the kk ones.
STORY_LANGUAGES = [code for code in LANGUAGES if code in Language.values]
COMMON_WORD = "Алатау"
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def public_patterns():
    """Yield (pieces, pattern) for every URL pattern outside the private areas."""

    def walk(patterns, pieces):
        for entry in patterns:
            here = [*pieces, entry.pattern]
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern):
                yield_list.append((here, entry))

    yield_list = []
    walk(get_resolver().url_patterns, [])
    for pieces, entry in yield_list:
        with translation.override(settings.LANGUAGE_CODE):
            text = "".join(_raw(p) for p in pieces)
        if not text.startswith(PRIVATE_PREFIXES):
            yield pieces, entry


def _raw(piece):
    if isinstance(piece, LocalePrefixPattern):
        return piece.language_prefix
    if isinstance(piece, RoutePattern):
        return str(piece._route)
    if isinstance(piece, RegexPattern):
        return piece._regex.lstrip("^").rstrip("$")
    return str(piece)


def template_for(pieces, language):
    """Return the address with <name> placeholders, in the given language."""
    out = []
    with translation.override(language):
        for piece in pieces:
            text = _raw(piece)
            if isinstance(piece, RegexPattern):
                text = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text)
                assert not re.search(r"[\\\[\](){}*+?|^$]", text), (
                    f"Cannot walk the regular expression {piece._regex!r}: "
                    "give the public page a path() route."
                )
            out.append(text)
    return "/" + "".join(out)


CRAWL_LIMIT = 4000
LINK = re.compile(r'(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>')


def same_site_links(html):
    """Return the site-internal addresses a page links to."""
    found = set()
    for match in LINK.finditer(html):
        link = unescape(match[1] or match[2]).strip()
        if link.startswith("http://testserver/"):
            link = link[len("http://testserver") :]
        if link.startswith("/") and not link.startswith(("//", "/static/", "/media/")):
            found.add(link)
    return found


def fill(template, values, fallback):
    names = [m["name"] for m in ROUTE_PARAM.finditer(template)]
    return ROUTE_PARAM.sub(
        lambda m: str(values.get(m["name"], fallback.get(m["converter"] or "str"))),
        template,
    ), names


class Newsroom:
    """Stories in every state and language, sharing every list they can share."""

    def __init__(self):
        now = timezone.now()
        editor = make_editor()
        self.category = make_category(f"{COMMON_WORD} санаты", slug="alatau-sanaty")
        self.source = make_source("Алатау ақпарат", slug="alatau-akparat")
        self.author = make_author("Алатау Авторы", slug="alatau-avtory")
        self.stories = []
        self.hidden = {}
        self.visible = {}
        for language in STORY_LANGUAGES:
            for key, (status, offset) in HIDDEN_STATES.items():
                marker = f"leak{key}{language}"
                story = self._story(marker, language, status, offset and now + offset)
                self.hidden[marker] = story
            marker = f"seen{language}"
            story = self._story(
                marker, language, Status.PUBLISHED, now - timedelta(hours=1)
            )
            self.visible[marker] = story
            # Internal notes and workflow notes on a public story stay internal.
            note_marker = f"leaknote{language}"
            StoryNote.objects.create(story=story, author=editor, text=note_marker)
            StoryEvent.objects.create(
                story=story,
                actor=editor,
                action="correct",
                from_status=Status.PUBLISHED,
                to_status=Status.PUBLISHED,
                note=f"leakevent{language}",
            )
            self.hidden[note_marker] = story
            self.hidden[f"leakevent{language}"] = story

    def _story(self, marker, language, status, published_at):
        # The address carries no marker: asking for a hidden story's address
        # must not count as seeing it, only its words on a page do.
        story = make_story(
            f"{COMMON_WORD} {marker} жаңалығы {marker.replace('leak', 'find')}",
            slug=f"story-{len(self.stories) + 1}-{language}",
            status=status,
            published_at=published_at,
            language=language,
            category=self.category,
            source=self.source,
            dek=f"{COMMON_WORD} түйіні {marker}",
            body=f"<p>{COMMON_WORD} мәтіні {marker}.</p>",
            authors=[self.author],
        )
        from articles.models import Tag

        tag, _created = Tag.objects.get_or_create(name=COMMON_WORD, slug="alatau")
        story.tags.add(tag)
        self.stories.append(story)
        return story

    def assignments(self):
        """Yield values for URL parameters: one set per story, one per list owner."""
        for story in self.stories:
            when = timezone.localtime(story.published_at or story.created_at)
            yield {
                "category": story.category.slug,
                "slug": story.slug,
                "year": when.year,
                "month": when.month,
                "day": when.day,
                "pk": story.pk,
                "id": story.pk,
                "story_id": story.pk,
                "token": f"{story.pk}:x:y",
                "path": "",
                "language": story.language,
            }
        for owner in [self.category, self.source, self.author, self.category]:
            yield {"slug": owner.slug, "category": self.category.slug}
        yield {"slug": "alatau"}  # the tag


def test_only_published_and_due_stories_appear_anywhere(client):
    cache.clear()
    site = Newsroom()
    fallback = {"int": timezone.now().year, "str": "x", "slug": "x", "path": "x"}
    walked_patterns = set()
    seen_where = {marker: [] for marker in site.visible}
    urls = set()
    for pieces, _entry in public_patterns():
        for language in LANGUAGES:
            template = template_for(pieces, language)
            walked_patterns.add(template.replace(f"/{language}/", "/<lang>/"))
            for values in site.assignments():
                url, names = fill(template, values, fallback)
                urls.add(url)
                if not names:
                    break
            if "<" not in template:
                # Search words that find each story without echoing its marker.
                queries = [m.replace("leak", "find") for m in site.hidden]
                urls.update(f"{template}?q={q}" for q in [COMMON_WORD, *queries])
                urls.add(f"{template}?page=2")
    assert len(walked_patterns) >= 5, walked_patterns
    # Then follow every same-site link the pages give (sitemap sections, pages of
    # lists, languages…), so addresses with parameters no rule above can guess are
    # reached too.
    queue = sorted(urls)
    visited = set()
    while queue and len(visited) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        raw = body.decode("utf-8", "replace")
        text = (raw + response.get("Location", "")).lower()
        leaked = [m for m in site.hidden if m in text]
        assert not leaked, f"{url} ({response.status_code}) shows {leaked}"
        if response.status_code == 200:
            links = [
                s.slug
                for s in site.hidden.values()
                if not s.is_public and f"/{s.slug}/" in text and s.slug not in url
            ]
            assert not links, f"{url} links to hidden stories {links}"
            queue.extend(
                link
                for link in same_site_links(raw)
                if link not in visited
                and not link.lstrip("/").startswith(PRIVATE_PREFIXES)
            )
        for marker in site.visible:
            if marker in text and response.status_code == 200:
                seen_where[marker].append(url)
    # The walk is not blind: every published story was found on several pages,
    # among them its own page.
    for marker, story in site.visible.items():
        assert story.get_absolute_url() in seen_where[marker], marker
        assert len(seen_where[marker]) >= 3, (marker, seen_where[marker])


def test_the_walk_covers_feeds_sitemaps_and_search_when_the_project_has_them():
    walked = {
        template_for(pieces, settings.LANGUAGE_CODE)
        for pieces, _entry in public_patterns()
    }
    names = {entry.name for _pieces, entry in public_patterns()}
    assert "story" in names and "home" in names
    for address in _all_addresses(get_resolver().url_patterns, []):
        if address.startswith("/admin/"):
            continue
        if any(word in address for word in ("feed", "sitemap", "search", "api")):
            assert address in walked, address


def _all_addresses(patterns, pieces):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _all_addresses(entry.url_patterns, [*pieces, entry.pattern])
        else:
            yield template_for([*pieces, entry.pattern], settings.LANGUAGE_CODE)


@pytest.mark.parametrize("key", list(HIDDEN_STATES))
def test_a_hidden_story_page_answers_404_or_410(client, key):
    status, offset = HIDDEN_STATES[key]
    story = make_story(
        "Көрінбейтін жаңалық",
        status=status,
        published_at=offset and timezone.now() + offset,
    )
    response = client.get(story.get_absolute_url())
    expected = 410 if status == Status.UNPUBLISHED else 404
    assert response.status_code == expected
    assert "Көрінбейтін жаңалық" not in response.content.decode()


def test_withdrawing_removes_a_cached_story_everywhere_at_once(
    client, django_capture_on_commit_callbacks
):

    cache.clear()
    editor = make_editor()
    story = make_story("Алынатын жаңалық", status=Status.PUBLISHED)
    pages = [story.get_absolute_url(), "/kk/", f"/kk/category/{story.category.slug}/"]
    for page in pages:
        assert "Алынатын жаңалық" in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=story.pk, user=editor, action="unpublish", note="Қате дерек"
        )
    assert client.get(story.get_absolute_url()).status_code == 410
    for page in pages[1:]:
        assert "Алынатын жаңалық" not in client.get(page).content.decode()
