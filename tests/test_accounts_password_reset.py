"""A forgotten password is reset by email, in the reader's language of the admin."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from .factories import make_editor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Жаңа-құпия-сөз-2026"


def test_the_sign_in_page_links_to_the_reset(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert f'href="{reverse("admin_password_reset")}"' in page


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("kk", "TuraNews: жаңа құпия сөз", "Жаңа құпия сөзді таңдау үшін"),
        ("ru", "Новый пароль для TuraNews", "Чтобы выбрать его, откройте"),
        ("en", "A new password for TuraNews", "Open this link to choose it"),
    ],
)
def test_a_new_password_by_email(client, language, subject, body):
    editor = make_editor(username="aidana", email="aidana@turanews.kz")
    client.cookies["django_language"] = language
    form = client.get(reverse("admin_password_reset"))
    assert form.status_code == 200
    assert form["Content-Language"] == language
    response = client.post(
        reverse("admin_password_reset"), {"email": "Aidana@TuraNews.kz"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aidana@turanews.kz"]
    assert message.subject == subject
    assert body in message.body
    assert "aidana" in message.body
    link = urlparse(re.search(r"https?://\S+", message.body).group(0)).path

    reader = client.get(link)
    assert reader.status_code == 302  # Django hides the token from the page's address
    page = client.get(reader["Location"])
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()
    done = client.post(
        reader["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("password_reset_complete")
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again
    assert reverse("admin_password_reset") in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    make_editor(email="aidana@turanews.kz")
    response = client.post(
        reverse("admin_password_reset"), {"email": "nobody@turanews.kz"}
    )
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_with_the_reason(client):
    editor = make_editor(email="aidana@turanews.kz")
    client.post(reverse("admin_password_reset"), {"email": "aidana@turanews.kz"})
    link = urlparse(re.search(r"https?://\S+", mail.outbox[0].body).group(0)).path
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    editor.refresh_from_db()
    assert not editor.check_password("12345678")
