"""Highlighted snippets of the text around the words a reader searched for."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import (
    Story,
)
from articles.search.analysis import fold
from articles.search.query import SNIPPET_CHARS


def highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """Escape text and wrap the words the query matched in <mark>."""
    if pattern is None or not text:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(fold(text)):
        out += [escape(text[last : match.start()]), "<mark>"]
        out += [escape(text[match.start() : match.end()]), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped


def snippet(story: Story, pattern: re.Pattern[str] | None) -> SafeString:
    """Return a short highlighted passage of the story around the first match."""
    for text in (story.body_text, story.dek):
        match = pattern.search(fold(text)) if pattern and text else None
        if match:
            break
    else:
        text = story.body_text or story.dek
        match = None
    if not text:
        return mark_safe("")
    start = 0
    if match and match.start() > SNIPPET_CHARS // 3:
        start = text.rfind(" ", 0, match.start() - SNIPPET_CHARS // 3) + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = text[start:end].strip()
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    return mark_safe(lead + highlight(passage, pattern) + tail)  # noqa: S308
