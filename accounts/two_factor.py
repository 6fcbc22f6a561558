"""
Two-factor sign-in with a time-based code (TOTP, RFC 6238) from an authenticator app.

The rules of who must use it live in ``articles.workflow.rules``; this module holds
the writes (typed services) and the reads the views share.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from articles.workflow.rules import must_use_two_factor

ERROR_WRONG_CODE = _(
    "That code is not right. Check that the clock of your phone is set "
    "automatically and type the code your app shows now."
)
ERROR_TOO_MANY_CODES = _(
    "Too many wrong codes. Wait a little and try again with a fresh code."
)
ERROR_REQUIRED = _("Your role requires two-factor sign-in; it cannot be turned off.")
DEVICE_NAME = "authenticator"


def new_key() -> str:
    """Return a fresh secret for an authenticator app (hex, 20 bytes)."""
    return random_hex(20)


def device_for(user) -> TOTPDevice | None:
    """Return the user's confirmed authenticator, if they set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def setup_uri(user, key: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key, name=DEVICE_NAME).config_url


def readable_key(key: str) -> str:
    """Return the secret as the base32 groups a person types into an app."""
    text = b32encode(unhexlify(key)).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str) -> SafeString:
    """Return the QR code of uri as inline SVG, drawn here: nothing is fetched."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=2, dark="#111", light="#fff", title=str(_("QR code"))
    )
    return mark_safe(svg)


def current_code(key: str, *, at: float | None = None) -> str:
    """Return the code an app holding key shows now (used by the demo and tests)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def _key_accepts(key: str, token: str) -> bool:
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    try:
        return totp.verify(int(token), tolerance=1)
    except (TypeError, ValueError):
        return False


def two_factor_enable(*, user, key: str, token: str) -> TOTPDevice:
    """Confirm a new authenticator with a code it shows; it replaces any older one."""
    if not _key_accepts(key, token):
        raise ValidationError(ERROR_WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(user=user, key=key, name=DEVICE_NAME, confirmed=True)
        device.last_t = TOTP(unhexlify(key)).t()  # this code may not be used again
        device.save()
    return device


def two_factor_disable(*, user, token: str) -> None:
    """Turn two-factor sign-in off, proven with a current code, where it is optional."""
    if must_use_two_factor(user):
        raise ValidationError(ERROR_REQUIRED, code="required")
    device = device_for(user)
    if device is None:
        return
    two_factor_check(user=user, device=device, token=token, request=None)
    TOTPDevice.objects.filter(user=user).delete()


def two_factor_reset(*, user) -> int:
    """Forget a person's authenticator (a lost phone): they set up a new one at their
    next sign-in. Return how many devices were removed."""
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def two_factor_demo_device(*, user) -> TOTPDevice:
    """Return the user's authenticator, making a confirmed one (demo accounts only)."""
    device = device_for(user)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, key=new_key(), name=DEVICE_NAME, confirmed=True
        )
    return device


def two_factor_check(*, user, device: TOTPDevice, token: str, request) -> None:
    """Verify a sign-in code; wrong codes count as failed sign-ins (and lock out)."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(ERROR_TOO_MANY_CODES, code="throttled")
    if not device.verify_token(token.strip().replace(" ", "")):
        if request is not None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=request,
            )
        raise ValidationError(ERROR_WRONG_CODE, code="wrong_code")
