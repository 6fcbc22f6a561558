"""Signing in to the admin: throttling and lockout, two-factor codes, idle sessions."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.middleware import SEEN_KEY
from articles.workflow import roles

from .browser import next_code
from .factories import PASSWORD, make_chief, make_editor, make_journalist, make_user
from .test_settings import probe

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
CODE = "/admin/login/code/"
SETUP = "/admin/two-factor/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def kk(message):
    with translation.override("kk"):
        return str(message)


def signed_in(client):
    return SESSION_KEY in client.session


# Throttling ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", "Кіру уақытша бұғатталды"),
        ("ru", "Вход временно заблокирован"),
        ("en", "Sign-in locked for a while"),
    ],
)
def test_five_wrong_passwords_lock_the_username_from_that_address(
    client, language, words
):
    make_editor(username="daniyar")
    client.cookies["django_language"] = language
    for _ in range(4):
        assert sign_in(client, "daniyar", "wrong-password").status_code == 200
    locked = sign_in(client, "daniyar", "wrong-password")
    assert locked.status_code == 429
    # Now even the right password is refused, with a clear message.
    response = sign_in(client, "daniyar")
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert words in page
    assert reverse("admin_password_reset") in page
    assert response["Content-Language"] == language


def test_lockout_is_per_username_and_address_and_ends_after_the_cool_off(client):
    make_editor(username="daniyar")
    make_editor(username="asel")
    for _ in range(5):
        sign_in(client, "daniyar", "wrong-password")
    assert sign_in(client, "daniyar").status_code == 429
    # Another colleague at the same address is not held up...
    assert sign_in(Client(), "asel").status_code == 302
    # ...nor the same person from another address.
    elsewhere = Client(REMOTE_ADDR="203.0.113.7")
    assert sign_in(elsewhere, "daniyar").status_code == 302
    # After the cool-off (15 minutes) the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, "daniyar")
    assert response.status_code == 302
    assert signed_in(client)


def test_a_forwarded_for_header_is_not_trusted_outside_production(client):
    make_editor(username="daniyar")
    for n in range(5):
        sign_in(client, "daniyar", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = sign_in(client, "daniyar", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_the_proxy_the_address_it_appends_is_the_client(client, settings):
    # As in production behind one web server (see test_production_trusts_the_proxy).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    make_editor(username="daniyar")
    for n in range(5):
        # Whatever the client puts first, the proxy appends the real address.
        forged = f"10.9.8.{n}, 198.51.100.20"
        sign_in(client, "daniyar", "wrong", HTTP_X_FORWARDED_FOR=forged)
    assert (
        sign_in(client, "daniyar", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    ).status_code == 429
    other = sign_in(Client(), "daniyar", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert other.status_code == 302


def test_production_trusts_the_proxy_and_nothing_else_does(tmp_path):
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER)))"
    )
    from .test_settings import REAL_KEY, run

    default = run(code, tmp_path)
    production = run(
        code,
        tmp_path,
        NEWSROOM_PRODUCTION="1",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="turanews.kz",
    )
    assert default.stdout.strip() == '["REMOTE_ADDR"]'
    assert production.stdout.strip() == '["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]'
    assert probe(tmp_path)["engine"]  # the default still starts


# Two-factor sign-in -------------------------------------------------------------


def test_chief_editor_types_the_code_after_the_password(client):
    chief = make_chief(username="gulnar")
    device = two_factor.device_for(chief)
    response = sign_in(client, "gulnar")
    assert response.status_code == 302
    assert response["Location"] == CODE
    # The password alone signs nobody in.
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    page = client.get(CODE).content.decode()
    assert "gulnar" in page
    assert 'autocomplete="one-time-code"' in page
    wrong = client.post(
        CODE, {"code": "000000" if next_code(device) != "000000" else "1"}
    )
    assert wrong.status_code == 200
    assert not signed_in(client)
    assert kk(two_factor.ERROR_WRONG_CODE) in wrong.content.decode()
    # After a wrong code the next try waits a second (doubling with each miss).
    refused = client.post(CODE, {"code": next_code(device)})
    assert kk(two_factor.ERROR_TOO_MANY_CODES) in refused.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    device.refresh_from_db()
    right = client.post(CODE, {"code": next_code(device)})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_a_code_is_good_once(client):
    chief = make_chief(username="gulnar")
    device = two_factor.device_for(chief)
    code = next_code(device)
    sign_in(client, "gulnar")
    assert client.post(CODE, {"code": code}).status_code == 302
    again = Client()
    sign_in(again, "gulnar")
    assert again.post(CODE, {"code": code}).status_code == 200
    assert not signed_in(again)


def test_wrong_codes_count_towards_the_lockout(client):
    chief = make_chief(username="gulnar")
    device = two_factor.device_for(chief)
    sign_in(client, "gulnar")
    statuses = []
    for _ in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        statuses.append(client.post(CODE, {"code": "12345"}).status_code)
    assert statuses[-1] == 429
    device.refresh_from_db()
    assert client.post(CODE, {"code": next_code(device)}).status_code == 429
    assert not signed_in(client)


def test_the_code_step_expires(client):
    make_chief(username="gulnar")
    sign_in(client, "gulnar")
    session = client.session
    pending = session["accounts.pending_sign_in"]
    pending["at"] -= 10 * 60
    session["accounts.pending_sign_in"] = pending
    session.save()
    assert client.get(CODE)["Location"] == reverse("admin:login")


def enrol(client):
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert "otpauth://totp/" in html
    key = client.session["accounts.two_factor_setup_key"]
    return client.post(
        SETUP, {"action": "enable", "code": two_factor.current_code(key)}
    )


def test_an_administrator_without_an_authenticator_must_set_one_up_first(client):
    admin = make_user(username="root", superuser=True)
    TOTPDevice.objects.filter(user=admin).delete()  # as before this requirement
    assert sign_in(client, "root").status_code == 302
    for url in ["/admin/", reverse("admin:articles_story_changelist"), "/kk/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "Сіздің рөліңіз екі факторлы кіруді талап етеді" in page
    # Nothing on the page is fetched from anywhere: the QR code is inline SVG.
    assert "https://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    wrong = client.post(SETUP, {"action": "enable", "code": "000000"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=admin)
    response = enrol(client)
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # From now on the password is not enough.
    fresh = Client()
    assert sign_in(fresh, "root")["Location"] == CODE


def test_a_promotion_to_chief_editor_asks_for_two_factor_at_once(client):
    editor = make_editor(username="nurlan")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    editor.groups.set([Group.objects.get(name=roles.CHIEF_EDITOR)])
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_an_unconfirmed_session_of_a_chief_editor_is_asked_for_the_code(client):
    chief = make_chief(username="gulnar")
    client.force_login(chief)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    response = client.get(reverse("admin:articles_story_changelist"))
    assert response["Location"].startswith(CODE)
    # Nor can such a session replace the authenticator.
    assert client.get(SETUP)["Location"].startswith(CODE)
    device = two_factor.device_for(chief)
    confirmed = client.post(
        response["Location"], {"code": next_code(device)}, follow=False
    )
    assert confirmed["Location"] == reverse("admin:articles_story_changelist")
    assert client.get(confirmed["Location"]).status_code == 200


def test_a_journalist_may_turn_two_factor_on_and_off(client):
    journalist = make_journalist(username="aigerim")
    assert sign_in(client, "aigerim")["Location"] == "/admin/"  # not required
    assert enrol(client).status_code == 302
    device = two_factor.device_for(journalist)
    fresh = Client()
    assert sign_in(fresh, "aigerim")["Location"] == CODE
    off = client.post(SETUP, {"action": "disable", "code": next_code(device)})
    assert off.status_code == 302
    assert two_factor.device_for(journalist) is None
    assert sign_in(Client(), "aigerim")["Location"] == "/admin/"


def test_a_chief_editor_cannot_turn_it_off(client):
    chief = make_chief()
    client.force_login(chief)
    device = two_factor.device_for(chief)
    page = client.get(SETUP).content.decode()
    assert 'value="disable"' not in page
    response = client.post(SETUP, {"action": "disable", "code": next_code(device)})
    assert response.status_code == 200
    assert two_factor.device_for(chief) == device


# Sessions -----------------------------------------------------------------------


def test_staff_sessions_end_with_the_browser(client):
    response = sign_in(client, make_editor().username)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


def test_a_session_ends_after_two_idle_hours_and_use_keeps_it_alive(client):
    sign_in(client, make_editor().username)
    assert client.get("/admin/").status_code == 200
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    assert (
        timedelta(hours=1, minutes=59) < expiry - timezone.now() <= timedelta(hours=2)
    )
    # An hour of work later (the last refresh long ago), the clock starts again.
    session = client.session
    session[SEEN_KEY] -= 3600
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )
    assert client.get("/admin/").status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry - timezone.now() > timedelta(hours=1, minutes=59)
    # Two hours without a request: signed out.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_chief_editor_resets_a_lost_authenticator_but_not_an_administrators(client):
    chief = make_chief()
    journalist = make_journalist(username="aigerim")
    client.force_login(journalist)
    assert enrol(client).status_code == 302
    admin = make_user(username="root", superuser=True)
    client.force_login(chief)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [journalist.pk, admin.pk]},
    )
    assert response.status_code == 302
    assert two_factor.device_for(journalist) is None
    assert two_factor.device_for(admin) is not None
    # The journalist signs in with the password alone again.
    assert sign_in(Client(), "aigerim")["Location"] == "/admin/"
