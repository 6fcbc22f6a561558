"""The hostile-journalist suite: a signed-in journalist attacking as the run did.

Each class is one finding of the attack run; each test failed before the fix.
On every refusal it checks that nothing changed.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.admin.base import ERROR_BAD_FILTER
from articles.ingest.catalog import ERROR_UNKNOWN_CATEGORY, ERROR_UNKNOWN_SOURCE
from articles.models import (
    Category,
    Image,
    Source,
    Status,
    Story,
    StoryEvent,
    StoryNote,
)
from articles.workflow import catalog, rules

from .factories import (
    image_bytes,
    make_author,
    make_category,
    make_journalist,
    make_source,
    make_story,
)
from .security import cast, gif_with_script, login, messages_of, served_safely

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return cast()


def picture(user, caption="Бастапқы жазу"):
    image = catalog.image_create(
        user=user,
        upload=SimpleUploadedFile("p.jpg", image_bytes(size=(200, 120))),
        alt_text="Сурет",
    )
    Image.objects.filter(pk=image.pk).update(caption=caption)
    image.refresh_from_db()
    return image


def snapshot(image):
    image.refresh_from_db()
    return (
        image.caption,
        image.file.name,
        image.version,
        sorted(r.file.name for r in image.renditions.all()),
    )


def image_post(image, **changes):
    data = {
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "expected_version": image.version,
    }
    data.update(changes)
    return data


class TestFinding1EditorUpload:
    def test_script_named_html_comes_back_as_a_gif(self, client, people):
        login(client, people["journalist"])
        response = client.post(
            reverse("editor_image_upload"),
            {"upload": SimpleUploadedFile("report.html", gif_with_script())},
        )
        url = json.loads(response.content)["url"]
        assert url.endswith(".gif")
        # The administrator opening the link gets a picture, not a page.
        login(client, people["administrator"])
        served = client.get(url)
        assert served["Content-Type"] == "image/gif"
        assert served_safely(served)

    def test_a_reader_or_a_role_less_account_cannot_upload(self, client, people):
        for who, status in [("reader", 302), (None, 302)]:
            login(client, people.get(who) if who else None)
            response = client.post(
                reverse("editor_image_upload"),
                {"upload": SimpleUploadedFile("a.jpg", image_bytes())},
            )
            assert response.status_code == status
        assert not Image.objects.exists()


class TestFinding2PublishedPicture:
    """The Journalist role held change_image: a published picture changed live."""

    def test_picture_of_a_colleagues_published_story(self, client, people):
        owner = make_journalist()
        image = picture(owner)
        story = make_story(
            "Жарияланған", status=Status.PUBLISHED, hero_image=image, created_by=owner
        )
        before = snapshot(image)
        login(client, people["journalist"])
        url = reverse("admin:articles_image_change", args=[image.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="caption"' not in page.content.decode()
        assert any(story.headline in m for m in messages_of(page))
        new_file = SimpleUploadedFile("new.jpg", image_bytes(color=(0, 200, 0)))
        response = client.post(
            url, image_post(image, caption="Жалған жазу", file=new_file)
        )
        assert response.status_code == 403
        assert snapshot(image) == before
        assert not StoryEvent.objects.exists()
        public = client.get(story.get_absolute_url()).content.decode()
        assert "Жалған жазу" not in public

    def test_even_when_it_is_also_in_their_own_draft(self, people):
        journalist = people["journalist"]
        image = picture(journalist)
        make_story("Менің жобам", hero_image=image, created_by=journalist)
        make_story("Жарияланған", status=Status.PUBLISHED, hero_image=image)
        before = snapshot(image)
        image.caption = "Өзгерген"
        with pytest.raises(catalog.PermissionDenied) as refused:
            catalog.item_save(obj=image, user=journalist, expected_version=1)
        assert "Жарияланған" in str(refused.value)
        assert snapshot(image) == before

    def test_a_picture_in_the_text_of_a_published_story(self, client, people):
        image = picture(people["editor"])
        make_story(
            "Мәтінде суреті бар",
            status=Status.PUBLISHED,
            body=f'<p>Мәтін</p><img src="{image.file.url}" alt="x">',
        )
        before = snapshot(image)
        login(client, people["journalist"])
        response = client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            image_post(image, caption="Жалған"),
        )
        assert response.status_code == 403
        assert snapshot(image) == before

    def test_their_own_drafts_picture_they_may_change(self, client, people):
        journalist = people["journalist"]
        image = picture(journalist)
        make_story("Жоба", hero_image=image, created_by=journalist)
        login(client, journalist)
        response = client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            image_post(image, caption="Жаңа жазу"),
        )
        assert response.status_code == 302
        image.refresh_from_db()
        assert image.caption == "Жаңа жазу"
        assert image.version == 2

    def test_an_editor_changes_it_and_readers_see_it(
        self, client, people, django_capture_on_commit_callbacks
    ):
        image = picture(people["journalist"])
        story = make_story("Жарияланған", status=Status.PUBLISHED, hero_image=image)
        assert "Бастапқы жазу" in client.get(story.get_absolute_url()).content.decode()
        login(client, people["editor"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:articles_image_change", args=[image.pk]),
                image_post(image, caption="Редактор түзеткен"),
            )
        assert response.status_code == 302
        client.logout()
        assert (
            "Редактор түзеткен" in client.get(story.get_absolute_url()).content.decode()
        )


STORY_FILE = "{category}\n\nЖаңа бөлім туралы\n\nМәтін бірінші абзац.\n\n{source}\n"


class TestFinding3SectionsFromStoryFiles:
    """A story file whose first or last line named a new section or source."""

    def upload(self, client, user, text):
        login(client, user)
        upload = io.BytesIO(text.encode())
        upload.name = "story.txt"
        return client.post(
            reverse("admin:articles_import_stories"), {"files": [upload]}
        )

    @pytest.mark.parametrize(
        ("category", "source", "error"),
        [
            ("Жасырын бөлім", "TuraNews", ERROR_UNKNOWN_CATEGORY),
            ("Экономика", "Жалған агенттік", ERROR_UNKNOWN_SOURCE),
        ],
    )
    def test_journalist_names_an_unknown_one(
        self, client, people, category, source, error
    ):
        make_category("Экономика", slug="ekonomika")
        make_source("TuraNews", slug="turanews")
        before = (Category.objects.count(), Source.objects.count())
        response = self.upload(
            client,
            people["journalist"],
            STORY_FILE.format(category=category, source=source),
        )
        assert response.status_code == 200
        unknown = category if error is ERROR_UNKNOWN_CATEGORY else source
        assert str(error % {"name": unknown}) in response.content.decode()
        assert (Category.objects.count(), Source.objects.count()) == before
        assert not Story.objects.exists()
        sitemap = client.get("/sitemap-categories.xml")
        assert "zhasyryn" not in sitemap.content.decode()

    def test_a_chief_editor_may_create_them(self, client, people):
        self.upload(
            client,
            people["chief"],
            STORY_FILE.format(category="Жаңа бөлім", source="Жаңа агенттік"),
        )
        assert Category.objects.filter(name="Жаңа бөлім").exists()
        assert Source.objects.filter(name="Жаңа агенттік").exists()


class TestFinding4ColleaguesDrafts:
    """Colleagues' drafts and the desk's notes, read through the admin."""

    @pytest.fixture
    def stories(self, people):
        colleague = make_journalist()
        draft = make_story("Әріптестің жобасы", created_by=colleague)
        published = make_story(
            "Жарияланған жаңалық", status=Status.PUBLISHED, created_by=colleague
        )
        for story in (draft, published):
            StoryNote.objects.create(
                story=story, author=people["editor"], text="Ішкі ескерту"
            )
            StoryEvent.objects.create(
                story=story,
                actor=people["editor"],
                action="request_changes",
                from_status=Status.IN_REVIEW,
                to_status=Status.CHANGES_REQUESTED,
                note="Редактордың ішкі пікірі",
            )
        mine = make_story("Менің жобам", created_by=people["journalist"])
        credited = make_story("Бірлескен жоба", created_by=colleague)
        credited.authors.add(make_author("Мен", user=people["journalist"]))
        return draft, published, mine, credited

    def pages(self, story):
        return [
            reverse("admin:articles_story_change", args=[story.pk]),
            reverse("admin:articles_story_history", args=[story.pk]),
            reverse("story_preview", args=[story.pk]),
        ]

    def test_a_colleagues_draft_is_nowhere(self, client, people, stories):
        draft = stories[0]
        login(client, people["journalist"])
        compare = reverse("admin:articles_story_compare", args=[draft.pk]) + "?a=1"
        assert client.get(compare).status_code == 404
        for url in self.pages(draft):
            response = client.get(url, follow=True)
            text = response.content.decode()
            assert "Әріптестің жобасы" not in text, url
            assert "Ішкі ескерту" not in text, url
            assert "ішкі пікірі" not in text, url
        lists = [
            reverse("admin:articles_story_changelist"),
            reverse("admin:articles_story_changelist") + "?q=Әріптестің",
            reverse("admin:articles_story_mine"),
        ]
        for url in lists:
            assert "Әріптестің жобасы" not in client.get(url).content.decode(), url
        found = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": "story",
                "field_name": "translation_of",
                "term": "Әріптестің",
            },
        ).json()["results"]
        assert found == []
        # Editors find it the same way: the search itself works.
        login(client, people["editor"])
        again = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": "story",
                "field_name": "translation_of",
                "term": "Әріптестің",
            },
        ).json()["results"]
        assert [row["text"] for row in again] == ["Әріптестің жобасы"]
        login(client, people["journalist"])
        for url, data in [
            (reverse("admin:articles_story_note", args=[draft.pk]), {"text": "x"}),
            (reverse("admin:articles_story_share", args=[draft.pk]), {}),
        ]:
            assert client.post(url, data).status_code == 404
        assert StoryNote.objects.filter(story=draft).count() == 1

    def test_published_work_is_readable_but_not_its_notes(
        self, client, people, stories
    ):
        published = stories[1]
        login(client, people["journalist"])
        page = client.get(reverse("admin:articles_story_change", args=[published.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert "Жарияланған жаңалық" in text
        assert "Ішкі ескерту" not in text
        assert "ішкі пікірі" not in text
        history = reverse("admin:articles_story_history", args=[published.pk])
        assert history not in text
        assert client.get(history).status_code == 403
        response = client.post(
            reverse("admin:articles_story_note", args=[published.pk]), {"text": "x"}
        )
        assert str(rules.ERROR_NOTE_NOT_ALLOWED) in messages_of(response)
        assert StoryNote.objects.filter(story=published).count() == 1

    def test_own_and_credited_stories_stay_theirs(self, client, people, stories):
        _draft, _published, mine, credited = stories
        login(client, people["journalist"])
        listing = client.get(reverse("admin:articles_story_changelist")).content
        for story in (mine, credited):
            assert story.headline in listing.decode()
            for url in self.pages(story):
                assert client.get(url).status_code == 200, url


class TestFinding9BadInput:
    """NUL bytes and overlong numbers from a journalist's browser."""

    def test_nul_in_a_workflow_note(self, client, people):
        story = make_story("Жоба", created_by=people["journalist"])
        login(client, people["journalist"])
        response = client.post(
            reverse("admin:articles_story_transition", args=[story.pk]),
            {"action": "submit", "note": "бір\x00екі"},
        )
        assert response.status_code == 302
        assert str(rules.ERROR_NOTE_NUL) in messages_of(response)
        assert Story.objects.get(pk=story.pk).status == Status.DRAFT
        assert not StoryEvent.objects.exists()

    def test_nul_in_an_internal_note(self, client, people):
        story = make_story("Жоба", created_by=people["journalist"])
        login(client, people["journalist"])
        response = client.post(
            reverse("admin:articles_story_note", args=[story.pk]),
            {"text": "бір\x00екі"},
        )
        assert str(rules.ERROR_NOTE_NUL) in messages_of(response)
        assert not StoryNote.objects.exists()

    @pytest.mark.parametrize(
        "query",
        ["status=%00", "language=%00", "q=%00", "category__id__exact=%00"],
    )
    def test_nul_in_list_filters(self, client, people, query):
        login(client, people["journalist"])
        url = reverse("admin:articles_story_changelist") + "?" + query
        assert client.get(url).status_code == 400

    def test_nul_in_autocomplete(self, client, people):
        login(client, people["journalist"])
        url = (
            reverse("admin:autocomplete")
            + "?app_label=articles&model_name=story&field_name=tags&term=%00"
        )
        assert client.get(url).status_code == 400

    @pytest.mark.parametrize("field", ["published_at", "created_at"])
    def test_a_forty_digit_year(self, client, people, field):
        login(client, people["administrator"])
        model = "story" if field == "published_at" else "image"
        url = reverse(f"admin:articles_{model}_changelist")
        response = client.get(f"{url}?{field}__year={'9' * 40}", follow=True)
        assert response.status_code == 200
        assert str(ERROR_BAD_FILTER) in [str(m) for m in response.context["messages"]]
