"""A picture in the story's text is the story's picture while it has no main one."""

import importlib
import json
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import translation

from articles.admin.workflow import ERROR_NO_BODY_PICTURE, MESSAGE_BODY_PICTURE
from articles.core.renditions import make_renditions
from articles.models import Status, Story
from tests.factories import (
    make_category,
    make_editor,
    make_image,
    make_journalist,
    make_story,
)
from tests.test_site_queries import FRONT_BUDGET, LIST_BUDGET, STORY_BUDGET, warm

pytestmark = pytest.mark.django_db

SEARCH_BUDGET = 12  # the search page's own budget, as in tests/test_search.py


def body_with(image, text="Мәтін."):
    return (
        f"<p>{text}</p>"
        f'<figure class="image"><img src="{image.file.url}" alt="{image.alt_text}">'
        "<figcaption>Жазу</figcaption></figure><p>Соңы.</p>"
    )


def url(name, **kwargs):
    with translation.override("kk"):
        return reverse(f"articles:{name}", kwargs=kwargs or None)


def ld_json(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found.group(1))


@pytest.fixture
def picture():
    image = make_image(alt_text="Бәйтерек мұнарасы")
    make_renditions(image)
    return image


def test_the_first_of_our_pictures_in_the_text_is_remembered(picture):
    elsewhere = '<p><img src="https://other.example/a.jpg" alt="a"></p>'
    story = make_story("Жаңалық", body=elsewhere + body_with(picture))
    assert story.body_image == picture
    assert story.card_image == picture
    story.body = "<p>Суретсіз.</p>"
    story.save(update_fields=["body"])
    story.refresh_from_db()
    assert story.body_image is None
    assert story.card_image is None


def test_the_main_picture_comes_first(picture):
    main = make_image(alt_text="Басты сурет")
    story = make_story("Жаңалық", body=body_with(picture), hero_image=main)
    assert story.card_image == main


def test_cards_show_the_picture_of_the_text(client, picture):
    category = make_category("Қала", slug="qala")
    story = make_story(
        "Бәйтерек жөнделді",
        status=Status.PUBLISHED,
        category=category,
        body=body_with(picture),
    )
    rendition = picture.renditions.filter(format="jpeg").first()
    for address in (url("home"), url("category", slug="qala")):
        html = client.get(address).content.decode()
        card = re.search(
            r'<article class="card[^"]*"[^>]*>(?:(?!</article>).)*'
            + re.escape(story.headline),
            html,
            re.S,
        ).group(0)
        assert rendition.file.url in card, address


def test_shared_links_and_structured_data_have_the_picture(client, picture):
    story = make_story(
        "Бәйтерек жөнделді", status=Status.PUBLISHED, body=body_with(picture)
    )
    html = client.get(story.get_absolute_url()).content.decode()
    rendition = max(
        picture.renditions.filter(format="jpeg"), key=lambda r: r.width
    ).file.url
    assert f'<meta property="og:image" content="http://testserver{rendition}">' in html
    assert f'<meta name="twitter:image" content="http://testserver{rendition}">' in (
        html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "publisher-logo" not in html.split("</head>")[0].split("og:image")[1]
    data = ld_json(html)
    assert data["image"][0]["url"] == f"http://testserver{rendition}"
    # The picture stays where the journalist put it, not doubled above the text.
    assert html.count(f'alt="{picture.alt_text}"') == 1


@pytest.mark.parametrize("count", [3, 60])
def test_pages_stay_within_budget_with_pictures_in_texts(
    client, picture, count, django_assert_max_num_queries
):
    category = make_category("Қала", slug="qala")
    stories = [
        make_story(
            f"Қала жаңалығы {n}",
            status=Status.PUBLISHED,
            category=category,
            body=body_with(make_image(alt_text=f"Сурет {n}")),
        )
        for n in range(count)
    ]
    for story in stories:
        make_renditions(story.body_image)
    # Counted on a second request, as the site's own budgets are (test_site_queries);
    # the search page has its own budget (test_search).
    for address, budget in (
        (url("home"), FRONT_BUDGET),
        (url("category", slug="qala"), LIST_BUDGET),
        (url("search") + "?q=жаңалығы", SEARCH_BUDGET),
        (stories[0].get_absolute_url(), STORY_BUDGET),
    ):
        warm(client, address)
        with django_assert_max_num_queries(budget):
            assert client.get(address).status_code == 200, address


def form_data(story, **changes):
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "dek": story.dek,
        "body": story.body,
        "language": story.language,
        "category": story.category_id,
        "source": "",
        "original_url": "",
        "expected_version": story.version,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_the_admin_offers_to_make_it_the_main_picture(client, picture):
    journalist = make_journalist()
    story = make_story("Жоба", created_by=journalist, body=body_with(picture))
    client.force_login(journalist)
    change = reverse("admin:articles_story_change", args=[story.pk])
    page = client.get(change).content.decode()
    assert 'name="use_body_picture"' in page
    assert picture.alt_text in page  # the help names the picture

    response = client.post(change, form_data(story), follow=True)
    expected = str(MESSAGE_BODY_PICTURE % {"picture": picture})
    assert expected in response.content.decode()
    story.refresh_from_db()
    assert story.hero_image is None

    client.post(change, form_data(story, use_body_picture="on"))
    story.refresh_from_db()
    assert story.hero_image == picture
    # Done: no more offer, no more message.
    page = client.get(change).content.decode()
    assert 'name="use_body_picture"' not in page
    response = client.post(change, form_data(story, hero_image=picture.pk), follow=True)
    assert expected not in response.content.decode()


def test_the_offer_needs_a_picture_of_ours_in_the_text(client):
    editor = make_editor()
    story = make_story(
        "Жоба", body='<p><img src="https://other.example/a.jpg" alt="a"></p>'
    )
    client.force_login(editor)
    change = reverse("admin:articles_story_change", args=[story.pk])
    response = client.post(change, form_data(story, use_body_picture="on"))
    assert response.status_code == 200
    assert str(ERROR_NO_BODY_PICTURE) in response.content.decode()
    story.refresh_from_db()
    assert story.hero_image is None


def test_readers_of_the_admin_get_no_offer(client, picture):
    story = make_story("Жоба", status=Status.IN_REVIEW, body=body_with(picture))
    journalist = make_journalist()
    story.created_by = journalist
    story.save()
    client.force_login(journalist)  # may read it in review, not change it
    page = client.get(reverse("admin:articles_story_change", args=[story.pk]))
    assert page.status_code == 200
    assert "use_body_picture" not in page.content.decode()


def test_the_migration_finds_the_picture_of_stored_stories(picture):
    story = make_story("Жаңалық", status=Status.PUBLISHED, body=body_with(picture))
    Story.objects.filter(pk=story.pk).update(body_image=None)
    migration = importlib.import_module("articles.migrations.0010_imports")
    migration.remake_plain_text(apps, SimpleNamespace(connection=connection))
    story.refresh_from_db()
    assert story.body_image == picture
