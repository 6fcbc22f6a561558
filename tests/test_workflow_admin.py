"""The workflow as people meet it in the admin: buttons, refusals, locking, versions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.admin.desk import ERROR_BAD_TIME
from articles.core import clock
from articles.models import Status, Story, StoryEvent, StoryNote
from articles.workflow import revisions, rules, services

from .factories import (
    make_author,
    make_category,
    make_chief,
    make_editor,
    make_journalist,
    make_story,
)

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def form_data(story, **changes):
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "dek": story.dek,
        "body": story.body,
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


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def buttons(html):
    return {
        name
        for name in rules.ACTIONS
        if f'value="{name}"' in html and f"workflow-{name}" in html
    }


class TestButtonsPerRole:
    def test_journalist_sees_only_submit_on_own_draft(self, client):
        journalist = make_journalist()
        story = make_story("Менің жобам", created_by=journalist)
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        assert buttons(html) == {"submit"}
        assert 'name="headline"' in html
        assert "Asia/Almaty" not in html or 'name="publish_at"' not in html

    def test_journalist_gets_no_buttons_and_no_form_once_submitted(self, client):
        journalist = make_journalist()
        story = make_story(
            "Жіберілген",
            status=Status.IN_REVIEW,
            created_by=journalist,
            body="<p><strong>Жаңа</strong> мәтін</p>",
        )
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        assert buttons(html) == set()
        assert 'name="headline"' not in html
        # The text is shown laid out, as readers will see it, not as HTML source.
        assert "<strong>Жаңа</strong> мәтін" in html
        assert "&lt;strong&gt;" not in html

    def test_editor_sees_review_buttons_and_the_almaty_clock(self, client):
        editor = make_editor()
        story = make_story("Тексеруде", status=Status.IN_REVIEW)
        client.force_login(editor)
        html = client.get(change_url(story)).content.decode()
        assert buttons(html) == {"approve", "request_changes", "publish", "schedule"}
        assert 'type="datetime-local" name="publish_at"' in html
        assert "Asia/Almaty" in html
        assert "+05:00" in html

    def test_scheduled_time_is_shown_in_almaty(self, client):
        editor = make_editor()
        at = datetime(2031, 3, 2, 4, 0, tzinfo=UTC)
        story = make_story("Жоспарлы", status=Status.PUBLISHED, published_at=at)
        client.force_login(editor)
        html = client.get(change_url(story)).content.decode()
        assert "02.03.2031 09:00" in html
        assert "Asia/Almaty" in html
        assert "status-scheduled" in html

    def test_bulk_actions_offered_per_role(self, client):
        journalist = make_journalist()
        make_story("Тізімде бір жаңалық", created_by=journalist)
        client.force_login(journalist)
        html = client.get(reverse("admin:articles_story_changelist")).content.decode()
        assert 'value="submit_selected"' in html
        assert 'value="publish_selected"' not in html
        assert 'value="approve_selected"' not in html
        client.force_login(make_editor())
        html = client.get(reverse("admin:articles_story_changelist")).content.decode()
        assert 'value="publish_selected"' in html
        assert 'value="approve_selected"' in html

    def test_featured_is_for_editors_only(self, client):
        journalist = make_journalist()
        story = make_story("Басты бетке", created_by=journalist)
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        assert 'name="featured"' not in html
        client.post(change_url(story), form_data(story, featured="on"))
        assert not Story.objects.get(pk=story.pk).featured


class TestServerRefuses:
    """Whatever the browser sends, a journalist cannot go past their role."""

    def test_change_form_post_on_a_story_in_review(self, client):
        journalist = make_journalist()
        story = make_story("Жіберілген", status=Status.IN_REVIEW, created_by=journalist)
        client.force_login(journalist)
        response = client.post(
            change_url(story), form_data(story, headline="Өзгертілген")
        )
        assert response.status_code == 302
        assert str(rules.ERROR_CANNOT_EDIT) in messages_of(response)
        story.refresh_from_db()
        assert story.headline == "Жіберілген"
        assert story.version == 1

    def test_change_form_post_on_someone_elses_story(self, client):
        journalist = make_journalist()
        story = make_story(
            "Бөтен", created_by=make_journalist(), status=Status.PUBLISHED
        )
        client.force_login(journalist)
        response = client.post(change_url(story), form_data(story, headline="Менікі"))
        assert str(rules.ERROR_CANNOT_EDIT) in messages_of(response)
        assert Story.objects.get(pk=story.pk).headline == "Бөтен"

    def test_change_form_post_on_a_colleagues_draft(self, client):
        journalist = make_journalist()
        story = make_story("Бөтен жоба", created_by=make_journalist())
        client.force_login(journalist)
        response = client.post(change_url(story), form_data(story, headline="Менікі"))
        # Not there for them at all: the admin says no such story exists.
        assert response.status_code == 302
        assert not any("Бөтен" in text for text in messages_of(response))
        assert Story.objects.get(pk=story.pk).headline == "Бөтен жоба"

    def test_crafted_post_to_the_transition_url(self, client):
        journalist = make_journalist()
        story = make_story("Жоба", created_by=journalist)
        client.force_login(journalist)
        url = reverse("admin:articles_story_transition", args=[story.pk])
        for action in ["publish", "approve", "schedule", "unpublish", "nonsense"]:
            response = client.post(
                url,
                {"action": action, "note": "x", "publish_at": "2031-01-01T09:00"},
            )
            assert response.status_code == 302
            assert messages_of(response)
        assert Story.objects.get(pk=story.pk).status == Status.DRAFT
        assert not StoryEvent.objects.exists()
        assert client.get(url).status_code == 405

    def test_save_with_a_publish_button_saves_words_but_refuses_the_move(self, client):
        journalist = make_journalist()
        story = make_story("Жоба", created_by=journalist)
        client.force_login(journalist)
        response = client.post(
            change_url(story),
            form_data(story, headline="Жаңа тақырып", _workflow_action="publish"),
        )
        assert response.status_code == 302
        story.refresh_from_db()
        assert story.headline == "Жаңа тақырып"
        assert story.status == Status.DRAFT
        refused = rules.ERROR_NOT_ALLOWED % {
            "action": rules.ACTIONS["publish"].label.lower()
        }
        assert str(refused) in messages_of(response)

    def test_bulk_publish_posted_by_a_journalist(self, client):
        journalist = make_journalist()
        story = make_story("Жоба", status=Status.APPROVED, created_by=journalist)
        client.force_login(journalist)
        client.post(
            reverse("admin:articles_story_changelist"),
            {"action": "publish_selected", "_selected_action": [story.pk]},
        )
        assert Story.objects.get(pk=story.pk).status == Status.APPROVED
        assert not StoryEvent.objects.exists()

    def test_bulk_submit_refuses_other_peoples_stories_by_name(self, client):
        journalist = make_journalist()
        mine = make_story("Менікі", created_by=journalist)
        # Published elsewhere: visible in the list, but not theirs to submit.
        seen = make_story(
            "Басқанікі", created_by=make_journalist(), status=Status.PUBLISHED
        )
        # A colleague's draft is not in their list: it is neither moved nor named.
        hidden = make_story("Құпия жоба", created_by=make_journalist())
        client.force_login(journalist)
        response = client.post(
            reverse("admin:articles_story_changelist"),
            {
                "action": "submit_selected",
                "_selected_action": [mine.pk, seen.pk, hidden.pk],
            },
        )
        texts = messages_of(response)
        assert any("Басқанікі" in t for t in texts)
        assert not any("Құпия" in t for t in texts)
        assert Story.objects.get(pk=mine.pk).status == Status.IN_REVIEW
        assert Story.objects.get(pk=seen.pk).status == Status.PUBLISHED
        assert Story.objects.get(pk=hidden.pk).status == Status.DRAFT

    def test_tampered_urls(self, client):
        journalist = make_journalist()
        theirs = make_story("Бөтен жоба", created_by=make_journalist())
        published = make_story(
            "Бөтен жаңалық", created_by=make_journalist(), status=Status.PUBLISHED
        )
        client.force_login(journalist)
        response = client.post(
            reverse("admin:articles_story_note", args=[published.pk]),
            {"text": "сәлем"},
        )
        assert str(rules.ERROR_NOTE_NOT_ALLOWED) in messages_of(response)
        response = client.post(
            reverse("admin:articles_story_note", args=[theirs.pk]), {"text": "сәлем"}
        )
        assert response.status_code == 404
        assert not StoryNote.objects.exists()
        assert client.get(reverse("story_preview", args=[theirs.pk])).status_code == 403
        response = client.post(reverse("admin:articles_story_share", args=[theirs.pk]))
        assert "share-link" not in " ".join(messages_of(response))
        assert client.get("/admin/articles/story/abc/history/").status_code == 404
        assert (
            client.post(
                reverse("admin:articles_story_transition", args=[99999])
            ).status_code
            == 404
        )

    def test_journalists_cannot_open_the_review_queue(self, client):
        client.force_login(make_journalist())
        assert client.get(reverse("admin:articles_story_queue")).status_code == 403


def scheduled_story(at=None, **fields):
    at = at or timezone.now() + timedelta(days=1)
    return make_story(
        "Жоспарлы жаңалық", status=Status.PUBLISHED, published_at=at, **fields
    )


class TestScheduledStoryInTheAdmin:
    @pytest.mark.parametrize("make_desk", [make_editor, make_chief])
    def test_desk_sees_reschedule_publish_now_and_unpublish(self, client, make_desk):
        at = datetime(2031, 3, 2, 4, 0, tzinfo=UTC)
        story = scheduled_story(at)
        client.force_login(make_desk())
        html = client.get(change_url(story)).content.decode()
        assert buttons(html) == {"reschedule", "publish_scheduled", "unpublish"}
        # The time field starts at the time already set, on the Almaty clock.
        assert 'name="publish_at" value="2031-03-02T09:00"' in html

    def test_desk_sees_unpublish_and_correct_once_it_is_out(self, client):
        client.force_login(make_editor())
        html = client.get(change_url(make_story(status=Status.PUBLISHED))).content
        assert buttons(html.decode()) == {"unpublish", "correct"}

    def test_author_sees_no_buttons_on_their_scheduled_story(self, client):
        journalist = make_journalist()
        story = scheduled_story(created_by=journalist)
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        assert buttons(html) == set()
        assert 'name="publish_at"' not in html

    def test_crafted_posts_from_a_journalist_are_refused(self, client):
        journalist = make_journalist()
        story = scheduled_story(created_by=journalist)
        before = Story.objects.filter(pk=story.pk).values().get()
        client.force_login(journalist)
        url = reverse("admin:articles_story_transition", args=[story.pk])
        for action in ["reschedule", "publish_scheduled", "unpublish"]:
            response = client.post(
                url,
                {"action": action, "note": "x", "publish_at": "2031-01-01T09:00"},
            )
            assert response.status_code == 302
            refused = rules.ERROR_NOT_ALLOWED % {
                "action": rules.ACTIONS[action].label.lower()
            }
            assert messages_of(response)[-1] == str(refused)
        response = client.post(
            change_url(story), form_data(story, _workflow_action="publish_scheduled")
        )
        assert str(rules.ERROR_CANNOT_EDIT) in messages_of(response)
        assert Story.objects.filter(pk=story.pk).values().get() == before
        assert not StoryEvent.objects.exists()

    def test_editor_reschedules_on_the_almaty_clock(self, client):
        story = scheduled_story()
        client.force_login(make_editor())
        local = timezone.localtime(
            timezone.now() + timedelta(days=2), clock.NEWSROOM_TZ
        ).replace(hour=10, minute=30, second=0, microsecond=0)
        response = client.post(
            reverse("admin:articles_story_transition", args=[story.pk]),
            {"action": "reschedule", "publish_at": local.strftime("%Y-%m-%dT%H:%M")},
        )
        story.refresh_from_db()
        assert story.published_at == local
        assert f"{local:%d.%m.%Y} 10:30 (Asia/Almaty)" in messages_of(response)[-1]
        response = client.post(
            reverse("admin:articles_story_transition", args=[story.pk]),
            {"action": "reschedule", "publish_at": ""},
        )
        assert messages_of(response)[-1] == str(rules.ERROR_TIME_REQUIRED)
        assert Story.objects.get(pk=story.pk).published_at == local

    def test_editor_publishes_a_scheduled_story_now_from_the_form(self, client):
        story = scheduled_story()
        client.force_login(make_editor())
        client.post(
            change_url(story),
            form_data(
                story, headline="Дәл қазір", _workflow_action="publish_scheduled"
            ),
        )
        story.refresh_from_db()
        assert story.headline == "Дәл қазір"
        assert story.is_public
        assert client.get(story.get_absolute_url()).status_code == 200


def test_journalist_to_editor_round_trip_through_the_admin(client):
    journalist = make_journalist()
    category = make_category()
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_story_add"),
        {
            "headline": "Шымкентте жаңа мектеп ашылды",
            "slug": "",
            "dek": "Мектеп 1200 оқушыға арналған.",
            "body": "<p>Ғимарат екі жылда салынды.</p>",
            "language": "kk",
            "category": category.pk,
            "source": "",
            "original_url": "",
            "corrections-TOTAL_FORMS": 0,
            "corrections-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.created_by == journalist
    assert story.status == Status.DRAFT
    response = client.post(
        change_url(story), form_data(story, _workflow_action="submit")
    )
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW

    editor_client = Client()
    editor_client.force_login(make_editor())
    queue = editor_client.get(reverse("admin:articles_story_queue")).content.decode()
    assert "Шымкентте жаңа мектеп ашылды" in queue
    editor_client.post(
        reverse("admin:articles_story_transition", args=[story.pk]),
        {"action": "publish"},
    )
    story.refresh_from_db()
    assert story.is_public
    assert client.get(story.get_absolute_url()).status_code == 200
    assert list(
        story.events.order_by("created_at").values_list("action", flat=True)
    ) == [
        "submit",
        "publish",
    ]


def test_scheduling_from_the_admin_reads_almaty_time(client):
    editor = make_editor()
    story = make_story("Ертеңгі жаңалық", status=Status.APPROVED)
    client.force_login(editor)
    local = timezone.localtime(
        timezone.now() + timedelta(days=1), clock.NEWSROOM_TZ
    ).replace(hour=9, minute=0, second=0, microsecond=0)
    client.post(
        reverse("admin:articles_story_transition", args=[story.pk]),
        {"action": "schedule", "publish_at": local.strftime("%Y-%m-%dT%H:%M")},
    )
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.published_at == local
    assert timezone.localtime(story.published_at, clock.NEWSROOM_TZ).hour == 9
    response = client.post(
        reverse(
            "admin:articles_story_transition",
            args=[make_story(status=Status.APPROVED).pk],
        ),
        {"action": "schedule", "publish_at": "ертең таңертең"},
    )
    assert messages_of(response)[-1] == str(ERROR_BAD_TIME)


class TestConcurrentSaves:
    def test_second_save_is_refused_and_shows_the_other_change(self):
        editor_a, editor_b = (
            make_editor(),
            make_editor(first_name="Айгүл", last_name="Бекова"),
        )
        story = make_story(
            "Астанадағы жиын", dek="Алғашқы түйін", body="<p>Бастапқы мәтін.</p>"
        )
        a, b = Client(), Client()
        a.force_login(editor_a)
        b.force_login(editor_b)
        # Both open the form at version 1.
        assert (
            'name="expected_version" value="1"'
            in a.get(change_url(story)).content.decode()
        )
        assert (
            'name="expected_version" value="1"'
            in b.get(change_url(story)).content.decode()
        )
        first = b.post(
            change_url(story),
            form_data(
                story,
                headline="Астанадағы жиын аяқталды",
                body="<p>Бекова түзеткен мәтін.</p>",
            ),
        )
        assert first.status_code == 302
        second = a.post(
            change_url(story), form_data(story, headline="Жиын туралы менің нұсқам")
        )
        assert second.status_code == 200
        html = second.content.decode()
        assert "Айгүл Бекова" in html
        assert 'class="conflict"' in html
        assert "Астанадағы жиын<ins> аяқталды</ins>" in html
        assert "<del>Бастапқы</del><ins>Бекова түзеткен</ins>" in html
        assert "Бекова" in html
        assert "түзеткен" in html
        # What A typed is still in the form, not lost.
        assert "Жиын туралы менің нұсқам" in html
        story.refresh_from_db()
        assert story.headline == "Астанадағы жиын аяқталды"
        assert story.version == 2

    def test_a_workflow_move_in_between_also_counts(self, client):
        journalist = make_journalist()
        story = make_story("Жоба", created_by=journalist)
        client.force_login(journalist)
        data = form_data(story, headline="Кеш сақтау")
        editor = make_editor()
        services.story_transition(story_id=story.pk, user=journalist, action="submit")
        services.story_transition(
            story_id=story.pk, user=editor, action="request_changes", note="Қысқартыңыз"
        )
        response = client.post(change_url(story), data)
        assert response.status_code == 200
        assert Story.objects.get(pk=story.pk).headline == "Жоба"

    def test_lock_refuses_outside_the_admin_too(self):
        from django.db import transaction

        editor = make_editor()
        story = make_story("Бір")
        with transaction.atomic():
            services.story_save(story=story, user=editor, expected_version=1)
        stale = Story.objects.get(pk=story.pk)
        stale.version = 1
        stale.headline = "Ескі нұсқадан"
        with pytest.raises(services.StaleEdit):
            services.story_save(story=stale, user=editor, expected_version=1)
        assert Story.objects.get(pk=story.pk).headline == "Бір"


class TestVersions:
    def test_every_save_keeps_a_version_and_restore_is_a_new_one(self, client):
        editor = make_editor()
        story = make_story(
            "Бірінші тақырып", dek="Бірінші түйін", body="<p>Бірінші мәтін.</p>"
        )
        client.force_login(editor)
        client.post(change_url(story), form_data(story, headline="Екінші тақырып"))
        story.refresh_from_db()
        client.post(
            change_url(story),
            form_data(story, headline="Үшінші тақырып", body="<p>Үшінші мәтін.</p>"),
        )
        story.refresh_from_db()
        versions = list(revisions.versions_of(story))
        # The state before the first edit, and one per save.
        assert [v.field_dict["headline"] for v in versions] == [
            "Үшінші тақырып",
            "Екінші тақырып",
            "Бірінші тақырып",
        ]
        first = versions[-1]
        page = client.get(
            reverse("admin:articles_story_compare", args=[story.pk]),
            {"a": first.pk, "b": versions[0].pk},
        ).content.decode()
        assert "<del>Бірінші</del><ins>Үшінші</ins>" in page
        history = client.get(reverse("admin:articles_story_history", args=[story.pk]))
        assert "Бірінші тақырып" in history.content.decode()

        response = client.post(
            reverse("admin:articles_story_restore", args=[story.pk, first.pk])
        )
        assert response.status_code == 302
        story.refresh_from_db()
        assert story.headline == "Бірінші тақырып"
        assert "Бірінші мәтін" in story.body
        assert story.status == Status.DRAFT
        assert story.version == 4
        versions = list(revisions.versions_of(story))
        assert len(versions) == 4
        assert versions[0].field_dict["headline"] == "Бірінші тақырып"
        assert versions[0].revision.comment

    def test_restore_keeps_status_and_respects_rights(self, client):
        editor = make_editor()
        story = make_story("Ескі", dek="", status=Status.PUBLISHED)
        client.force_login(editor)
        client.post(change_url(story), form_data(story, headline="Жаңа"))
        old = revisions.versions_of(story).last()
        journalist = make_journalist()
        journalist_client = Client()
        journalist_client.force_login(journalist)
        response = journalist_client.post(
            reverse("admin:articles_story_restore", args=[story.pk, old.pk])
        )
        assert str(rules.ERROR_CANNOT_EDIT) in messages_of(response)
        assert Story.objects.get(pk=story.pk).headline == "Жаңа"
        client.post(reverse("admin:articles_story_restore", args=[story.pk, old.pk]))
        story.refresh_from_db()
        assert story.headline == "Ескі"
        assert story.is_public

    def test_a_version_of_another_story_is_refused(self, client):
        editor = make_editor()
        one, two = make_story("Бір"), make_story("Екі")
        client.force_login(editor)
        client.post(change_url(two), form_data(two, headline="Екі!"))
        foreign = Version.objects.get_for_object(two).first()
        response = client.post(
            reverse("admin:articles_story_restore", args=[one.pk, foreign.pk])
        )
        assert str(revisions.ERROR_WRONG_VERSION) in messages_of(response)
        assert Story.objects.get(pk=one.pk).headline == "Бір"


class TestQueues:
    def _submitted(self, headline, minutes_ago, journalist):
        story = make_story(headline, created_by=journalist)
        services.story_transition(story_id=story.pk, user=journalist, action="submit")
        StoryEvent.objects.filter(story=story).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        return story

    def test_review_queue_oldest_first(self, client):
        journalist = make_journalist()
        journalist.author = make_author("Ерлан Нұрланұлы", user=journalist)
        self._submitted("Жаңарақ", 5, journalist).authors.add(journalist.author)
        self._submitted("Ең ескі", 3 * 24 * 60, journalist)
        self._submitted("Ортаңғы", 120, journalist)
        make_story("Жоба ғана", created_by=journalist)
        client.force_login(make_editor())
        html = client.get(
            reverse("admin:articles_story_queue"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert html.index("Ең ескі") < html.index("Ортаңғы") < html.index("Жаңарақ")
        assert "Жоба ғана" not in html
        assert "3 days" in html
        assert "2 hours" in html
        assert "Ерлан Нұрланұлы" in html

    @pytest.mark.parametrize(
        "url_name", ["admin:articles_story_queue", "admin:articles_story_mine"]
    )
    def test_queue_pages_have_a_fixed_query_budget(
        self, client, url_name, django_assert_max_num_queries
    ):
        journalist = make_journalist()
        client.force_login(make_editor() if url_name.endswith("queue") else journalist)
        counts = []
        for size in (2, 25):
            while Story.objects.count() < size:
                self._submitted(f"Жаңалық {Story.objects.count()}", 10, journalist)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(url_name)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
        with django_assert_max_num_queries(12):
            client.get(reverse(url_name))

    def test_my_stories_show_the_editors_latest_note(self, client):
        journalist, editor = make_journalist(), make_editor()
        story = make_story("Менің мақалам", created_by=journalist)
        make_story("Басқа адамдікі", created_by=make_journalist())
        services.story_transition(story_id=story.pk, user=journalist, action="submit")
        services.story_transition(
            story_id=story.pk,
            user=editor,
            action="request_changes",
            note="Дереккөзді қосыңыз",
        )
        client.force_login(journalist)
        html = client.get(reverse("admin:articles_story_mine")).content.decode()
        assert "Менің мақалам" in html
        assert "Басқа адамдікі" not in html
        assert "Дереккөзді қосыңыз" in html
        assert "status-changes_requested" in html
        services.story_add_note(story_id=story.pk, user=editor, text="Сурет те керек")
        services.story_add_note(story_id=story.pk, user=journalist, text="Жарайды")
        html = client.get(reverse("admin:articles_story_mine")).content.decode()
        assert "Сурет те керек" in html
        assert "Жарайды" not in html

    def test_admin_home_counts_stories_per_state(self, client):
        make_story("а", status=Status.IN_REVIEW)
        make_story("ә", status=Status.IN_REVIEW)
        make_story(
            "б",
            status=Status.PUBLISHED,
            published_at=timezone.now() + timedelta(days=1),
        )
        client.force_login(make_editor())
        html = client.get(reverse("admin:index")).content.decode()
        assert 'data-state="in_review">2<' in html
        assert 'data-state="scheduled">1<' in html
        assert 'data-state="published">0<' in html
        assert reverse("admin:articles_story_queue") in html
        scheduled = client.get(
            reverse("admin:articles_story_changelist") + "?timing=scheduled"
        )
        assert scheduled.status_code == 200
        assert "б" in scheduled.content.decode()


class TestNotesInTheAdmin:
    def test_thread_on_the_change_form(self, client):
        journalist, editor = make_journalist(), make_editor()
        story = make_story("Жоба", created_by=journalist)
        client.force_login(editor)
        client.post(
            reverse("admin:articles_story_note", args=[story.pk]),
            {"text": "Тақырыпты өзгертіңіз"},
        )
        client.force_login(journalist)
        html = client.get(change_url(story)).content.decode()
        assert "Тақырыпты өзгертіңіз" in html
        assert 'id="notes"' in html
        response = client.post(
            reverse("admin:articles_story_note", args=[story.pk]), {"text": ""}
        )
        assert str(rules.ERROR_NOTE_EMPTY) in messages_of(response)
        assert StoryNote.objects.count() == 1


class TestChiefEditor:
    def test_chief_manages_the_newsroom_lists(self, client):
        client.force_login(make_chief())
        for name in ["category", "source", "author"]:
            assert client.get(reverse(f"admin:articles_{name}_add")).status_code == 200
        assert client.get(reverse("admin:accounts_user_add")).status_code == 200
        client.force_login(make_editor())
        for name in ["category", "source", "author"]:
            assert client.get(reverse(f"admin:articles_{name}_add")).status_code == 403
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403

    def test_chief_gives_roles_but_not_superuser_powers(self, client):
        from django.contrib.auth.models import Group

        from articles.workflow import roles

        chief = make_chief()
        journalist = make_journalist()
        client.force_login(chief)
        html = client.get(
            reverse("admin:accounts_user_change", args=[journalist.pk])
        ).content.decode()
        assert 'name="is_superuser"' not in html
        assert 'name="user_permissions"' not in html
        editor_group = Group.objects.get(name=roles.EDITOR)
        response = client.post(
            reverse("admin:accounts_user_change", args=[journalist.pk]),
            {
                "username": journalist.username,
                "email": "",
                "first_name": "",
                "last_name": "",
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                "groups": [editor_group.pk],
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "01.01.2026",
                "date_joined_1": "10:00:00",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        journalist.refresh_from_db()
        assert not journalist.is_superuser
        assert list(journalist.groups.values_list("name", flat=True)) == [roles.EDITOR]


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_one_is_refused():
    """Two real transactions racing on the same version: the row lock decides."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("Row locks across connections need PostgreSQL.")
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    editor_a, editor_b = make_editor(), make_editor()
    story = make_story("Жарыс", dek="")
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                mine = Story.objects.get(pk=story.pk)
                mine.headline = "Бірінші сақтады"
                services.story_save(story=mine, user=editor_a, expected_version=1)
                first_holds_lock.set()
                release_first.wait(10)
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            first_holds_lock.wait(10)
            mine = Story.objects.get(pk=story.pk)
            mine.headline = "Екінші сақтады"
            mine.version = 1
            try:
                services.story_save(story=mine, user=editor_b, expected_version=1)
                outcome["second"] = "saved"
            except services.StaleEdit:
                outcome["second"] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds_lock.wait(10)
    # The second save is now waiting on the row lock; let the first commit.
    threading.Timer(0.5, release_first.set).start()
    for thread in threads:
        thread.join(20)
    assert outcome == {"first": "saved", "second": "refused"}
    story.refresh_from_db()
    assert story.headline == "Бірінші сақтады"
    assert story.version == 2
