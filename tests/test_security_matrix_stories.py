"""The matrix's cells for stories, notes, history, imports and staff accounts.

Each role walks the admin's paths (list, change page, crafted POSTs to the form
and to the workflow's URLs, bulk actions, preview, autocomplete, the import
page) against a colleague's stories; a journalist also against their own. The
expected answers come from test_security_matrix.EXPECTED, written by hand.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import ImportedItem, ImportKind, Status, Story, StoryNote

from .factories import make_category, make_journalist, make_story
from .security import cast, login
from .test_security_matrix import EXPECTED, STAFF, J
from .test_workflow_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return cast()


@pytest.fixture
def desk():
    """A colleague's stories in the states the cells act on."""
    colleague = make_journalist(username="colleague")
    category = make_category("Қоғам", slug="qogam")

    def story(headline, status=Status.DRAFT):
        return make_story(
            headline, status=status, category=category, created_by=colleague
        )

    stories = {
        "draft": story("Әріптес жобасы"),
        "spare": story("Әріптес екінші жобасы"),
        "review": story("Қаралуда", Status.IN_REVIEW),
        "approved": story("Мақұлданған", Status.APPROVED),
        "published": story("Жарияланған", Status.PUBLISHED),
    }
    StoryNote.objects.create(
        story=stories["published"], author=colleague, text="Әріптестің ескертуі"
    )
    return stories


def may(kind, action, role):
    return role in EXPECTED[(kind, action)]


def state(story):
    story.refresh_from_db()
    return story.headline, story.status, story.version


def change(client, story, **changes):
    return client.post(
        reverse("admin:articles_story_change", args=[story.pk]),
        form_data(story, **changes),
    )


def move(client, story, action, note=""):
    return client.post(
        reverse("admin:articles_story_transition", args=[story.pk]),
        {"action": action, "note": note},
    )


def bulk(client, action, *stories):
    return client.post(
        reverse("admin:articles_story_changelist"),
        {"action": action, "_selected_action": [s.pk for s in stories], "post": "yes"},
    )


@pytest.mark.parametrize("role", STAFF)
def test_story_cells_on_a_colleagues_stories(client, people, desk, role):
    login(client, people[role])
    draft, published = desk["draft"], desk["published"]
    # view: the list, the search, the change page, autocomplete.
    listing = client.get(reverse("admin:articles_story_changelist")).content.decode()
    assert (draft.headline in listing) is may("story", "view", role)
    assert published.headline in listing  # the desk's published work: everyone
    page = client.get(reverse("admin:articles_story_change", args=[draft.pk]))
    assert (page.status_code == 200) is may("story", "view", role)
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "story",
            "field_name": "translation_of",
            "term": "Әріптес",
        },
    ).json()["results"]
    texts = [row["text"] for row in found]
    assert ("Әріптес жобасы" in texts) is may("story", "view", role)
    # preview, history, notes.
    preview = client.get(reverse("story_preview", args=[draft.pk]))
    assert (preview.status_code == 200) is may("story", "preview", role)
    history = client.get(reverse("admin:articles_story_history", args=[published.pk]))
    assert (history.status_code == 200) is may("history", "view", role)
    page = client.get(reverse("admin:articles_story_change", args=[published.pk]))
    assert ("Әріптестің ескертуі" in page.content.decode()) is may("note", "view", role)
    client.post(
        reverse("admin:articles_story_note", args=[published.pk]), {"text": "Жаңа"}
    )
    assert StoryNote.objects.filter(text="Жаңа").exists() is may("note", "add", role)
    # change: a crafted POST of the form.
    before = state(draft)
    change(client, draft, headline="Басып кірген")
    changed = state(draft)[0] == "Басып кірген"
    assert changed is may("story", "change", role)
    if not changed:
        assert state(draft) == before
    # submit, review, publish: the workflow's URL and the bulk actions.
    move(client, draft, "submit")
    assert (state(draft)[1] == Status.IN_REVIEW) is may("story", "submit", role)
    move(client, desk["review"], "approve")
    approved = state(desk["review"])[1] == Status.APPROVED
    assert approved is may("story", "review", role)
    bulk(client, "publish_selected", desk["approved"])
    published_now = state(desk["approved"])[1] == Status.PUBLISHED
    assert published_now is may("story", "publish", role)
    # delete: never a published story; a draft by the form and in bulk.
    client.post(
        reverse("admin:articles_story_delete", args=[published.pk]), {"post": "yes"}
    )
    assert Story.objects.filter(pk=published.pk).exists()
    bulk(client, "delete_selected", desk["spare"])
    deleted = not Story.objects.filter(pk=desk["spare"].pk).exists()
    assert deleted is may("story", "delete", role)


def test_a_journalists_own_story_cells(client, people):
    journalist = people["journalist"]
    mine = make_story("Менің жобам", created_by=journalist)
    StoryNote.objects.create(story=mine, author=people["editor"], text="Маған ескерту")
    login(client, journalist)
    page = client.get(reverse("admin:articles_story_change", args=[mine.pk]))
    assert page.status_code == 200
    assert "Маған ескерту" in page.content.decode()
    history = reverse("admin:articles_story_history", args=[mine.pk])
    assert client.get(history).status_code == 200
    assert client.get(reverse("story_preview", args=[mine.pk])).status_code == 200
    change(client, mine, headline="Менің түзетілген жобам")
    assert state(mine)[0] == "Менің түзетілген жобам"
    client.post(reverse("admin:articles_story_note", args=[mine.pk]), {"text": "Жауап"})
    assert StoryNote.objects.filter(story=mine, text="Жауап").exists()
    bulk(client, "delete_selected", mine)
    assert Story.objects.filter(pk=mine.pk).exists()
    move(client, mine, "submit")
    assert state(mine)[1] == Status.IN_REVIEW
    # In review it is the desk's: no more changes from its author.
    change(client, mine, headline="Кеш түзету")
    assert state(mine)[0] == "Менің түзетілген жобам"


@pytest.mark.parametrize("role", STAFF)
def test_import_and_account_cells(client, people, desk, role):
    login(client, people[role])
    upload = client.get(reverse("admin:articles_import_stories"))
    assert (upload.status_code == 200) is may("import", "add", role)
    offers = 'name="publish"' in upload.content.decode()
    assert offers is may("import", "publish", role)
    record = ImportedItem.objects.create(
        kind=ImportKind.FILE, key=f"file:{role}", story=desk["published"]
    )
    listing = client.get(reverse("admin:articles_importeditem_changelist"))
    assert (listing.status_code == 200) is may("import", "view", role)
    client.post(
        reverse("admin:articles_importeditem_delete", args=[record.pk]),
        {"post": "yes"},
    )
    gone = not ImportedItem.objects.filter(pk=record.pk).exists()
    assert gone is may("import", "delete", role)
    users = client.get(reverse("admin:accounts_user_changelist"))
    assert (users.status_code == 200) is may("user", "view", role)
    adding = client.get(reverse("admin:accounts_user_add"))
    assert (adding.status_code == 200) is may("user", "add", role)
    colleague = get_user_model().objects.get(username="colleague")
    client.post(
        reverse("admin:accounts_user_delete", args=[colleague.pk]), {"post": "yes"}
    )
    exists = get_user_model().objects.filter(pk=colleague.pk).exists()
    assert exists is not may("user", "delete", role)


def test_a_journalist_is_told_nothing_about_a_colleagues_draft(client, people, desk):
    """Refusals on hidden stories are 404s: not even their existence shows."""
    login(client, people[J])
    draft = desk["draft"]
    for url in [
        reverse("admin:articles_story_history", args=[draft.pk]),
        reverse("admin:articles_story_compare", args=[draft.pk]) + "?a=1",
    ]:
        assert client.get(url).status_code == 404
    for url in [
        reverse("admin:articles_story_transition", args=[draft.pk]),
        reverse("admin:articles_story_note", args=[draft.pk]),
        reverse("admin:articles_story_share", args=[draft.pk]),
        reverse("admin:articles_story_restore", args=[draft.pk, 1]),
    ]:
        assert client.post(url, {"action": "submit", "text": "x"}).status_code == 404
    assert state(draft)[1] == Status.DRAFT
