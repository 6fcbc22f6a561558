"""What the security suites share: the attack files, the cast, and small helpers."""

import io

from django.contrib.messages import get_messages
from PIL import Image as PILImage

from .factories import make_chief, make_editor, make_journalist, make_user

SCRIPT = b"<script>alert(document.domain)</script>"
# The names the attack run used for a GIF with a script after it.
HOSTILE_NAMES = [
    "report.html",
    "report.htm",
    "report.js",
    "report.svg",
    "report.png.html",
]
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" '
    b'onload="alert(document.domain)"><rect width="64" height="64"/></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PICTURE_TYPES = {"image/gif", "image/jpeg", "image/png", "image/webp"}


def gif_with_script(size=(32, 32)) -> bytes:
    """Return a valid GIF with a script appended: a picture and a page at once."""
    out = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(out, format="GIF")
    return out.getvalue() + SCRIPT


def cast() -> dict:
    """Return one user of every role, and a signed-in reader without one."""
    return {
        "journalist": make_journalist(username="hostile"),
        "editor": make_editor(username="desk"),
        "chief": make_chief(username="chief"),
        "administrator": make_user(superuser=True, username="root"),
        "reader": make_user(username="reader"),
    }


def login(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def served_safely(response) -> bool:
    """Return whether a media response can only be shown as a picture or saved."""
    content_type = response["Content-Type"].split(";")[0].strip()
    safe = content_type in PICTURE_TYPES or (
        content_type == "application/octet-stream"
        and response.get("Content-Disposition", "").startswith("attachment")
    )
    return safe and response.get("X-Content-Type-Options") == "nosniff"
