"""A story scheduled for 09:00 appears at 09:00 on every public page, not a second
before, with nobody acting, cached pages included."""

import re
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from articles.core import cache as caching
from articles.core.clock import NEWSROOM_TZ
from articles.models import Status, Story
from articles.public.page_cache import CachedPageMiddleware, page_key
from articles.workflow import services

from .factories import make_category, make_editor, make_story

pytestmark = pytest.mark.django_db

HEADLINE = "Таңғы тоғызда шығатын жаңалық"


@contextmanager
def clock(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def nine_tomorrow():
    local = timezone.localtime(timezone.now(), NEWSROOM_TZ) + timedelta(days=1)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


def public_pages(story):
    """Return the reader-facing addresses where a new story should show up."""
    pages = [
        story.get_absolute_url(),
        f"/{story.language}/",
        story.category.get_absolute_url(),
    ]
    optional = [
        ("articles:feed", {}),
        ("articles:category_feed", {"slug": story.category.slug}),
        ("sitemap", {}),
        ("news_sitemap", {}),
        ("feed_all", {}),
    ]
    when = timezone.localtime(story.published_at)
    optional.append(
        (
            "articles:archive_day",
            {"year": when.year, "month": when.month, "day": when.day},
        )
    )
    with translation.override(story.language):
        for name, kwargs in optional:
            try:
                pages.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    return pages


@pytest.fixture
def scheduled(django_capture_on_commit_callbacks):
    cache.clear()
    category = make_category("Экономика", slug="ekonomika")
    make_story("Кешегі жаңалық", status=Status.PUBLISHED, category=category)
    story = make_story(HEADLINE, status=Status.APPROVED, category=category)
    nine = nine_tomorrow()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action="schedule", publish_at=nine
        )
    return Story.objects.select_related("category").get(pk=story.pk), nine


def shows(client, url, story):
    response = client.get(url)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = body.decode()
    if "<sitemapindex" in text:
        # A sitemap index: what counts is in the sitemaps it lists.
        for loc in re.findall(r"<loc>([^<]+)</loc>", text):
            text += client.get(loc.replace("http://testserver", "")).content.decode()
    if response.status_code != 200:
        # An error page may repeat the address asked for; only words count there.
        return response.status_code, HEADLINE in text
    return response.status_code, HEADLINE in text or f"/{story.slug}/" in text


def test_story_is_out_at_nine_and_not_a_second_before(client, scheduled):
    story, nine = scheduled
    assert timezone.localtime(story.published_at, NEWSROOM_TZ).hour == 9
    pages = public_pages(story)
    assert len(pages) >= 4
    with clock(nine - timedelta(seconds=1)):
        for url in pages:
            status, present = shows(client, url, story)
            assert not present, f"{url} shows the story at 08:59:59"
        assert shows(client, story.get_absolute_url(), story)[0] == 404
    with clock(nine):
        for url in pages:
            status, present = shows(client, url, story)
            assert status == 200, f"{url} lacks the story at 09:00:00"
            assert present, f"{url} lacks the story at 09:00:00"


def test_cached_pages_do_not_hide_the_story_at_nine(client, scheduled):
    story, nine = scheduled
    pages = public_pages(story)
    with clock(nine - timedelta(seconds=1)):
        assert caching.public_ttl() == 1
        for url in pages:
            client.get(url)  # fills the cache, for one more second of real time
            status, present = shows(client, url, story)  # from the cache
            assert not present, f"{url} shows the story at 08:59:59"
    cached_before = caching.generation()
    with clock(nine):
        # Nobody acted: crossing 09:00 alone makes every cached page stale.
        assert caching.generation() != cached_before
        for url in pages:
            status, present = shows(client, url, story)
            assert present, f"{url} served a page cached before 09:00"


def counting_renders(monkeypatch) -> list[str]:
    """Return the list of the addresses rendered afresh (stored) from now on."""
    rendered: list[str] = []
    original = CachedPageMiddleware.store

    def store(key, response, *rest):
        rendered.append(key)
        return original(key, response, *rest)

    monkeypatch.setattr(CachedPageMiddleware, "store", staticmethod(store))
    return rendered


def key_of(url: str) -> str:
    return page_key(RequestFactory().get(url))


def test_at_nine_only_the_pages_the_story_changes_are_renewed(
    client, scheduled, monkeypatch
):
    story, nine = scheduled
    sport = make_category("Спорт", slug="sport")
    elsewhere = make_story("Футбол жаңалығы", status=Status.PUBLISHED, category=sport)
    kept = [sport.get_absolute_url(), elsewhere.get_absolute_url()]
    pages = public_pages(story)
    with clock(nine - timedelta(minutes=1)):
        for url in [*pages, *kept]:
            client.get(url)
    rendered = counting_renders(monkeypatch)
    with clock(nine + timedelta(seconds=5)):
        for url in kept:
            assert client.get(url).status_code == 200
        for url in pages:
            status, present = shows(client, url, story)
            assert present, f"{url} served a page cached before 09:00"
    # The other section and story came from the cache; the story's lists did not.
    assert not {key_of(url) for url in kept} & set(rendered)
    assert key_of(story.category.get_absolute_url()) in rendered
    assert key_of(f"/{story.language}/") in rendered


def test_a_story_due_while_its_time_was_forgotten_still_renews_its_lists(
    client, scheduled
):
    story, nine = scheduled
    section = story.category.get_absolute_url()
    with clock(nine - timedelta(minutes=1)):
        assert HEADLINE not in client.get(section).content.decode()
    # The remembered time of the next story expired unread (a quiet site).
    caching.forget_due()
    with clock(nine + timedelta(minutes=2)):
        assert caching.next_scheduled() is None  # nothing scheduled after it
        assert HEADLINE in client.get(section).content.decode()


def test_with_the_point_of_the_last_look_lost_everything_is_renewed(
    client, scheduled, monkeypatch
):
    story, nine = scheduled
    elsewhere = make_story("Футбол жаңалығы", status=Status.PUBLISHED)
    with clock(nine - timedelta(minutes=1)):
        client.get(elsewhere.get_absolute_url())
    cache.delete(caching.PUBLISHED_THROUGH_KEY)
    rendered = counting_renders(monkeypatch)
    with clock(nine + timedelta(seconds=1)):
        client.get(elsewhere.get_absolute_url())
    assert rendered == [key_of(elsewhere.get_absolute_url())]


def test_many_stories_due_at_once_renew_every_page(client, scheduled, monkeypatch):
    story, nine = scheduled
    make_story("Тағы бір жоспарлы жаңалық", status=Status.PUBLISHED, published_at=nine)
    elsewhere = make_story("Футбол жаңалығы", status=Status.PUBLISHED)
    with clock(nine - timedelta(minutes=1)):
        client.get(elsewhere.get_absolute_url())
    monkeypatch.setattr(caching, "GONE_PUBLIC_MAX", 1)
    rendered = counting_renders(monkeypatch)
    with clock(nine + timedelta(seconds=1)):
        client.get(elsewhere.get_absolute_url())
    assert rendered == [key_of(elsewhere.get_absolute_url())]


def test_a_language_version_due_at_nine_reaches_the_page_of_its_original(
    client, django_capture_on_commit_callbacks
):
    cache.clear()
    nine = nine_tomorrow()
    kazakh = make_story("Абай күні", status=Status.PUBLISHED)
    russian = make_story(
        "День Абая", status=Status.APPROVED, language="ru", translation_of=kazakh
    )
    move(russian, "schedule", django_capture_on_commit_callbacks, publish_at=nine)
    with clock(nine - timedelta(minutes=1)):
        first = client.get(kazakh.get_absolute_url()).content.decode()
    assert '<link rel="alternate" hreflang="ru"' not in first
    with clock(nine):
        renewed = client.get(kazakh.get_absolute_url()).content.decode()
    assert '<link rel="alternate" hreflang="ru"' in renewed


def test_a_point_a_little_ahead_of_this_machines_clock_is_trusted(client, monkeypatch):
    cache.clear()
    url = make_story("Футбол жаңалығы", status=Status.PUBLISHED).get_absolute_url()
    client.get(url)
    rendered = counting_renders(monkeypatch)
    # Another machine sharing the cache looked last, its clock 30 s ahead.
    ahead = timezone.now().timestamp() + 30
    cache.set(caching.PUBLISHED_THROUGH_KEY, ahead, None)
    caching.forget_due()
    client.get(url)
    assert rendered == []
    # An hour ahead is no clock's error: which stories went public is unknown.
    cache.set(caching.PUBLISHED_THROUGH_KEY, ahead + 3600, None)
    caching.forget_due()
    client.get(url)
    assert rendered == [key_of(url)]


def test_cache_life_never_crosses_the_next_publication():
    cache.clear()
    now = nine_tomorrow()
    assert caching.public_ttl(now) == caching.PUBLIC_TTL
    make_story(
        "Жоспарлы", status=Status.PUBLISHED, published_at=now + timedelta(seconds=90)
    )
    with clock(now - timedelta(hours=1)):
        caching.purge_public()
    assert caching.public_ttl(now) == 90
    assert caching.public_ttl(now + timedelta(seconds=89)) == 1


def test_story_pages_are_kept_for_days_but_not_into_a_new_year():
    march = datetime(2027, 3, 10, 9, 0, tzinfo=NEWSROOM_TZ)
    assert caching.story_ttl(march) == caching.STORY_TTL == 7 * 24 * 3600
    new_years_eve = datetime(2027, 12, 31, 23, 50, tzinfo=NEWSROOM_TZ)
    assert caching.story_ttl(new_years_eve) == 600  # the footer's year changes
    # The edge cannot write the header's date anew: it keeps no page past 00:00.
    assert caching.public_ttl(march, caching.STORY_TTL) == 15 * 3600
    assert caching.public_ttl(march.replace(hour=23, minute=50), 3600) == 600


def test_story_pages_are_kept_for_days_and_the_edge_asks_again_at_the_next_story(
    client,
):
    cache.clear()
    morning = nine_tomorrow()
    make_story(
        "Жоспарлы", status=Status.PUBLISHED, published_at=morning + timedelta(minutes=2)
    )
    caching.purge_public()
    # The app keeps its pages: at 09:02 it purges only those the story changes.
    assert caching.story_ttl(morning) > 24 * 3600
    assert caching.public_ttl(morning, caching.story_ttl(morning)) == 120
    story = make_story("Жарияланған", status=Status.PUBLISHED)
    with clock(morning):
        story_page = client.get(story.get_absolute_url())
        section_page = client.get(story.category.get_absolute_url())
        stored = cache.get(page_key(RequestFactory().get(story.get_absolute_url())))
        again = client.get(story.get_absolute_url())  # from the cache
    # The edge is told to ask again at 09:02; the app keeps its copy for hours.
    assert "s-maxage=120," in story_page["Cache-Control"]
    assert "s-maxage=120," in section_page["Cache-Control"]
    assert stored["expires"] - time.time() > caching.story_ttl(morning) - 60
    assert "s-maxage=120," in again["Cache-Control"]
    cache.clear()
    caching.next_scheduled(morning + timedelta(hours=1))  # nothing due any more
    with clock(morning + timedelta(hours=1)):
        story_page = client.get(story.get_absolute_url())
        section_page = client.get(story.category.get_absolute_url())
    # The edge keeps a story page until midnight (14 hours), a list five minutes.
    assert f"s-maxage={14 * 3600}," in story_page["Cache-Control"]
    assert f"s-maxage={caching.PUBLIC_TTL}," in section_page["Cache-Control"]


def move(story, action, capture, **kwargs):
    with capture(execute=True):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action=action, **kwargs
        )
    return Story.objects.select_related("category").get(pk=story.pk)


def test_rescheduled_story_keeps_the_new_time_to_the_second(
    client, scheduled, django_capture_on_commit_callbacks
):
    story, nine = scheduled
    ten = nine + timedelta(hours=1)
    story = move(
        story, "reschedule", django_capture_on_commit_callbacks, publish_at=ten
    )
    pages = public_pages(story)
    for moment in (nine, ten - timedelta(seconds=1)):
        with clock(moment):
            for url in pages:
                assert not shows(client, url, story)[1], f"{url} at {moment}"
    with clock(ten):
        for url in pages:
            status, present = shows(client, url, story)
            assert status == 200, f"{url} lacks the story at 10:00:00"
            assert present, f"{url} lacks the story at 10:00:00"


def test_rescheduled_earlier_is_not_hidden_by_pages_cached_before(
    client, scheduled, django_capture_on_commit_callbacks
):
    story, nine = scheduled
    eight = nine - timedelta(hours=1)
    pages = public_pages(story)
    with clock(eight - timedelta(minutes=1)):
        for url in pages:
            client.get(url)  # cached for five minutes: past 08:00
        story = move(
            story, "reschedule", django_capture_on_commit_callbacks, publish_at=eight
        )
    with clock(eight):
        for url in pages:
            status, present = shows(client, url, story)
            assert present, f"{url} served a page cached before the new time"


def test_publish_now_shows_a_scheduled_story_at_once(
    client, scheduled, django_capture_on_commit_callbacks
):
    story, nine = scheduled
    pages = public_pages(story)
    for url in pages:
        assert not shows(client, url, story)[1]
    story = move(story, "publish_scheduled", django_capture_on_commit_callbacks)
    assert story.published_at < nine
    for url in public_pages(story):
        status, present = shows(client, url, story)
        assert status == 200, f"{url} lacks the story published now"
        assert present, f"{url} lacks the story published now"


def test_a_cancelled_schedule_leaves_no_gone_page(client):
    """Readers never saw a story whose schedule was cancelled: 404, not 410."""
    from datetime import timedelta

    from django.utils import timezone

    from .factories import make_editor, make_story

    editor = make_editor()
    story = make_story(
        "Жоспарланған жаңалық",
        status="published",
        published_at=timezone.now() + timedelta(hours=2),
    )
    address = story.get_absolute_url()
    services.story_transition(
        story_id=story.pk, user=editor, action="unpublish", note="Кейінге қалдырылды"
    )
    story.refresh_from_db()
    assert story.status == "unpublished"
    assert story.published_at is None
    assert client.get(address).status_code == 404

    withdrawn = make_story("Шыққан жаңалық", status="published")
    services.story_transition(
        story_id=withdrawn.pk, user=editor, action="unpublish", note="Қате"
    )
    assert client.get(withdrawn.get_absolute_url()).status_code == 410
