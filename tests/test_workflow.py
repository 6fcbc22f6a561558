from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.core import clock
from articles.models import Correction, Status, Story, StoryEvent, StoryNote
from articles.workflow import queues, rules, services

from .factories import (
    make_author,
    make_chief,
    make_editor,
    make_journalist,
    make_story,
    make_user,
)

pytestmark = pytest.mark.django_db

SCHEDULED = rules.SCHEDULED
STATES = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    SCHEDULED,  # published, due tomorrow
    Status.PUBLISHED,
    Status.UNPUBLISHED,
]
ROLES = ["owner", "other_journalist", "editor", "chief", "outsider"]
DESK = {"editor", "chief"}

# The rule, written out by hand: action -> (states it starts from, roles, target).
RULES = {
    "submit": (
        {Status.DRAFT, Status.CHANGES_REQUESTED},
        {"owner", "editor", "chief"},
        Status.IN_REVIEW,
    ),
    "approve": ({Status.IN_REVIEW}, DESK, Status.APPROVED),
    "request_changes": (
        {Status.IN_REVIEW, Status.APPROVED},
        DESK,
        Status.CHANGES_REQUESTED,
    ),
    "publish": ({Status.IN_REVIEW, Status.APPROVED}, DESK, Status.PUBLISHED),
    "schedule": ({Status.IN_REVIEW, Status.APPROVED}, DESK, Status.PUBLISHED),
    "reschedule": ({SCHEDULED}, DESK, Status.PUBLISHED),
    "publish_scheduled": ({SCHEDULED}, DESK, Status.PUBLISHED),
    "unpublish": ({Status.PUBLISHED, SCHEDULED}, DESK, Status.UNPUBLISHED),
    "correct": ({Status.PUBLISHED}, DESK, Status.PUBLISHED),
    "return_to_draft": ({Status.UNPUBLISHED}, DESK, Status.DRAFT),
}
# Who may change a story's words, by state.
EDIT_RULES = {
    "owner": {Status.DRAFT, Status.CHANGES_REQUESTED},
    "other_journalist": set(),
    "editor": set(STATES),
    "chief": set(STATES),
    "outsider": set(),
}


def test_the_rule_table_covers_every_action():
    assert set(RULES) == set(rules.ACTIONS)


def story_in(state, headline="Алматыдағы жаңалық", **fields):
    """Create a story in a workflow state; a scheduled one is due tomorrow."""
    if state == SCHEDULED:
        return make_story(
            headline,
            status=Status.PUBLISHED,
            published_at=timezone.now() + timedelta(days=1),
            **fields,
        )
    return make_story(headline, status=state, **fields)


def stored_status(state):
    return Status.PUBLISHED if state == SCHEDULED else state


def staff_without_role():
    user = make_user()
    user.is_staff = True
    user.save()
    return user


def person(role, owner):
    return {
        "owner": lambda: owner,
        "other_journalist": make_journalist,
        "editor": make_editor,
        "chief": make_chief,
        # Staff, but in no newsroom role.
        "outsider": staff_without_role,
    }[role]()


def snapshot(story):
    story = Story.objects.get(pk=story.pk)
    return (
        story.status,
        story.published_at,
        story.version,
        story.updated_at,
        story.headline,
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(RULES))
@pytest.mark.parametrize("role", ROLES)
def test_role_action_state_matrix(role, action, state):
    owner = make_journalist()
    story = story_in(state, created_by=owner)
    user = person(role, owner)
    sources, roles, target = RULES[action]
    allowed = state in sources and role in roles
    assert (
        [a.name for a in rules.available_actions(user, story)].count(action) == 1
    ) is allowed
    before = snapshot(story)
    kwargs = {"note": "Себебі: дерек тексерілмеген"}
    if action in ("schedule", "reschedule"):
        kwargs["publish_at"] = timezone.now() + timedelta(hours=3)
    if allowed:
        moved = services.story_transition(
            story_id=story.pk, user=user, action=action, **kwargs
        )
        assert moved.status == target
        event = StoryEvent.objects.get(story=story)
        assert (event.actor, event.action, event.from_status, event.to_status) == (
            user,
            action,
            stored_status(state),
            target,
        )
        if action in ("reschedule", "publish_scheduled"):
            # The audit entry names the time it moved from, then the editor's note.
            assert event.note.endswith("\nСебебі: дерек тексерілмеген")
            assert clock.newsroom_time(before[1]).strftime("%H:%M") in event.note
        else:
            assert event.note == "Себебі: дерек тексерілмеген"
        assert Story.objects.get(pk=story.pk).version == before[2] + 1
    else:
        with pytest.raises((PermissionDenied, ValidationError)) as refused:
            services.story_transition(
                story_id=story.pk, user=user, action=action, **kwargs
            )
        assert str(refused.value)
        assert snapshot(story) == before
        assert not StoryEvent.objects.filter(story=story).exists()
        assert not Correction.objects.filter(story=story).exists()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_in_which_state(role, state):
    owner = make_journalist()
    story = story_in(state, "Мәтін", created_by=owner)
    assert rules.can_edit(person(role, owner), story) is (state in EDIT_RULES[role])


def test_credited_author_counts_as_owner():
    journalist = make_journalist()
    author = make_author("Дәурен Сейітқали", user=journalist)
    story = make_story("Бірлескен мақала", created_by=make_journalist())
    story.authors.add(author)
    assert rules.can_edit(journalist, story)
    assert [a.name for a in rules.available_actions(journalist, story)] == ["submit"]


def test_refusal_messages_are_clear():
    journalist = make_journalist()
    story = make_story("Жоба", status=Status.IN_REVIEW, created_by=journalist)
    with pytest.raises(PermissionDenied) as error:
        services.story_transition(story_id=story.pk, user=journalist, action="publish")
    assert str(error.value) == str(
        rules.ERROR_NOT_ALLOWED % {"action": rules.ACTIONS["publish"].label.lower()}
    )
    editor = make_editor()
    with pytest.raises(ValidationError) as error:
        services.story_transition(
            story_id=story.pk, user=editor, action="request_changes", note="  "
        )
    assert error.value.messages == [str(rules.ERROR_NOTE_REQUIRED)]
    with pytest.raises(ValidationError) as error:
        services.story_transition(
            story_id=story.pk,
            user=editor,
            action="schedule",
            publish_at=timezone.now() - timedelta(minutes=1),
        )
    assert error.value.messages == [str(rules.ERROR_TIME_IN_PAST)]
    with pytest.raises(ValidationError):
        services.story_transition(story_id=story.pk, user=editor, action="delete_all")
    assert Story.objects.get(pk=story.pk).status == Status.IN_REVIEW
    assert not StoryEvent.objects.exists()


def test_publish_stamps_now_and_schedule_keeps_the_time():
    editor = make_editor()
    now_story = make_story("Қазір", status=Status.APPROVED)
    later_story = make_story("Кейін", status=Status.APPROVED)
    at = timezone.now() + timedelta(days=1)
    services.story_transition(story_id=now_story.pk, user=editor, action="publish")
    services.story_transition(
        story_id=later_story.pk, user=editor, action="schedule", publish_at=at
    )
    now_story.refresh_from_db()
    later_story.refresh_from_db()
    assert now_story.is_public
    assert later_story.published_at == at
    assert not later_story.is_public
    assert rules.state_of(later_story) == rules.SCHEDULED


def test_scheduled_story_offers_reschedule_publish_now_and_unpublish_only():
    editor = make_editor()
    scheduled = story_in(SCHEDULED)
    live = story_in(Status.PUBLISHED)
    assert [a.name for a in rules.available_actions(editor, scheduled)] == [
        "reschedule",
        "publish_scheduled",
        "unpublish",
    ]
    assert [a.name for a in rules.available_actions(editor, live)] == [
        "unpublish",
        "correct",
    ]
    # The moment it falls due, the scheduled story is a live one.
    later = scheduled.published_at + timedelta(seconds=1)
    assert [a.name for a in rules.available_actions(editor, scheduled, now=later)] == [
        "unpublish",
        "correct",
    ]


def test_reschedule_moves_the_time_and_says_so_in_the_audit():
    editor = make_editor()
    old = datetime(2031, 3, 2, 4, 0, tzinfo=UTC)  # 09:00 in Almaty
    new = datetime(2031, 3, 3, 5, 30, tzinfo=UTC)  # 10:30 in Almaty
    story = make_story("Көшірілетін", status=Status.PUBLISHED, published_at=old)
    moved = services.story_transition(
        story_id=story.pk, user=editor, action="reschedule", publish_at=new
    )
    assert moved.published_at == new
    assert moved.status == Status.PUBLISHED
    assert rules.state_of(Story.objects.get(pk=story.pk)) == SCHEDULED
    event = StoryEvent.objects.get(story=story)
    assert event.note == str(services.NOTE_RESCHEDULED) % {
        "old": "02.03.2031 09:00",
        "new": "03.03.2031 10:30",
        "zone": "Asia/Almaty",
    }


def test_publish_now_puts_a_scheduled_story_out_at_once():
    editor = make_editor()
    story = story_in(SCHEDULED, "Ертеңгі емес, бүгінгі")
    assert not story.is_public
    before = timezone.now()
    services.story_transition(
        story_id=story.pk, user=editor, action="publish_scheduled"
    )
    story.refresh_from_db()
    assert story.is_public
    assert before <= story.published_at <= timezone.now()
    assert story.events.get().action == "publish_scheduled"


@pytest.mark.parametrize(
    ("publish_at", "error"),
    [
        (None, rules.ERROR_TIME_REQUIRED),
        (timedelta(minutes=-1), rules.ERROR_TIME_IN_PAST),
        (timedelta(0), rules.ERROR_TIME_IN_PAST),
    ],
)
def test_reschedule_is_checked_like_schedule(publish_at, error):
    from unittest import mock

    story = story_in(SCHEDULED)
    before = snapshot(story)
    now = timezone.now()
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        pytest.raises(ValidationError) as refused,
    ):
        services.story_transition(
            story_id=story.pk,
            user=make_editor(),
            action="reschedule",
            publish_at=None if publish_at is None else now + publish_at,
        )
    assert refused.value.messages == [str(error)]
    assert snapshot(story) == before
    assert not StoryEvent.objects.exists()


def test_a_story_that_fell_due_can_no_longer_be_rescheduled():
    from unittest import mock

    story = story_in(SCHEDULED)
    before = snapshot(story)
    due = story.published_at
    with mock.patch("django.utils.timezone.now", return_value=due):
        for action in ("reschedule", "publish_scheduled"):
            with pytest.raises(ValidationError) as refused:
                services.story_transition(
                    story_id=story.pk,
                    user=make_editor(),
                    action=action,
                    publish_at=due + timedelta(days=1),
                )
            assert refused.value.messages == [
                str(rules.ERROR_WRONG_STATE)
                % {
                    "status": Status.PUBLISHED.label,
                    "action": rules.ACTIONS[action].label,
                }
            ]
    assert snapshot(story) == before
    assert not StoryEvent.objects.exists()


def test_no_correction_while_nobody_could_read_the_story_yet():
    story = story_in(SCHEDULED)
    with pytest.raises(ValidationError):
        services.story_transition(
            story_id=story.pk, user=make_editor(), action="correct", note="Қате."
        )
    assert not Correction.objects.exists()


def test_unpublishing_a_scheduled_story_cancels_the_schedule():
    story = story_in(SCHEDULED)
    was_due = story.published_at
    services.story_transition(
        story_id=story.pk, user=make_editor(), action="unpublish", note="Кейінге."
    )
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED
    assert story.published_at is None
    assert not story.is_withdrawn
    assert not Story.objects.published(was_due + timedelta(days=1))


def test_correction_is_dated_and_story_stays_published():
    editor = make_editor()
    story = make_story("Түзетілетін", status=Status.PUBLISHED)
    services.story_transition(
        story_id=story.pk, user=editor, action="correct", note="Сан қате болды."
    )
    correction = Correction.objects.get(story=story)
    assert correction.note == "Сан қате болды."
    assert correction.created_at
    assert Story.objects.get(pk=story.pk).is_public


def test_time_typed_by_an_editor_is_read_on_the_almaty_clock():
    typed = datetime(2026, 3, 2, 9, 0)  # noqa: DTZ001 - a wall-clock value, as typed
    aware = clock.parse_newsroom_time(typed)
    assert aware.utcoffset() == timedelta(hours=5)
    assert aware.astimezone(UTC).hour == 4
    assert clock.parse_newsroom_time(aware) == aware


def test_notes_thread_rights():
    owner, other, editor = make_journalist(), make_journalist(), make_editor()
    story = make_story("Жоба", created_by=owner)
    services.story_add_note(story_id=story.pk, user=owner, text="Фотоны кейін қосамын.")
    services.story_add_note(
        story_id=story.pk, user=editor, text="Дерек көзін көрсетіңіз."
    )
    with pytest.raises(PermissionDenied):
        services.story_add_note(story_id=story.pk, user=other, text="Бөтен пікір")
    with pytest.raises(ValidationError):
        services.story_add_note(story_id=story.pk, user=owner, text="   ")
    assert list(StoryNote.objects.values_list("text", flat=True)) == [
        "Фотоны кейін қосамын.",
        "Дерек көзін көрсетіңіз.",
    ]


def test_state_counts_tell_scheduled_from_published():
    make_story("а", status=Status.DRAFT)
    make_story("ә", status=Status.IN_REVIEW)
    make_story("б", status=Status.IN_REVIEW)
    make_story("в", status=Status.PUBLISHED)
    make_story(
        "г",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(hours=1),
    )
    counts = queues.state_counts()
    assert counts == {
        "draft": 1,
        "in_review": 2,
        "changes_requested": 0,
        "approved": 0,
        "published": 1,
        "unpublished": 0,
        "scheduled": 1,
    }


class TestNotifications:
    @pytest.fixture(autouse=True)
    def _mail(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def test_submit_tells_the_editors(self, django_capture_on_commit_callbacks):
        journalist = make_journalist(email="jurnalist@turanews.kz")
        editor = make_editor(email="redaktor@turanews.kz")
        chief = make_chief(email="bas@turanews.kz")
        make_editor(email="")  # no address: skipped
        make_editor(email="old@turanews.kz", is_active=False)
        story = make_story("Жаңа саябақ", created_by=journalist)
        with django_capture_on_commit_callbacks(execute=True):
            services.story_transition(
                story_id=story.pk, user=journalist, action="submit"
            )
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [editor.email, chief.email]
        )
        assert "Жаңа саябақ" in mail.outbox[0].subject
        assert f"/admin/articles/story/{story.pk}/change/" in mail.outbox[0].body

    @pytest.mark.parametrize(
        ("action", "state"),
        [
            ("approve", Status.IN_REVIEW),
            ("request_changes", Status.IN_REVIEW),
            ("publish", Status.APPROVED),
            ("schedule", Status.APPROVED),
            ("reschedule", SCHEDULED),
            ("publish_scheduled", SCHEDULED),
            ("unpublish", Status.PUBLISHED),
            ("unpublish", SCHEDULED),
        ],
    )
    def test_author_hears_about_their_story(
        self, action, state, django_capture_on_commit_callbacks
    ):
        journalist = make_journalist(email="jurnalist@turanews.kz")
        editor = make_editor(email="redaktor@turanews.kz")
        story = story_in(state, "Менің мақалам", created_by=journalist)
        at = timezone.now() + timedelta(hours=2)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.story_transition(
                story_id=story.pk,
                user=editor,
                action=action,
                note="Тақырыпты қысқартыңыз.",
                publish_at=at,
            )
        # The mail, and the cache purge when readers' pages may change.
        assert len(callbacks) == (1 if action in ("approve", "request_changes") else 2)
        assert [m.to for m in mail.outbox] == [["jurnalist@turanews.kz"]]
        message = mail.outbox[0]
        assert "Менің мақалам" in message.subject
        assert "Тақырыпты қысқартыңыз." in message.body
        if action in ("schedule", "reschedule"):
            # The author is told the (new) time on the newsroom's clock.
            local = clock.newsroom_time(at).strftime("%d.%m.%Y %H:%M")
            assert f"{local} (Asia/Almaty)" in message.body
        if state == SCHEDULED and action != "unpublish":
            assert "Published → Published" not in message.body
            assert str(rules.ACTIONS[action].label) in message.body

    def test_nothing_is_sent_when_the_move_is_refused_or_rolled_back(
        self, django_capture_on_commit_callbacks
    ):
        journalist = make_journalist(email="jurnalist@turanews.kz")
        make_editor(email="redaktor@turanews.kz")
        story = make_story("Жоба", status=Status.IN_REVIEW, created_by=journalist)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(PermissionDenied),
        ):
            services.story_transition(
                story_id=story.pk, user=journalist, action="publish"
            )
        assert mail.outbox == []

    def test_nobody_is_told_about_their_own_move(
        self, django_capture_on_commit_callbacks
    ):
        editor = make_editor(email="redaktor@turanews.kz")
        story = make_story("Өз мақалам", status=Status.APPROVED, created_by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            services.story_transition(story_id=story.pk, user=editor, action="publish")
        assert mail.outbox == []
