"""Ask the API every endpoint with every parameter, with stories in every state
present, and prove that only published-and-due stories are ever answered."""

from datetime import timedelta
from itertools import product
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from articles.public.api.urls import api

from .api_data import COMMON_WORD, Newsroom

pytestmark = pytest.mark.django_db

LANGUAGES = [None, "kk", "kk-Latn", "ru", "en"]


@pytest.fixture
def newsroom(settings):
    settings.NEWSROOM_API_RATE = 100_000
    return Newsroom()


def _query(**params) -> str:
    given = {k: v for k, v in params.items() if v is not None}
    return f"?{urlencode(given)}" if given else ""


def addresses(site: Newsroom) -> list[str]:
    """Return an address for every endpoint and every value its parameters take."""
    today = timezone.localdate()
    periods = [
        (None, None),
        (today - timedelta(days=2), today + timedelta(days=800)),
        (today + timedelta(days=1), None),
    ]
    found = ["/api/v1/", "/api/v1/openapi.json", "/api/v1/docs"]
    filters = {
        "section": [None, site.section.slug, "no-such-section"],
        "source": [None, site.source.slug, site.hidden_source.slug],
        "author": [None, site.author.slug, site.hidden_author.slug],
        "tag": [None, site.tag.slug, site.hidden_tag.slug],
    }
    for language, (start, end) in product(LANGUAGES, periods):
        dates = {"date_from": start, "date_to": end}
        for name, values in filters.items():
            for value in values:
                found.append(
                    "/api/v1/stories"
                    + _query(language=language, limit=2, **{name: value}, **dates)
                )
        words = [
            COMMON_WORD,
            "Alatau",
            *(m.replace("leak", "find") for m in site.hidden),
        ]
        for word in words:
            for name in ("section", "source"):
                for value in filters[name]:
                    found.append(
                        "/api/v1/search"
                        + _query(q=word, language=language, **{name: value}, **dates)
                    )
    for language in LANGUAGES:
        for name in ("sections", "sources", "authors", "tags"):
            found.append(f"/api/v1/{name}" + _query(language=language, limit=1))
    stories = [*site.visible.values(), *site.hidden.values()]
    for story, language in product(stories, LANGUAGES):
        for key in (story.pk, story.slug):
            found.append(f"/api/v1/stories/{key}" + _query(language=language))
    return found


def test_only_published_and_due_stories_are_ever_answered(client, newsroom):
    queue = addresses(newsroom)
    visited, seen = set(), {language: set() for language in newsroom.visible}
    while queue:
        address = queue.pop()
        if address in visited:
            continue
        visited.add(address)
        for key in (None, newsroom.raw_key):
            headers = {"HTTP_X_API_KEY": key} if key else {}
            response = client.get(address, **headers)
            assert response.status_code in (200, 400, 404), (address, response)
            text = response.content.decode()
            assert not newsroom.leaks(text), (address, newsroom.leaks(text))
        if response.status_code != 200 or address.endswith(("/docs", ".json")):
            continue
        data = response.json()
        # Lists go on through their pages: every cursor is walked.
        if data.get("next"):
            queue.append(data["next"].removeprefix("http://testserver"))
        for language, story in newsroom.visible.items():
            if f'"id":{story.pk},' in text:
                seen[language].add(address.split("?")[0].rstrip("0123456789"))
    assert len(visited) > 1000
    # The walk is not blind: each public story was answered by the list, by
    # search and by its own address.
    for language, where in seen.items():
        assert where >= {
            "/api/v1/stories",
            "/api/v1/search",
            "/api/v1/stories/",
        }, (language, where)


def test_the_walk_covers_every_endpoint_of_the_api(newsroom):
    """A new endpoint must be added to the walk above before it can ship."""
    walked = {address.split("?")[0] for address in addresses(newsroom)}
    walked = {
        "/api/v1/stories/{story}" if a.startswith("/api/v1/stories/") else a
        for a in walked
    }
    resolver = get_resolver()
    routes = set()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "api-v1":
            for entry in pattern.url_patterns:
                if isinstance(entry, URLPattern) and entry.name != "unknown":
                    route = str(entry.pattern).replace("<story>", "{story}")
                    routes.add(f"/api/v1/{route}")
    assert routes, "the API's addresses were not found"
    assert routes <= walked, routes - walked
    documented = set(api.get_openapi_schema(path_prefix="/api/v1/")["paths"])
    assert documented <= walked, documented - walked
