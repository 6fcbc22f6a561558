"""
Today's date on a page kept from an earlier day.

Every public page shows the date in its header (``<p class="today">`` in
``base.html``). A story page changes only when an editor changes something it
shows, so the page cache keeps it for days and writes the date anew on the first
hit of each day, as the page would show it if rendered then (in its language,
spelled in Latin for the Latin edition): the text, ``ETag``, ``Last-Modified``
and length change with it. The year in the footer changes once a year; no page
is kept into a new year (``articles.core.cache.story_ttl``).
"""

import hashlib
import re

from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag
from markupsafe import escape

from articles.core.latin import to_latin
from articles.public import jinja

TODAY = re.compile(rb'<p class="today">[^<]*</p>')


def today() -> str:
    """Return the local date the pages show, as kept with a page."""
    return timezone.localdate().isoformat()


def note(stored: dict, response, day: str) -> None:
    """Keep with a page the day it shows and what writing it anew needs (the
    language and script it was rendered in), if it shows one."""
    stored["day"] = day
    if TODAY.search(stored["content"]):
        stored["dated"] = (
            response.page_language,
            bool(getattr(response, "latin_spelled", False)),
        )


def redate(stored: dict, day: str) -> dict:
    """Return the page with the date of day (today) written in its header."""
    dated = stored.get("dated")
    if dated is None:
        return {**stored, "day": day}
    language, latin = dated
    with translation.override(language):
        text = jinja.now("DATE_FORMAT")  # as base.html writes it
    if latin:
        text = to_latin(text)
    written = f'<p class="today">{escape(text)}</p>'.encode()
    content = TODAY.sub(lambda _found: written, stored["content"], count=1)
    headers = {**stored["headers"], "ETag": etag(content), "Last-Modified": http_date()}
    if "Content-Length" in headers:
        headers["Content-Length"] = str(len(content))
    fresh = {**stored, "content": content, "headers": headers, "day": day}
    fresh.pop("prepared", None)
    return fresh


def etag(content: bytes) -> str:
    """Return the ETag of a public page: a digest of what it says."""
    return quote_etag(hashlib.md5(content).hexdigest())  # noqa: S324
