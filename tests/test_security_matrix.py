"""The capability matrix, cell by cell, on every path of the admin.

The expected table is written out here by hand, apart from the code's matrix
(``workflow.rules.CAPABILITIES``): the first tests compare the two, the others
walk each object of the catalogue through its paths (list, form, crafted POST,
bulk action) as every role, and on refusal check that nothing changed.
Stories, notes, history and imports are walked in test_security_matrix_stories.
"""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import (
    Author,
    Category,
    Image,
    Source,
    SourceFeed,
    Status,
    StoryRedirect,
    Tag,
)
from articles.workflow import roles, rules

from .factories import image_bytes, make_image, make_journalist, make_story
from .security import cast, login

pytestmark = pytest.mark.django_db

J, E, C, A = "journalist", "editor", "chief", "administrator"
STAFF = [J, E, C, A]
EVERYONE = set(STAFF)
DESK = {E, C, A}
CHIEFS = {C, A}
ROLE_OF = {
    J: rules.JOURNALIST,
    E: rules.EDITOR,
    C: rules.CHIEF_EDITOR,
    A: rules.ADMINISTRATOR,
}

# Who may take each action on *any* object of a kind (a colleague's, a published
# one); "own" scopes are checked with objects of the user's own further down.
EXPECTED = {
    ("story", "view"): DESK,
    ("story", "add"): EVERYONE,
    ("story", "change"): DESK,
    ("story", "delete"): CHIEFS,
    ("story", "submit"): DESK,
    ("story", "review"): DESK,
    ("story", "publish"): DESK,
    ("story", "preview"): DESK,
    ("note", "view"): DESK,
    ("note", "add"): DESK,
    ("history", "view"): DESK,
    ("image", "view"): EVERYONE,
    ("image", "add"): EVERYONE,
    ("image", "change"): DESK,
    ("image", "delete"): CHIEFS,
    **{
        (kind, action): EVERYONE if action == "view" else CHIEFS
        for kind in ("category", "source", "author")
        for action in ("view", "add", "change", "delete")
    },
    ("tag", "view"): EVERYONE,
    ("tag", "add"): EVERYONE,
    ("tag", "change"): DESK,
    ("tag", "delete"): CHIEFS,
    ("redirect", "view"): DESK,
    ("redirect", "add"): CHIEFS,
    ("redirect", "change"): CHIEFS,
    ("redirect", "delete"): CHIEFS,
    ("feed", "view"): DESK,
    ("feed", "add"): CHIEFS,
    ("feed", "change"): CHIEFS,
    ("feed", "delete"): CHIEFS,
    ("import", "add"): EVERYONE,
    ("import", "publish"): CHIEFS,
    ("import", "view"): {A},
    ("import", "delete"): {A},
    ("apikey", "view"): CHIEFS,
    ("apikey", "add"): CHIEFS,
    ("apikey", "change"): CHIEFS,
    ("apikey", "delete"): CHIEFS,
    ("user", "view"): CHIEFS,
    ("user", "add"): CHIEFS,
    ("user", "change"): CHIEFS,
    ("user", "delete"): {A},
}
# What a journalist may do to what is theirs (own scope), by the same cells.
OWN = {
    ("story", "view"),
    ("story", "change"),
    ("story", "submit"),
    ("story", "preview"),
    ("note", "view"),
    ("note", "add"),
    ("history", "view"),
    ("image", "change"),
}


@pytest.fixture
def people():
    return cast()


def test_the_matrix_is_the_table(people):
    assert set(rules.CAPABILITIES) == set(EXPECTED)
    colleague = make_journalist()
    others = {
        "story": make_story("Әріптестікі", created_by=colleague),
        "note": make_story("Әріптестікі 2", created_by=colleague),
        "history": make_story("Әріптестікі 3", created_by=colleague),
        "image": make_image(uploaded_by=colleague),
    }
    for (kind, action), may in EXPECTED.items():
        for name in STAFF:
            user = people[name]
            target = others.get(kind)
            anyone = rules.allowed(user, kind, action, target)
            assert anyone is (name in may), (kind, action, name)
            some = rules.allowed(user, kind, action)
            assert some is (name in may or (name == J and (kind, action) in OWN))


def test_nobody_outside_the_staff_holds_a_right(people):
    for user in (people["reader"], make_journalist(is_active=False)):
        for kind, action in EXPECTED:
            granted = rules.scope(user, kind, action)
            assert granted in (None, rules.PUBLIC, rules.ANY), (kind, action)
            if granted == rules.ANY:
                assert action == "view"
                assert kind in {
                    "category",
                    "source",
                    "author",
                    "tag",
                }


def test_a_stronger_role_never_loses_a_right():
    for cell, scopes in rules.CAPABILITIES.items():
        staff = scopes[1:]
        for weaker, stronger in itertools.pairwise(staff):
            assert not (weaker is not None and stronger is None), cell


def test_the_role_groups_hold_exactly_what_the_matrix_implies():
    for role, group in rules.ROLE_GROUPS.items():
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=group).permissions.all()
        }
        assert held == set(roles.role_permissions(role)), group
    journalist = set(roles.role_permissions(rules.JOURNALIST))
    assert "articles.edit_any_story" not in journalist
    assert "articles.add_category" not in journalist
    assert "articles.change_image" in journalist  # for their own pictures only


# --- the catalogue, through the admin ---------------------------------------


class Kind:
    """One model of the catalogue: its admin name, a row, and form data."""

    def __init__(self, model, make, data, changed):
        self.model, self.make, self.data, self.changed = model, make, data, changed
        self.name = model._meta.model_name

    def url(self, view, *args):
        return reverse(f"admin:articles_{self.name}_{view}", args=args)


_n = itertools.count(1)


def _category():
    return Category.objects.create(name="Бөлім", slug=f"bolim-{next(_n)}")


def _source():
    return Source.objects.create(name="Агенттік", slug=f"agenttik-{next(_n)}")


def _feed():
    return SourceFeed.objects.create(
        source=_source(), url=f"https://example.kz/{next(_n)}.rss"
    )


def _redirect():
    story = make_story("Ескі", status=Status.PUBLISHED)
    return StoryRedirect.objects.create(old_path=f"/old/{next(_n)}/", story=story)


KINDS = {
    "category": Kind(
        Category,
        _category,
        lambda o: {"name": "Жаңа бөлім", "slug": f"zhana-{next(_n)}", "position": 0},
        lambda o: o.name == "Жаңа бөлім",
    ),
    "source": Kind(
        Source,
        _source,
        lambda o: {"name": "Жаңа агенттік", "slug": f"zhana-{next(_n)}"},
        lambda o: o.name == "Жаңа агенттік",
    ),
    "author": Kind(
        Author,
        lambda: Author.objects.create(name="Автор", slug=f"avtor-{next(_n)}"),
        lambda o: {"name": "Жаңа автор", "slug": f"zhana-{next(_n)}"},
        lambda o: o.name == "Жаңа автор",
    ),
    "tag": Kind(
        Tag,
        lambda: Tag.objects.create(name=f"тег {next(_n)}"),
        lambda o: {"name": f"жаңа тег {next(_n)}", "slug": f"zhana-{next(_n)}"},
        lambda o: o.name.startswith("жаңа тег"),
    ),
    "image": Kind(
        Image,
        lambda: make_image(uploaded_by=make_journalist()),
        lambda o: {
            "alt_text": "Жаңа сипаттама",
            **({} if o else {"file": SimpleUploadedFile("n.jpg", image_bytes())}),
        },
        lambda o: o.alt_text == "Жаңа сипаттама",
    ),
    "redirect": Kind(
        StoryRedirect,
        _redirect,
        lambda o: {
            "old_path": f"/changed/{next(_n)}/",
            "story": o.story_id
            if o
            else make_story("Жаңа", status=Status.PUBLISHED).pk,
        },
        lambda o: o.old_path.startswith("/changed/"),
    ),
    "feed": Kind(
        SourceFeed,
        _feed,
        lambda o: {
            "url": f"https://changed.kz/{next(_n)}.rss",
            "source": (o.source_id if o else _source().pk),
            "active": "on",
        },
        lambda o: o.url.startswith("https://changed.kz/"),
    ),
}


def form(obj, data):
    if obj is not None and hasattr(obj, "version"):
        data["expected_version"] = obj.version
    return data


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("kind", list(KINDS))
def test_catalogue_cells_on_every_path(client, people, kind, role):
    spec = KINDS[kind]
    login(client, people[role])
    may = {action: role in EXPECTED[(kind, action)] for action in EXPECTED_ACTIONS}
    # view: the list and an object's page.
    obj = spec.make()
    assert (client.get(spec.url("changelist")).status_code == 200) is may["view"]
    page = client.get(spec.url("change", obj.pk))
    assert (page.status_code == 200) is may["view"]
    # add: the empty form, then a crafted POST.
    assert (client.get(spec.url("add")).status_code == 200) is may["add"]
    before = spec.model.objects.count()
    response = client.post(spec.url("add"), form(None, spec.data(None)))
    added = spec.model.objects.count() - before
    assert added == (1 if may["add"] else 0), getattr(response, "context", None)
    if not may["add"]:
        assert response.status_code == 403
    # change: a crafted POST to the object's form.
    response = client.post(spec.url("change", obj.pk), form(obj, spec.data(obj)))
    obj.refresh_from_db()
    assert spec.changed(obj) is may["change"], response.status_code
    if not may["change"]:
        assert response.status_code == 403
    # delete: the confirmation POST, and the list's bulk action.
    response = client.post(spec.url("delete", obj.pk), {"post": "yes"})
    assert (not spec.model.objects.filter(pk=obj.pk).exists()) is may["delete"]
    other = spec.make()
    client.post(
        spec.url("changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert (not spec.model.objects.filter(pk=other.pk).exists()) is may["delete"]


EXPECTED_ACTIONS = ("view", "add", "change", "delete")


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_outsiders_reach_no_admin_path(client, people, who):
    login(client, people.get(who))
    for spec in KINDS.values():
        obj = spec.make()
        for url in [
            spec.url("changelist"),
            spec.url("add"),
            spec.url("change", obj.pk),
        ]:
            response = client.get(url)
            assert response.status_code == 302
            assert "/login/" in response["Location"]
        count = spec.model.objects.count()
        client.post(spec.url("add"), form(None, spec.data(None)))
        client.post(spec.url("delete", obj.pk), {"post": "yes"})
        assert spec.model.objects.count() == count


def test_feed_polling_is_for_chief_editors(client, people, monkeypatch):
    from articles.ingest import rss

    # No network: the feed answers "not modified".
    monkeypatch.setattr(rss, "fetch_feed", lambda url, **kw: rss.Fetched(status=304))
    feed = _feed()
    for role in STAFF:
        login(client, people[role])
        client.post(
            KINDS["feed"].url("changelist"),
            {"action": "poll_now", "_selected_action": [feed.pk]},
        )
        feed.refresh_from_db()
        polled = feed.last_checked_at is not None
        assert polled is (role in CHIEFS), role
        if polled:
            break
