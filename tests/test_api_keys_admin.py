"""Partners' API keys in the admin: the chief editor's alone, the secret shown once."""

import re

import pytest
from django.urls import reverse

from articles.models import ApiKey, Status
from articles.workflow.api_keys import api_key_create

from .factories import (
    make_chief,
    make_editor,
    make_journalist,
    make_story,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_apikey_add")
LIST = reverse("admin:articles_apikey_changelist")


def signed_in(client, user):
    # Sign-in throttling needs the request, which client.login() does not pass.
    client.force_login(user)
    return client


def test_a_chief_editor_makes_a_key_and_sees_it_once(client):
    chief = signed_in(client, make_chief())
    response = chief.post(
        ADD,
        {
            "name": "Kaspi News",
            "contact": "api@kaspi.kz",
            "rate_limit": 900,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    raw = re.search(r'value="(nr_[^"]+)"', response.content.decode())[1]
    key = ApiKey.objects.get()
    assert key.key_hash == ApiKey.hash(raw)
    assert (key.name, key.rate_limit, key.active) == ("Kaspi News", 900, True)
    # Nowhere else: not in the list, not on the key's own page.
    for page in (LIST, reverse("admin:articles_apikey_change", args=[key.pk])):
        text = chief.get(page).content.decode()
        assert key.prefix in text
        assert raw not in text
    make_story("Жаңалық", status=Status.PUBLISHED)
    client.logout()
    answer = client.get("/api/v1/stories", HTTP_X_API_KEY=raw)
    assert answer["RateLimit-Limit"] == "900"


def test_a_chief_editor_revokes_a_key_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    key, raw = api_key_create(name="Kaspi", rate_limit=50, created_by=make_chief())
    assert client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code == 200
    chief = signed_in(client, make_chief())
    change = reverse("admin:articles_apikey_change", args=[key.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(
            change,
            {"name": "Kaspi", "contact": "", "rate_limit": 50, "note": "Келісім бітті"},
        )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.active is False
    assert key.note == "Келісім бітті"
    client.logout()
    assert client.get("/api/v1/", HTTP_X_API_KEY=raw).status_code == 401


@pytest.mark.parametrize("maker", [make_editor, make_journalist])
def test_nobody_else_on_the_desk_sees_the_keys(client, maker):
    key, _raw = api_key_create(name="Kaspi", rate_limit=50, created_by=make_chief())
    desk = signed_in(client, maker())
    for page in (LIST, ADD, reverse("admin:articles_apikey_change", args=[key.pk])):
        assert desk.get(page).status_code == 403
    assert desk.post(ADD, {"name": "X", "rate_limit": 10}).status_code == 403
    assert ApiKey.objects.count() == 1


def test_a_limit_must_be_a_sensible_number(client):
    chief = signed_in(client, make_chief())
    response = chief.post(ADD, {"name": "Kaspi", "rate_limit": 0, "contact": ""})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not ApiKey.objects.exists()
