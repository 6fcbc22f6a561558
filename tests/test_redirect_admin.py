"""Old addresses of stories in the admin: who may keep them, and what is refused."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from articles.admin import redirects as admin_redirects
from articles.models import Status, StoryRedirect

from .factories import (
    make_category,
    make_chief,
    make_editor,
    make_journalist,
    make_story,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_storyredirect_add")
LIST_URL = reverse("admin:articles_storyredirect_changelist")
OLD_PATH = "/2019/05/17/астанада-жаңа-көпір/"


@pytest.fixture
def story():
    return make_story(
        "Астанада жаңа көпір ашылды",
        status=Status.PUBLISHED,
        category=make_category("Қала", slug="qala"),
    )


def errors_of(response):
    return response.context["adminform"].form.errors


def test_chief_editor_adds_a_redirect_and_the_old_path_answers_301(client, story):
    client.force_login(make_chief())
    # Pasted from a browser's address bar: percent-encoded, with spaces around.
    response = client.post(
        ADD_URL, {"old_path": f"  {quote(OLD_PATH)} ", "story": story.pk}
    )
    assert response.status_code == 302
    assert StoryRedirect.objects.get().old_path == OLD_PATH
    client.logout()
    response = client.get(quote(OLD_PATH))
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_redirect_to_a_story_not_yet_out_waits(client, story):
    draft = make_story("Әлі жарияланбаған")
    StoryRedirect.objects.create(old_path="/eski/jazba/", story=draft)
    response = client.get("/eski/jazba/", follow=True)
    assert response.status_code == 404
    assert draft.get_absolute_url() not in [url for url, _ in response.redirect_chain]


def test_list_shows_old_path_to_story_and_searches_both(client, story):
    other = make_story("Москвадағы кездесу", status=Status.PUBLISHED)
    StoryRedirect.objects.create(old_path=OLD_PATH, story=story)
    StoryRedirect.objects.create(old_path="/ru/news/vstrecha/", story=other)
    client.force_login(make_chief())
    html = client.get(LIST_URL).content.decode()
    assert OLD_PATH in html
    assert story.get_absolute_url() in html
    by_headline = client.get(LIST_URL, {"q": "көпір"}).content.decode()
    assert OLD_PATH in by_headline
    assert "/ru/news/vstrecha/" not in by_headline
    by_path = client.get(LIST_URL, {"q": "vstrecha"}).content.decode()
    assert "/ru/news/vstrecha/" in by_path
    assert OLD_PATH not in by_path


@pytest.mark.parametrize("rows", [3, 40])
def test_list_costs_the_same_with_more_rows(
    client, story, rows, django_assert_max_num_queries
):
    category = make_category("Саясат", slug="sayasat")
    for n in range(rows):
        target = make_story(f"Жаңалық {n}", status=Status.PUBLISHED, category=category)
        StoryRedirect.objects.create(old_path=f"/old/{n}/", story=target)
    client.force_login(make_chief())
    # 11: besides the list, a chief editor's session is checked against their
    # authenticator, and their role is read for the capability matrix.
    with django_assert_max_num_queries(11):
        assert client.get(LIST_URL).status_code == 200


def test_story_is_chosen_with_autocomplete(client, story):
    client.force_login(make_chief())
    assert "admin-autocomplete" in client.get(ADD_URL).content.decode()
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "storyredirect",
            "field_name": "story",
            "term": "көпір",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(story.pk)]


def test_journalist_cannot_open_redirects(client, story):
    StoryRedirect.objects.create(old_path=OLD_PATH, story=story)
    client.force_login(make_journalist())
    assert client.get(LIST_URL).status_code == 403
    assert client.get(ADD_URL).status_code == 403
    response = client.post(ADD_URL, {"old_path": "/x/", "story": story.pk})
    assert response.status_code == 403
    assert StoryRedirect.objects.count() == 1
    assert LIST_URL not in client.get(reverse("admin:index")).content.decode()


def test_editor_may_look_but_not_change(client, story):
    redirect = StoryRedirect.objects.create(old_path=OLD_PATH, story=story)
    client.force_login(make_editor())
    assert client.get(LIST_URL).status_code == 200
    assert client.get(ADD_URL).status_code == 403
    change = reverse("admin:articles_storyredirect_change", args=[redirect.pk])
    client.post(change, {"old_path": "/other/", "story": story.pk})
    delete = reverse("admin:articles_storyredirect_delete", args=[redirect.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert StoryRedirect.objects.get().old_path == OLD_PATH


@pytest.mark.parametrize(
    ("old_path", "error"),
    [
        ("2019/05/eski-zhol/", admin_redirects.ERROR_PATH_NOT_ABSOLUTE),
        ("https://turanews.kz/2019/05/eski/", admin_redirects.ERROR_PATH_NOT_ABSOLUTE),
        ("/index.php?p=1234", admin_redirects.ERROR_PATH_HAS_QUERY),
        ("/2019/05/eski/#basy", admin_redirects.ERROR_PATH_HAS_QUERY),
    ],
)
def test_bad_paths_get_clear_errors(client, story, old_path, error):
    client.force_login(make_chief())
    response = client.post(ADD_URL, {"old_path": old_path, "story": story.pk})
    assert response.status_code == 200
    assert errors_of(response)["old_path"] == [str(error)]
    assert not StoryRedirect.objects.exists()


def test_the_storys_own_address_is_refused(client, story):
    client.force_login(make_chief())
    response = client.post(
        ADD_URL, {"old_path": story.get_absolute_url(), "story": story.pk}
    )
    assert errors_of(response)["old_path"] == [
        str(admin_redirects.ERROR_PATH_IS_OWN_URL)
    ]
    assert not StoryRedirect.objects.exists()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_live_storys_address_cannot_be_shadowed(client, story, language):
    live = make_story(
        "Алматыда жаңа саябақ" if language == "kk" else "В Алматы открыли парк",
        status=Status.PUBLISHED,
        language=language,
    )
    client.force_login(make_chief())
    for path in (live.get_absolute_url(), f"/{language}/baska-bolim/{live.slug}/"):
        response = client.post(ADD_URL, {"old_path": path, "story": story.pk})
        assert errors_of(response)["old_path"] == [
            str(admin_redirects.ERROR_PATH_IS_LIVE_STORY) % {"headline": live.headline}
        ]
    assert not StoryRedirect.objects.exists()
    # A story that is not out yet has no address to protect.
    draft = make_story("Жоба", language=language)
    response = client.post(
        ADD_URL, {"old_path": draft.get_absolute_url(), "story": story.pk}
    )
    assert response.status_code == 302


def test_the_same_old_path_twice_is_refused(client, story):
    StoryRedirect.objects.create(old_path=OLD_PATH, story=story)
    client.force_login(make_chief())
    response = client.post(ADD_URL, {"old_path": quote(OLD_PATH), "story": story.pk})
    assert response.status_code == 200
    assert errors_of(response)["old_path"]
    assert StoryRedirect.objects.count() == 1
