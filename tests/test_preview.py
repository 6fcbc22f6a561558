import re
import time
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import Status
from articles.public import preview

from .factories import make_editor, make_journalist, make_story

pytestmark = pytest.mark.django_db

HEADLINE = "Қазығұрттағы жаңа көпір ашылмай тұр"


@pytest.fixture
def draft():
    return make_story(
        HEADLINE,
        dek="Құрылыс әлі аяқталған жоқ.",
        body="<p>Көпірдің ұзындығы — 120 метр.</p>",
        created_by=make_journalist(),
    )


def test_author_previews_own_draft_as_readers_will_see_it(client, draft):
    client.force_login(draft.created_by)
    response = client.get(reverse("story_preview", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{HEADLINE}</h1>" in html
    assert "Көпірдің ұзындығы — 120 метр." in html
    assert 'class="preview-banner"' in html
    assert f'<html lang="{draft.language}"' in html
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_editor_previews_any_draft_and_others_may_not(client, draft):
    client.force_login(make_editor())
    assert client.get(reverse("story_preview", args=[draft.pk])).status_code == 200
    client.force_login(make_journalist())
    assert client.get(reverse("story_preview", args=[draft.pk])).status_code == 403
    anonymous = Client()
    response = anonymous.get(reverse("story_preview", args=[draft.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_share_link_from_the_admin_opens_that_draft_without_an_account(draft):
    author = Client()
    author.force_login(draft.created_by)
    response = author.post(reverse("admin:articles_story_share", args=[draft.pk]))
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    link = re.search(r'href="([^"]+)"', text).group(1)
    assert "/preview/share/" in link
    reader = Client()
    response = reader.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{HEADLINE}</h1>" in html
    assert 'class="preview-banner"' in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_share_link_opens_nothing_else(client, draft):
    other = make_story("Басқа жоба", created_by=draft.created_by)
    token = preview.share_token(draft)
    value, stamp, signature = token.split(":")
    forged = f"{other.pk}:{stamp}:{signature}"
    response = client.get(reverse("story_share", kwargs={"token": forged}))
    assert response.status_code == 404
    assert str(preview.ERROR_LINK_INVALID) in response.content.decode()
    assert "Басқа жоба" not in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.split(":")[0],
        lambda t: "x" + t,
        lambda t: "",
    ],
)
def test_tampered_share_link_is_refused(client, draft, tamper):
    token = tamper(preview.share_token(draft))
    url = f"/preview/share/{token}/" if token else "/preview/share/-/"
    response = client.get(url)
    assert response.status_code == 404
    assert HEADLINE not in response.content.decode()


def test_expired_share_link_is_refused(client, draft):
    long_ago = time.time() - preview.share_max_age().total_seconds() - 60
    with mock.patch("time.time", return_value=long_ago):
        token = preview.share_token(draft)
    response = client.get(reverse("story_share", kwargs={"token": token}))
    assert response.status_code == 410
    html = response.content.decode()
    assert str(preview.ERROR_LINK_EXPIRED) in html
    assert HEADLINE not in html
    # Just inside its lifetime it still works.
    recent = time.time() - preview.share_max_age().total_seconds() + 60
    with mock.patch("time.time", return_value=recent):
        token = preview.share_token(draft)
    assert (
        client.get(reverse("story_share", kwargs={"token": token})).status_code == 200
    )


def test_share_link_of_a_story_now_out_leads_to_its_public_page(client):
    story = make_story("Жарияланған", status=Status.PUBLISHED)
    response = client.get(
        reverse("story_share", kwargs={"token": preview.share_token(story)})
    )
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()


def test_share_link_dies_with_a_withdrawn_story(client):
    story = make_story("Алынған", status=Status.UNPUBLISHED)
    response = client.get(
        reverse("story_share", kwargs={"token": preview.share_token(story)})
    )
    assert response.status_code == 410
    assert "Алынған" not in response.content.decode()


def test_share_links_live_as_long_as_the_setting_says(client, draft, settings):
    settings.NEWSROOM_SHARE_LINK_SECONDS = 3600
    two_hours_ago = time.time() - 2 * 3600
    with mock.patch("time.time", return_value=two_hours_ago):
        token = preview.share_token(draft)
    assert (
        client.get(reverse("story_share", kwargs={"token": token})).status_code == 410
    )
    settings.NEWSROOM_SHARE_LINK_SECONDS = 3 * 3600
    assert (
        client.get(reverse("story_share", kwargs={"token": token})).status_code == 200
    )
