"""Every public page costs a fixed number of SQL queries, however many stories."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from articles.core.renditions import make_renditions
from articles.models import Correction, Story

from .factories import make_image
from .site_data import build_site, make_many

pytestmark = pytest.mark.django_db

STORY_BUDGET = 3
LIST_BUDGET = 5
FRONT_BUDGET = 8


@pytest.fixture(params=[10, 500], ids=["10-stories", "500-stories"])
def site(request, settings, client):
    site = build_site()
    image = make_image(alt_text="Алматы көшесі")
    make_renditions(image)
    site.extra = make_many(
        request.param,
        categories=[site.category, site.other_category],
        source=site.source,
        image=image,
    )
    # Stories with their own Latin spellings cost the Latin edition no query.
    Story.objects.filter(language="kk").update(latin_overrides="Жаңалық = Janalyq")
    for story in site.extra[:5]:
        story.tags.add(site.tag)
        story.authors.add(site.author)
        Correction.objects.create(story=story, note="Түзету")
    # Every page is rendered afresh (no page cache); it is counted on a second
    # request, with the shared fragments (section links, the latest and
    # most-read rails) as a running site has them, as the peers are counted.
    settings.NEWSROOM_PAGE_CACHE = False
    return site


def warm(client, address):
    client.get(address)


def list_pages(site, language):
    day = timezone.localtime(site.kk.published_at)
    with translation.override(language):
        return [
            reverse("articles:category", kwargs={"slug": site.category.slug}),
            reverse("articles:category", kwargs={"slug": site.category.slug})
            + "?page=2",
            reverse("articles:source", kwargs={"slug": site.source.slug}),
            reverse("articles:tag", kwargs={"slug": site.tag.slug}),
            reverse("articles:author", kwargs={"slug": site.author.slug}),
            reverse("articles:archive_year", args=[day.year]),
            reverse("articles:archive_month", args=[day.year, day.month]),
            reverse("articles:archive_day", args=[day.year, day.month, day.day]),
            reverse("articles:corrections"),
            reverse("articles:feed"),
            reverse("articles:category_feed", kwargs={"slug": site.category.slug}),
            reverse("articles:source_feed_atom", kwargs={"slug": site.source.slug}),
        ]


@pytest.mark.parametrize("language", ["kk", "ru", "kk-latn"])
def test_list_pages_stay_within_budget(
    client, site, language, django_assert_max_num_queries
):
    for address in list_pages(site, language):
        warm(client, address)
        with django_assert_max_num_queries(LIST_BUDGET):
            response = client.get(address)
        assert response.status_code == 200, address


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_front_page_stays_within_budget(
    client, site, language, django_assert_max_num_queries
):
    warm(client, f"/{language}/")
    with django_assert_max_num_queries(FRONT_BUDGET):
        assert client.get(f"/{language}/").status_code == 200


def test_sitemaps_stay_within_budget(client, site, django_assert_max_num_queries):
    for address in (
        "/sitemap.xml",
        "/sitemap-sections.xml",
        "/sitemap-stories.xml",
        "/sitemap-stories-latn.xml",
        "/news-sitemap.xml",
        "/feed/",
    ):
        warm(client, address)
        with django_assert_max_num_queries(LIST_BUDGET):
            assert client.get(address).status_code == 200


def test_story_pages_stay_within_budget(client, site, django_assert_max_num_queries):
    stories = [site.kk, site.ru, site.en, *site.extra[:3]]
    addresses = [story.get_absolute_url() for story in stories]
    # The same Kazakh stories in the Latin-script edition.
    with translation.override("kk-latn"):
        addresses += [s.get_absolute_url() for s in stories if s.language == "kk"]
    assert any(a.startswith("/kk-latn/") for a in addresses)
    for address in addresses:
        warm(client, address)
        with django_assert_max_num_queries(STORY_BUDGET):
            response = client.get(address)
        assert response.status_code == 200, address


def test_cached_pages_cost_no_queries(
    client, site, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE = True
    address = site.kk.get_absolute_url()
    client.get(address)
    with django_assert_num_queries(0):
        assert client.get(address).status_code == 200
    assert Story.objects.published().count() >= 3


def test_list_pages_count_at_most_a_fixed_number_of_pages(settings):
    from articles.public.views import CappedPaginator

    class Counted(list):
        def __getitem__(self, item):
            found = super().__getitem__(item)
            return Counted(found) if isinstance(item, slice) else found

        def count(self):
            return len(self)

    paginator = CappedPaginator(Counted(range(10)), 2)
    assert paginator.num_pages == 5
    paginator = CappedPaginator(Counted(range(10_000)), 2)
    assert paginator.num_pages == CappedPaginator.MAX_PAGES


def test_a_story_without_byline_tags_or_corrections_costs_one_query(
    client, django_assert_num_queries
):
    site = build_site()
    story = make_many(1, categories=[site.category], source=site.source)[0]
    assert not story.authors.exists()
    assert not story.tags.exists()
    address = story.get_absolute_url()
    with override_settings(NEWSROOM_PAGE_CACHE=False):
        warm(client, address)
        with django_assert_num_queries(1):
            html = client.get(address).content.decode()
        assert story.headline in html
        # Once it has a byline, the byline shows (and costs its query).
        story.authors.add(site.author)
        with django_assert_num_queries(2):
            html = client.get(address).content.decode()
    assert site.author.name in html
