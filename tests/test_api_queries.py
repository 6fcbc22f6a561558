"""Every API answer costs a fixed number of SQL queries, however many stories."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.core.renditions import make_renditions
from articles.models import Author, Correction, Story
from articles.public.api.params import story_cursor
from articles.workflow.api_keys import api_key_create

from .factories import make_chief, make_image
from .site_data import build_site, make_many

pytestmark = pytest.mark.django_db

LIST_BUDGET = 6  # the section filter looks the section (and its subsections) up first
STORY_BUDGET = 7
# As the site's search page: a later page ranks again after the count, and on
# PostgreSQL each ranking steers the planner inside a savepoint.
SEARCH_BUDGET = 12
CATALOG_BUDGET = 3


@pytest.fixture(params=[10, 500], ids=["10-stories", "500-stories"])
def site(request):
    site = build_site()
    image = make_image(alt_text="Алматы көшесі")
    make_renditions(image)
    site.extra = make_many(
        request.param,
        categories=[site.category, site.other_category],
        source=site.source,
        image=image,
    )
    authors = [Author.objects.create(name=f"Автор {n}", slug=f"a{n}") for n in range(3)]
    for story in site.extra[:30]:
        story.tags.add(site.tag)
        story.authors.add(site.author, *authors)
        Correction.objects.create(story=story, note="Түзету")
    _key, site.raw_key = api_key_create(
        name="Серіктес", rate_limit=100_000, created_by=make_chief()
    )
    return site


def addresses(site):
    day = timezone.localdate(site.kk.published_at).isoformat()
    middle = site.extra[len(site.extra) // 2]
    cursor = story_cursor(middle.published_at, middle.pk)
    lists = [
        "/api/v1/stories",
        "/api/v1/stories?limit=100",
        "/api/v1/stories?language=kk-Latn",
        f"/api/v1/stories?section={site.category.slug}&language=ru",
        f"/api/v1/stories?source={site.source.slug}",
        f"/api/v1/stories?author={site.author.slug}",
        f"/api/v1/stories?tag={site.tag.slug}",
        f"/api/v1/stories?date_from={day}&date_to={day}",
        f"/api/v1/stories?cursor={cursor}",
    ]
    stories = [
        f"/api/v1/stories/{story.pk}" for story in (site.kk, site.ru, *site.extra[:3])
    ] + [f"/api/v1/stories/{site.kk.slug}?language=kk-Latn"]
    searches = [
        "/api/v1/search?q=аурухана",
        "/api/v1/search?q=жаңалық&limit=5",
        f"/api/v1/search?q=жаңалық&section={site.category.slug}&cursor=20",
        f"/api/v1/search?q=жаңалық&source={site.source.slug}&language=kk-Latn",
    ]
    catalog = [
        "/api/v1/",
        "/api/v1/sections",
        "/api/v1/sources",
        "/api/v1/authors?limit=2",
        "/api/v1/tags?language=kk-Latn",
    ]
    return [
        *((a, LIST_BUDGET) for a in lists),
        *((a, STORY_BUDGET) for a in stories),
        *((a, SEARCH_BUDGET) for a in searches),
        *((a, CATALOG_BUDGET) for a in catalog),
    ]


@pytest.mark.parametrize("with_key", [False, True], ids=["anonymous", "partner"])
def test_every_answer_stays_within_its_budget(
    client, site, with_key, django_assert_max_num_queries
):
    headers = {"HTTP_X_API_KEY": site.raw_key} if with_key else {}
    for address, budget in addresses(site):
        cache.clear()  # every answer computed afresh, nothing from the cache
        # A partner's key is looked up once a minute, here every time.
        budget += with_key
        with django_assert_max_num_queries(budget, info=address):
            response = client.get(address, **headers)
        assert response.status_code == 200, (address, response.content)
        assert response.json(), address


def test_lists_are_full_and_a_cached_answer_costs_nothing(
    client, site, django_assert_num_queries
):
    assert len(client.get("/api/v1/stories?limit=100").json()["items"]) == min(
        100, Story.objects.published().count()
    )
    with django_assert_num_queries(0):
        client.get("/api/v1/stories?limit=100")
