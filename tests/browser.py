"""Steps the browser tests share."""

import time

from accounts import two_factor
from articles.workflow.rules import must_use_two_factor

from .factories import PASSWORD


def next_code(device) -> str:
    """Return a code the user's authenticator would show and the site still accepts
    (a code is good once: after a sign-in in this period, the next period's)."""
    now = time.time()
    period = int(now // device.step)
    if device.last_t >= period:
        now += (device.last_t + 1 - period) * device.step
    return two_factor.current_code(device.key, at=now)


def login(page, live_server, username):
    """Sign in to the admin as username (made by tests.factories), typing the
    authenticator's code when the account has one."""
    from django.contrib.auth import get_user_model

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/admin/login/" not in url or "/code/" in url)
    if "/admin/login/code/" in page.url:
        user = get_user_model().objects.get(username=username)
        page.fill("#id_code", next_code(two_factor.device_for(user)))
        page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def verify_two_factor(client, user) -> None:
    """Mark a test client's session as signed in with the user's authenticator."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = two_factor.device_for(user)
    if device is None and must_use_two_factor(user):
        device = two_factor.two_factor_demo_device(user=user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
