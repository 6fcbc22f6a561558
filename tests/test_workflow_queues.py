"""What a journalist sees first: the editor's note on the form, their own counts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status, StoryEvent
from articles.workflow import queues, services

from .factories import (
    make_author,
    make_editor,
    make_journalist,
    make_story,
)

pytestmark = pytest.mark.django_db

NOTE = "Дереккөзді нақтылаңыз: министрліктің хабарламасына сілтеме қосыңыз."


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def counts_on_home(client):
    html = client.get(reverse("admin:index")).content.decode()
    return {
        state: int(n) for state, n in re.findall(r'data-state="(\w+)">(\d+)<', html)
    }, html


def sent_back(journalist, editor, headline="Менің мақалам", note=NOTE):
    story = make_story(headline, created_by=journalist)
    services.story_transition(story_id=story.pk, user=journalist, action="submit")
    services.story_transition(
        story_id=story.pk, user=editor, action="request_changes", note=note
    )
    return story


class TestEditorNoteOnTheForm:
    def test_journalist_sees_the_note_who_and_when_above_the_form(self, client):
        journalist = make_journalist()
        editor = make_editor(first_name="Данияр", last_name="Сейітов")
        story = sent_back(journalist, editor, note="Ескі ескерту")
        services.story_transition(story_id=story.pk, user=journalist, action="submit")
        services.story_transition(
            story_id=story.pk, user=editor, action="request_changes", note=NOTE
        )
        StoryEvent.objects.filter(story=story).update(
            created_at=datetime(2026, 3, 1, 4, 30, tzinfo=UTC)
        )
        StoryEvent.objects.filter(story=story, note=NOTE).update(
            created_at=datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
        )
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        box = html[html.index('class="editor-note"') :]
        box = box[: box.index("</section>")]
        assert NOTE in box
        assert "Ескі ескерту" not in box
        assert "Данияр Сейітов" in box
        assert "02.03.2026 09:30 (Asia/Almaty)" in box  # UTC+5
        # Above the story form, not under it.
        assert html.index('class="editor-note"') < html.index('id="story_form"')

    def test_no_note_once_resubmitted_or_before_any_request(self, client):
        journalist, editor = make_journalist(), make_editor()
        story = sent_back(journalist, editor)
        draft = make_story("Жоба", created_by=journalist)
        services.story_transition(story_id=story.pk, user=journalist, action="submit")
        client.force_login(journalist)
        for shown in (story, draft):
            assert (
                'class="editor-note"'
                not in client.get(change_url(shown)).content.decode()
            )
        client.force_login(editor)
        assert (
            'class="editor-note"' not in client.get(change_url(story)).content.decode()
        )

    def test_editor_sees_the_same_note(self, client):
        journalist, editor = make_journalist(), make_editor()
        story = sent_back(journalist, editor)
        client.force_login(make_editor())
        assert NOTE in client.get(change_url(story)).content.decode()


class TestHomeCounts:
    def test_journalist_counts_only_their_own_stories(self, client):
        journalist, other, editor = make_journalist(), make_journalist(), make_editor()
        author = make_author("Гүлнар Әбенова", user=journalist)
        sent_back(journalist, editor)
        sent_back(other, editor, "Басқаның мақаласы")
        sent_back(other, editor, "Тағы біреуі")
        credited = make_story(
            "Бірге жазылған", created_by=other, status=Status.IN_REVIEW
        )
        credited.authors.add(author)
        make_story("Шықты", status=Status.PUBLISHED, created_by=other)
        make_story(
            "Ертең",
            status=Status.PUBLISHED,
            published_at=timezone.now() + timedelta(days=1),
            created_by=journalist,
        )

        client.force_login(journalist)
        counts, html = counts_on_home(client)
        assert counts["changes_requested"] == 1
        assert counts["in_review"] == 1
        assert counts["scheduled"] == 1
        assert counts["published"] == 0
        assert "Менің жаңалықтарым күйі бойынша" in html  # "My stories by status"
        mine = reverse("admin:articles_story_mine")
        assert f'href="{mine}?state=changes_requested"' in html

        client.force_login(editor)
        counts, _html = counts_on_home(client)
        assert counts["changes_requested"] == 3
        assert counts["in_review"] == 1
        assert counts["published"] == 1

    def test_the_count_links_to_those_very_stories(self, client):
        journalist, editor = make_journalist(), make_editor()
        sent_back(journalist, editor)
        make_story("Жоба ғана", created_by=journalist)
        sent_back(make_journalist(), editor, "Басқаның мақаласы")
        client.force_login(journalist)
        mine = reverse("admin:articles_story_mine")
        html = client.get(f"{mine}?state=changes_requested").content.decode()
        assert "Менің мақалам" in html
        assert "Жоба ғана" not in html
        assert "Басқаның мақаласы" not in html
        response = client.get(f"{mine}?state=<script>")
        assert response.status_code == 200
        assert "Жоба ғана" in response.content.decode()
        assert "&lt;script&gt;" not in response.content.decode()

    def test_counts_cost_one_query_whatever_the_role(self, django_assert_num_queries):
        journalist = make_journalist()
        make_story("а", created_by=journalist, status=Status.IN_REVIEW)
        with django_assert_num_queries(1):
            counts = queues.state_counts(user=journalist)
        assert counts["in_review"] == 1


def test_home_page_query_budget(client, django_assert_max_num_queries):
    journalist, editor = make_journalist(), make_editor()
    client.force_login(journalist)
    for size in (1, 20):
        while journalist.stories_created.count() < size:
            sent_back(
                journalist,
                editor,
                f"Мақала {size}-{journalist.stories_created.count()}",
            )
        with django_assert_max_num_queries(12):
            assert client.get(reverse("admin:index")).status_code == 200
