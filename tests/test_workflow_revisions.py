"""The versions page lists what really changed from one version to the next."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.models import Status, Story
from articles.workflow import revisions

from .factories import make_category, make_editor, make_journalist, make_source

pytestmark = pytest.mark.django_db

BODY = "<p>Ғимарат екі жылда салынды.</p><ul><li>1200 оқушы</li></ul>"


def form_data(story, **changes):
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "dek": story.dek,
        # The editor sends the text back re-serialised, not byte for byte.
        "body": story.body + "\n",
        "language": story.language,
        "category": story.category_id,
        "source": story.source_id or "",
        "original_url": story.original_url,
        "expected_version": story.version,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def what_changed(client, story, language="kk"):
    """Return the "what changed" cells of the versions page, newest first."""
    html = client.get(
        reverse("admin:articles_story_history", args=[story.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    cells = re.findall(r'<td class="version-changes">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def post_form(client, story, **changes):
    story.refresh_from_db()
    response = client.post(
        reverse("admin:articles_story_change", args=[story.pk]),
        form_data(story, **changes),
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()


def test_moves_list_only_the_fields_that_changed_in_kazakh():
    journalist, editor = make_journalist(), make_editor()
    story = Story.objects.create(
        headline="Шымкентте жаңа мектеп ашылды",
        body=BODY,
        category=make_category(),
        source=make_source("Kazinform"),
        created_by=journalist,
    )
    author, desk = Client(), Client()
    author.force_login(journalist)
    desk.force_login(editor)

    post_form(author, story, _workflow_action="submit")
    post_form(
        desk, story, _workflow_action="request_changes", note="Дереккөзді нақтылаңыз"
    )
    post_form(author, story, headline="Шымкентте жаңа мектеп ашылды (фото)")
    post_form(author, story, _workflow_action="submit")
    post_form(desk, story, _workflow_action="publish")
    assert story.status == Status.PUBLISHED

    cells = what_changed(desk, story)
    assert cells == [
        "Күйі, жариялау уақыты",  # published
        "Күйі",  # submitted again
        "Тақырып",  # the journalist's edit
        "Күйі",  # changes requested
        "Күйі",  # submitted
        "Алғашқы тіркелген өңдеуге дейінгі нұсқа",  # as imported
    ]
    assert not any("body" in c or "source" in c or "мәтін" in c for c in cells)
    assert what_changed(desk, story, "ru")[:3] == [
        "Статус, время публикации",
        "Статус",
        "Заголовок",
    ]


def test_text_tags_and_authors_count_only_when_they_differ():
    story = Story.objects.create(
        headline="Тақырып", body="<p>Бір</p>", category=make_category()
    )
    client = Client()
    client.force_login(make_editor())
    post_form(client, story, body="<p>Екі</p>")
    post_form(client, story)
    cells = what_changed(client, story, "en")
    assert cells[:2] == ["Nothing changed", "Text"]
    versions = list(revisions.versions_of(story))
    same = dict(versions[0].field_dict, tags=[3, 1], authors=[2])
    with translation.override("en"):
        assert revisions.changed_fields(same, dict(same, tags=[1, 3])) == []
        assert revisions.changed_fields(same, dict(same, authors=[])) == ["authors"]


def test_a_restore_says_so_beside_what_it_brought_back():
    story = Story.objects.create(headline="Ескі", category=make_category())
    client = Client()
    client.force_login(make_editor())
    post_form(client, story, headline="Жаңа")
    oldest = revisions.versions_of(story).last()
    client.post(
        reverse("admin:articles_story_restore", args=[story.pk, oldest.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    newest = what_changed(client, story, "en")[0]
    assert newest.startswith("Headline. Restored the version of ")
