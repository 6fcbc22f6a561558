"""The page cache: pages carry the keys of what they show, an editorial change
purges only pages with its keys, and the edge-cache headers (Cache-Control, ETag,
Last-Modified, xkey) answer conditional requests correctly."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from articles.core import cache as caching
from articles.core import fragments
from articles.core.cache_backends import FailOpenDiskCache
from articles.models import Status, Story
from articles.public import page_cache
from articles.workflow import services

from .factories import make_category, make_editor, make_story
from .site_data import KK_HEADLINE, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


def keys_of(response) -> set[str]:
    return set(response["xkey"].split())


def test_public_pages_carry_edge_cache_headers(client, site):
    response = client.get(site.kk.get_absolute_url())
    control = response["Cache-Control"]
    for part in ("public", "s-maxage=", "stale-while-revalidate=", "stale-if-error="):
        assert part in control
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert response["Surrogate-Key"] == response["xkey"]
    keys = keys_of(response)
    assert {
        f"story-{site.kk.pk}",
        f"section-{site.kk.category_id}",
        f"source-{site.source.pk}",
        f"author-{site.author.pk}",
        f"tag-{site.tag.pk}",
        "nav",
    } <= keys
    assert f"card-{site.ru.pk}" in keys  # its version in another language is linked
    assert f"story-{site.ru.pk}" not in keys
    assert "X-Newsroom-Read" not in response  # counted, never sent


def test_a_hit_carries_the_headers_the_page_was_first_answered_with(client, site):
    address = site.kk.get_absolute_url()
    first = client.get(address)
    answered = dict(first.headers)
    lifetime = int(answered.pop("Cache-Control").split("s-maxage=")[1].split(",")[0])
    for hit in (client.get(address), client.get(address)):  # shared cache, memory
        assert hit.content == first.content
        headers = dict(hit.headers)
        control = headers.pop("Cache-Control")
        assert headers == answered  # Content-Type, CSP, ETag, keys…
        assert hit["Content-Type"] == "text/html; charset=utf-8"
        # The edge is told what is left of the app's copy's life.
        left = int(control.split("s-maxage=")[1].split(",")[0])
        assert lifetime - 5 <= left <= lifetime


def test_list_pages_feeds_and_front_page_name_their_keys(client, site):
    home = keys_of(client.get("/kk/"))
    assert {"front", "lang-kk", f"card-{site.kk.pk}"} <= home
    section = keys_of(client.get(site.category.get_absolute_url()))
    assert {f"section-{site.category.pk}-list", f"card-{site.kk.pk}"} <= section
    assert f"story-{site.kk.pk}" not in home | section  # they show its card only
    assert "feeds" in keys_of(client.get("/kk/feed/"))
    assert "feeds" in keys_of(client.get("/sitemap.xml"))


@pytest.mark.parametrize("cached", [True, False], ids=["from-cache", "fresh"])
def test_conditional_requests_get_304(client, site, cached):
    address = site.kk.get_absolute_url()
    first = client.get(address)
    if not cached:
        caches["default"].clear()
    again = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    if cached:  # the stored copy keeps its Last-Modified
        since = client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
    assert client.get(address, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_hit_is_served_before_url_resolution(client, site, monkeypatch):
    address = site.kk.get_absolute_url()
    client.get(address)

    def resolving(*args, **kwargs):
        raise AssertionError("a cached page must not reach URL resolution")

    monkeypatch.setattr("django.core.handlers.base.get_resolver", resolving)
    response = client.get(address)
    assert response.status_code == 200
    assert KK_HEADLINE in response.content.decode()


def test_signed_in_editors_and_previews_are_never_cached(client, site):
    editor = make_editor()
    client.force_login(editor)
    response = client.get(f"/preview/{site.draft.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert "xkey" not in response
    # Pages an editor opens are rendered for them, never stored for readers.
    assert client.get("/kk/").status_code == 200
    home = page_cache.page_key(RequestFactory().get("/kk/"))
    assert caches["default"].get(home) is None
    client.logout()
    client.get("/kk/")
    assert caches["default"].get(home) is not None  # as a reader: stored


def test_an_edit_purges_only_the_pages_that_show_the_story(
    client, site, django_capture_on_commit_callbacks
):
    other_category = make_category("Спорт", slug="sport-bolimi")
    elsewhere = make_story(
        "Football news", status=Status.PUBLISHED, category=other_category, language="en"
    )
    pages = [
        site.kk.get_absolute_url(),
        site.category.get_absolute_url(),
        elsewhere.get_absolute_url(),
        "/en/category/sport-bolimi/",
    ]
    for address in pages:
        keys = keys_of(client.get(address))
    assert f"story-{site.kk.pk}" not in keys
    rendered = []
    original = page_cache.CachedPageMiddleware.store

    def counting(key, response, *rest):
        rendered.append(key)
        original(key, response, *rest)

    with django_capture_on_commit_callbacks(execute=True):
        story = site.kk
        story.headline = "Жаңартылған тақырып"
        services.story_save(story=story, user=make_editor(), expected_version=1)
    page_cache.CachedPageMiddleware.store = staticmethod(counting)
    try:
        shown = {address: client.get(address).content.decode() for address in pages}
    finally:
        page_cache.CachedPageMiddleware.store = staticmethod(original)
    assert "Жаңартылған тақырып" in shown[site.kk.get_absolute_url()]
    assert "Жаңартылған тақырып" in shown[site.category.get_absolute_url()]
    assert len(rendered) == 2  # the sport pages came from the cache


def test_publication_purges_the_lists_it_joins(
    client, site, django_capture_on_commit_callbacks
):
    client.get("/kk/")
    client.get(site.category.get_absolute_url())
    story = make_story(
        "Жаңа ғана шыққан жаңалық", status=Status.APPROVED, category=site.category
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action="publish", notify=False
        )
    assert "Жаңа ғана шыққан жаңалық" in client.get("/kk/").content.decode()
    section = client.get(site.category.get_absolute_url()).content.decode()
    assert "Жаңа ғана шыққан жаңалық" in section


def test_a_page_rendered_during_a_purge_is_not_kept(client, site):
    address = site.category.get_absolute_url()
    sequence = caching.snapshot()[0]
    caching.purge_public({f"section-{site.category.pk}-list"})
    assert caching.snapshot()[0] == sequence + 1
    # As if rendered from data read before that purge: stale at once.
    assert not caching.is_fresh(
        sequence, {f"section-{site.category.pk}-list"}, caching.snapshot()[0]
    )
    assert caching.is_fresh(sequence, {"section-999-list"}, caching.snapshot()[0])
    assert client.get(address).status_code == 200


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pages_render_with_redis_unreachable_and_it_is_logged_once(
    client, site, caplog
):
    dead = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=dead), caplog.at_level(logging.WARNING):
        for _ in range(3):
            for address in (
                "/kk/",
                site.kk.get_absolute_url(),
                site.category.get_absolute_url(),
                "/kk/feed/",
                "/sitemap.xml",
            ):
                response = client.get(address)
                assert response.status_code == 200, address
        assert KK_HEADLINE in client.get("/kk/").content.decode()
        from articles.public import reads

        reads.flush_all()  # nothing to flush, and no error
    reports = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(reports) == 1
    # With the cache gone the read was written straight to the database.
    assert site.kk.reads.get().count == 3


def test_editorial_changes_work_with_redis_unreachable(
    site, django_capture_on_commit_callbacks
):
    dead = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    story = make_story("Кейінге қалдырылған", status=Status.APPROVED)
    with (
        override_settings(CACHES=dead),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action="publish", notify=False
        )
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED


def test_a_story_published_below_a_section_renews_the_sections_pages_and_count(
    client, django_capture_on_commit_callbacks
):
    parent = make_category("Қоғам", slug="qogam")
    child = make_category("Білім", slug="bilim", parent=parent)
    for _ in range(20):  # exactly one page
        make_story(status=Status.PUBLISHED, category=parent)
    first = client.get("/kk/category/qogam/").content.decode()
    assert 'rel="next"' not in first
    assert client.get("/kk/category/qogam/?page=2").status_code == 200
    story = make_story("Мектептер ашылды", status=Status.APPROVED, category=child)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action="publish"
        )
    renewed = client.get("/kk/category/qogam/").content.decode()
    assert "Мектептер ашылды" in renewed
    assert 'rel="next"' in renewed  # the cached count followed: 21 stories


def test_a_process_serves_its_last_pages_from_memory_until_a_purge_names_them(
    client, site, monkeypatch
):
    elsewhere = make_story(
        "Football news",
        status=Status.PUBLISHED,
        category=make_category("Спорт", slug="sport"),
        language="en",
    )
    story_page, other_page = site.kk.get_absolute_url(), elsewhere.get_absolute_url()
    first = client.get(story_page).content
    client.get(other_page)
    shared_reads = []
    original_get = caches["default"].get

    def counting_get(key, *args, **kwargs):
        if key.startswith("newsroom:page:"):
            shared_reads.append(key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(caches["default"], "get", counting_get)
    assert client.get(story_page).content == first
    assert client.get(other_page).status_code == 200
    assert shared_reads == []  # both from this process's memory
    # Another process withdraws the story: all this one sees is the shared counter.
    Story.objects.filter(pk=site.kk.pk).update(status=Status.UNPUBLISHED)
    caching.purge_public({f"story-{site.kk.pk}"})
    assert client.get(story_page).status_code == 410
    assert client.get(other_page).status_code == 200
    assert shared_reads == [page_cache.page_key(RequestFactory().get(story_page))]


def test_the_memory_of_a_process_keeps_to_its_size():
    memo = page_cache.PageMemo(limit=8_000)
    for number in range(10):
        memo.put(
            f"page-{number}", {"content": b"x" * 900, "keys": [], "headers": {}}, 1
        )
    assert memo.size <= 8_000
    assert memo.get("page-9", 1) is not None
    assert memo.get("page-0", 1) is None  # the oldest went first
    memo.put("too-big", {"content": b"x" * 2_000, "keys": [], "headers": {}}, 1)
    assert memo.get("too-big", 1) is None


def test_an_edit_of_the_text_alone_leaves_the_pages_showing_its_card(
    client, site, django_capture_on_commit_callbacks
):
    story_page, section_page = (
        site.kk.get_absolute_url(),
        site.category.get_absolute_url(),
    )
    client.get(story_page)
    before = client.get(section_page)
    with django_capture_on_commit_callbacks(execute=True):
        story = Story.objects.get(pk=site.kk.pk)
        story.body = "<p>Ауруханада 650 медицина қызметкері еңбек етеді.</p>"
        services.story_save(
            story=story, user=make_editor(), expected_version=story.version
        )
    rendered = []
    original = page_cache.CachedPageMiddleware.store

    def counting(key, response, *rest):
        rendered.append(key)
        return original(key, response, *rest)

    page_cache.CachedPageMiddleware.store = staticmethod(counting)
    try:
        assert "650 медицина" in client.get(story_page).content.decode()
        assert client.get(section_page).content == before.content
    finally:
        page_cache.CachedPageMiddleware.store = staticmethod(original)
    assert rendered == [page_cache.page_key(RequestFactory().get(story_page))]


def test_the_embedded_cache_keeps_its_connections_between_requests(client, site):
    backend = caches["default"]
    if not isinstance(backend, FailOpenDiskCache):
        pytest.skip("the embedded cache is not the one configured here")
    client.get(site.kk.get_absolute_url())
    opened = [shard._local.con for shard in backend._cache._shards]
    client.get(site.kk.get_absolute_url())  # the end of a request closes caches
    assert [shard._local.con for shard in backend._cache._shards] == opened
    assert all(con is not None for con in opened)


def test_a_language_version_published_later_reaches_the_pages_kept_for_hours(
    client, django_capture_on_commit_callbacks
):
    section = make_category("Мәдениет", slug="madeniet")
    kazakh = make_story("Абай күні", status=Status.PUBLISHED, category=section)
    first = client.get(kazakh.get_absolute_url()).content.decode()
    assert '<link rel="alternate" hreflang="ru"' not in first
    russian = make_story(
        "День Абая",
        status=Status.APPROVED,
        category=section,
        language="ru",
        translation_of=kazakh,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=russian.pk, user=make_editor(), action="publish"
        )
    renewed = client.get(kazakh.get_absolute_url()).content.decode()
    assert '<link rel="alternate" hreflang="ru"' in renewed
    assert russian.get_absolute_url() in renewed


def test_with_the_cache_unreachable_no_page_is_served_from_memory(client, site):
    dead = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    story_page = site.kk.get_absolute_url()
    with override_settings(CACHES=dead):
        assert client.get(story_page).status_code == 200
        # Withdrawn by another process, whose purge cannot reach this one.
        Story.objects.filter(pk=site.kk.pk).update(status=Status.UNPUBLISHED)
        assert client.get(story_page).status_code == 410
    assert page_cache.MEMO.pages == {}


def test_a_process_keeps_shared_fragments_in_memory_until_a_purge_names_them():
    built = []

    def build():
        built.append(1)
        return {"section-7-list"}, {"stories": [len(built)]}

    first = fragments.fragment("newsroom:test-fragment", 60, build)
    assert first == {"stories": [1]}
    # Served from this process's memory: the shared copy is not read again, and
    # a page that changes its copy changes nobody else's.
    caches["default"].delete("newsroom:test-fragment")
    first["stories"].append("changed by a page")
    assert fragments.fragment("newsroom:test-fragment", 60, build) == {"stories": [1]}
    caching.purge_public({"section-8-list"})  # another list: still fresh
    assert fragments.fragment("newsroom:test-fragment", 60, build) == {"stories": [1]}
    # Purged by another process: all this one sees is the shared counter.
    caching.purge_public({"section-7-list"})
    assert fragments.fragment("newsroom:test-fragment", 60, build) == {"stories": [2]}
    assert len(built) == 2


def test_a_fragment_kept_in_memory_lasts_no_longer_than_its_time(monkeypatch):
    built = []

    def build():
        built.append(1)
        return set(), len(built)

    assert fragments.fragment("newsroom:test-short", 60, build) == 1
    now = caching.time.time()
    monkeypatch.setattr(caching.time, "time", lambda: now + 61)
    assert fragments.fragment("newsroom:test-short", 60, build) == 2


def test_with_the_cache_unreachable_fragments_are_built_every_time():
    dead = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    built = []

    def build():
        built.append(1)
        return set(), len(built)

    with override_settings(CACHES=dead):
        assert fragments.fragment("newsroom:test-dead", 60, build) == 1
        assert fragments.fragment("newsroom:test-dead", 60, build) == 2
    assert fragments.FRAGMENTS.entries == {}


def test_a_request_reads_the_purge_counter_once_and_again_after_its_own_purge():
    caching.begin_request()
    try:
        before, _due = caching.snapshot()
        # Another process purges meanwhile: this request goes on at its counter
        # (what it renders is kept at that counter, so it goes stale at once).
        caches["default"].incr(caching.SEQUENCE_KEY)
        assert caching.snapshot()[0] == before
        caching.purge_public({"front"})  # its own purge is seen at once
        assert caching.snapshot()[0] == before + 2
    finally:
        caching.end_request()
    caches["default"].incr(caching.SEQUENCE_KEY)
    assert caching.snapshot()[0] == before + 3  # outside a request: every time


def test_a_hit_reads_the_shared_cache_once_until_a_purge(client, site, monkeypatch):
    address = site.category.get_absolute_url()
    client.get(address)
    client.get(address)
    shared = caches["default"]
    reads: list[object] = []
    for name in ("get", "get_many"):
        original = getattr(shared, name)
        monkeypatch.setattr(
            shared,
            name,
            lambda key, *a, _o=original, **k: reads.append(key) or _o(key, *a, **k),
        )
    assert client.get(address).status_code == 200
    # The counter alone: the page is in this process's memory, and when the
    # next story is due is known while no purge has moved the counter.
    assert reads == [caching.SEQUENCE_KEY]
    shared.incr(caching.SEQUENCE_KEY)  # another process purges
    reads.clear()
    client.get(address)
    assert [caching.SEQUENCE_KEY, caching.NEXT_SCHEDULED_KEY] in reads


def test_a_fragment_nothing_can_change_is_kept_as_it_is():
    links = (
        (1, "/kk/category/sport/", "Спорт"),
        (2, "/kk/category/ekonomika/", "Экономика"),
    )

    def build():
        return {"nav"}, links

    first = fragments.fragment("newsroom:test-frozen", 60, build)
    assert fragments.fragment("newsroom:test-frozen", 60, build) is first
    assert first == links
    caching.purge_public({"nav"})
    assert fragments.fragment("newsroom:test-frozen", 60, lambda: ({"nav"}, ())) == ()
