"""Per-story Latin spellings: edited in the story form, kept in its versions."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from articles.core.latin import ERROR_OVERRIDE_LINE
from articles.models import Story
from articles.workflow import revisions

from .factories import make_editor, make_story
from .test_workflow_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def test_an_editor_sets_overrides_and_the_history_shows_them(client):
    editor = make_editor()
    story = make_story("Самсунг жаңа зауыт ашты", dek="Самсунг туралы")
    client.force_login(editor)
    response = client.post(
        change_url(story), form_data(story, latin_overrides="Самсунг = Samsung")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.latin_overrides == "Самсунг = Samsung"
    page = client.get(change_url(story)).content.decode()
    assert "Samsung jaña zauyt aşty" in page  # the preview of the Latin headline

    client.post(
        change_url(story),
        form_data(story, latin_overrides="Самсунг = SAMSUNG\nАпл = Apple"),
    )
    story.refresh_from_db()
    versions = list(revisions.versions_of(story))
    assert [v.field_dict.get("latin_overrides") for v in versions[:2]] == [
        "Самсунг = SAMSUNG\nАпл = Apple",
        "Самсунг = Samsung",
    ]
    compared = client.get(
        reverse("admin:articles_story_compare", args=[story.pk]),
        {"a": versions[1].pk, "b": versions[0].pk},
    ).content.decode()
    assert "<del>Samsung</del><ins>SAMSUNG" in compared
    assert "Apple" in compared
    history = client.get(reverse("admin:articles_story_history", args=[story.pk]))
    with translation.override("kk"):
        label = str(Story._meta.get_field("latin_overrides").verbose_name)
    assert f'<td class="version-changes">{label}</td>' in history.content.decode()


def test_restoring_a_version_brings_its_overrides_back(client):
    editor = make_editor()
    story = make_story("Самсунг", latin_overrides="Самсунг = Samsung")
    client.force_login(editor)
    client.post(change_url(story), form_data(story, latin_overrides=""))
    story.refresh_from_db()
    assert story.latin_overrides == ""
    oldest = revisions.versions_of(story).last()
    client.post(reverse("admin:articles_story_restore", args=[story.pk, oldest.pk]))
    story.refresh_from_db()
    assert story.latin_overrides == "Самсунг = Samsung"


@pytest.mark.parametrize(
    ("text", "line"),
    [("Самсунг Samsung", 1), ("Абай = Abai\nСамсунг =", 2), ("= Samsung", 1)],
)
def test_an_unreadable_line_is_refused_with_its_number(client, text, line):
    editor = make_editor()
    story = make_story("Самсунг", dek="Бұрынғы")
    client.force_login(editor)
    response = client.post(
        change_url(story),
        form_data(story, dek="Жаңа түйін", latin_overrides=text),
    )
    assert response.status_code == 200
    with translation.override("kk"):
        message = str(ERROR_OVERRIDE_LINE) % {"line": line, "chars": 100, "count": 200}
    assert escape(message) in response.content.decode()
    stored = Story.objects.get(pk=story.pk)
    assert stored.dek == "Бұрынғы"
    assert stored.latin_overrides == ""
