"""Pages kept for days: fresh far behind the purge log while no purge names them,
today's date written on a page kept from an earlier day, and a new set of pages
with each release."""

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.utils import timezone

from articles.core import cache as caching
from articles.core import purge_marks
from articles.models import Status
from articles.public import page_cache

from .factories import make_category, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_cache():
    cache.clear()
    page_cache.MEMO.clear()
    caching.forget_due()
    yield
    page_cache.MEMO.clear()


def counting_renders(monkeypatch) -> list[str]:
    rendered: list[str] = []
    original = page_cache.CachedPageMiddleware.store

    def store(key, response, *rest):
        rendered.append(key)
        return original(key, response, *rest)

    monkeypatch.setattr(page_cache.CachedPageMiddleware, "store", staticmethod(store))
    return rendered


def purge_others(count: int) -> None:
    for n in range(count):
        caching.purge_public({f"section-{900 + n % 7}-list", "feeds"})


def test_a_page_far_behind_the_purge_log_is_fresh_until_a_purge_names_it(fresh_cache):
    sequence = caching.snapshot()[0]
    keys = {"story-1", "card-2", "nav"}
    purge_others(caching.MAX_PURGES_CHECKED + 30)
    current = caching.snapshot()[0]
    assert current - sequence > caching.MAX_PURGES_CHECKED
    assert caching.is_fresh(sequence, keys, current)
    caching.purge_public({"card-2"})
    purge_others(caching.MAX_PURGES_CHECKED + 1)
    current = caching.snapshot()[0]
    assert not caching.is_fresh(sequence, keys, current)
    assert caching.is_fresh(sequence, {"story-1", "nav"}, current)
    # Purging everything reaches every page, however far behind.
    caching.purge_public(None)
    purge_others(caching.MAX_PURGES_CHECKED + 1)
    assert not caching.is_fresh(sequence, {"story-1"}, caching.snapshot()[0])


def test_without_the_start_of_the_marks_no_page_is_fresh_by_them(fresh_cache):
    sequence = caching.snapshot()[0]
    purge_others(caching.MAX_PURGES_CHECKED + 1)
    current = caching.snapshot()[0]
    assert caching.is_fresh(sequence, {"story-1"}, current)
    cache.delete(purge_marks.SINCE_KEY)  # emptied, evicted or unreadable
    assert not caching.is_fresh(sequence, {"story-1"}, current)
    # The next purge starts the marks again, from itself on.
    caching.purge_public({"section-1-list"})
    newer = caching.snapshot()[0]
    assert not caching.is_fresh(sequence, {"story-1"}, newer)
    purge_others(caching.MAX_PURGES_CHECKED + 1)
    assert caching.is_fresh(newer, {"story-1"}, caching.snapshot()[0])


def test_purges_at_the_same_moment_leave_the_mark_at_the_later_one(fresh_cache):
    sequence = caching.snapshot()[0]
    cache.set(caching.SEQUENCE_KEY, sequence + 2, None)
    # The later purge (sequence + 2) wrote first; the earlier one writes after it.
    purge_marks.write({"story-5"}, sequence + 2, caching.SEQUENCE_KEY)
    purge_marks.write({"story-5"}, sequence + 1, caching.SEQUENCE_KEY)
    assert cache.get(purge_marks.MARK_KEY.format("story-5")) == sequence + 2
    cache.set(caching.SEQUENCE_KEY, sequence + 2 + caching.MAX_PURGES_CHECKED, None)
    assert not purge_marks.fresh(sequence + 1, {"story-5"}, caching.EVERYTHING)
    assert purge_marks.fresh(sequence + 2, {"story-5"}, caching.EVERYTHING)


def test_a_story_page_read_again_after_many_purges_comes_from_the_cache(
    client, fresh_cache, monkeypatch
):
    story = make_story("Мұрағаттағы жаңалық", status=Status.PUBLISHED)
    address = story.get_absolute_url()
    first = client.get(address)
    rendered = counting_renders(monkeypatch)
    purge_others(caching.MAX_PURGES_CHECKED + 20)
    page_cache.MEMO.clear()  # another process
    again = client.get(address)
    assert rendered == []
    assert again.content == first.content
    caching.purge_public({caching.story_key(story.pk)})
    purge_others(caching.MAX_PURGES_CHECKED + 20)
    page_cache.MEMO.clear()
    client.get(address)
    assert rendered == [page_cache.page_key(RequestFactory().get(address))]


def latin(address: str) -> str:
    return "/kk-latn/" + address.removeprefix("/kk/")


@pytest.mark.parametrize("language", ["kk", "ru", "en", "kk-latn"])
def test_a_page_kept_from_yesterday_shows_todays_date_as_a_new_one_would(
    client, fresh_cache, monkeypatch, language
):
    category = make_category("Саясат", name_ru="Политика", name_en="Politics")
    published = timezone.now() - timedelta(days=3)
    story = make_story(
        "Кешегі жаңалық",
        status=Status.PUBLISHED,
        published_at=published,
        category=category,
        language=language[:2],
    )
    address = story.get_absolute_url()
    if language == "kk-latn":
        address = latin(address)
    yesterday = timezone.now() - timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=yesterday):
        kept = client.get(address)
    rendered = counting_renders(monkeypatch)
    page_cache.MEMO.clear()
    today = client.get(address)
    assert rendered == []  # from the cache, not rendered again
    assert today.content != kept.content
    assert today["ETag"] != kept["ETag"]
    assert today["ETag"] == f'"{hashlib.md5(today.content).hexdigest()}"'  # noqa: S324
    # The next hit reads the page as written today (kept so): no more rewriting.
    stored = cache.get(page_cache.page_key(RequestFactory().get(address)))
    assert stored["content"] == today.content
    assert stored["day"] == timezone.localdate().isoformat()
    # Exactly what a page rendered today shows.
    cache.clear()
    page_cache.MEMO.clear()
    new = client.get(address)
    assert rendered  # rendered this time
    assert new.content == today.content
    assert new["ETag"] == today["ETag"]


def test_a_conditional_request_for_yesterdays_copy_gets_todays_page(
    client, fresh_cache
):
    story = make_story(
        "Кешегі жаңалық",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=3),
    )
    address = story.get_absolute_url()
    yesterday = timezone.now() - timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=yesterday):
        kept = client.get(address)
    answer = client.get(address, HTTP_IF_NONE_MATCH=kept["ETag"])
    assert answer.status_code == 200
    assert answer.content != kept.content
    assert client.get(address, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304


def test_each_release_has_its_own_pages(settings, tmp_path):
    request = RequestFactory().get("/kk/")
    page_cache.release.cache_clear()
    try:
        with override_settings(NEWSROOM_RELEASE="2026.12.1"):
            page_cache.release.cache_clear()
            first = page_cache.page_key(request)
        with override_settings(NEWSROOM_RELEASE="2026.12.2"):
            page_cache.release.cache_clear()
            assert page_cache.page_key(request) != first
        # Unnamed: a fingerprint of what the pages are made from.
        (tmp_path / "templates").mkdir()
        template = tmp_path / "templates" / "base.html"
        template.write_text("<p>Бүгін</p>")
        with override_settings(BASE_DIR=tmp_path, NEWSROOM_RELEASE=""):
            page_cache.release.cache_clear()
            before = page_cache.release()
            page_cache.release.cache_clear()
            assert page_cache.release() == before
            template.write_text("<p>Бүгін, сейсенбі</p>")
            page_cache.release.cache_clear()
            assert page_cache.release() != before
    finally:
        page_cache.release.cache_clear()
