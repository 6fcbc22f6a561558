"""Session rules for the staff: idle expiry, and two-factor sign-in where required."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor import device_for
from articles.workflow.rules import must_use_two_factor

SEEN_KEY = "accounts.seen"
# A session's expiry moves on with use; saving it once a minute is enough for that.
REFRESH_SECONDS = 60


class IdleSessionMiddleware:
    """End a signed-in session after SESSION_COOKIE_AGE seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Readers carry no session cookie: their pages stay free of session reads.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session = request.session
            now = int(time.time())
            if SESSION_KEY in session and now - session.get(SEEN_KEY, 0) >= (
                REFRESH_SECONDS
            ):
                session[SEEN_KEY] = now  # saved, so its expiry starts again
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send people who must use two-factor sign-in to set it up, or to type a code,
    before they can do anything else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {
                reverse(name)
                for name in [
                    "two_factor_setup",
                    "two_factor_login",
                    "admin:logout",
                    "set_language",
                ]
            }
        return self._open_paths

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if (
                user.is_authenticated
                and not user.is_verified()
                and must_use_two_factor(user)
                and request.path not in self.open_paths()
            ):
                has_device = device_for(user) is not None
                name = "two_factor_login" if has_device else "two_factor_setup"
                query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                return redirect(f"{reverse(name)}?{query}")
        return self.get_response(request)


def stamp_session(sender, request, user, **kwargs):
    """Start the idle clock when someone signs in (the session is saved then anyway)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())
