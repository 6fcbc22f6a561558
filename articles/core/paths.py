"""
Public addresses without a full URL resolution each time.

A list page links to dozens of stories and sections; ``reverse()`` walks the
URL patterns for every link. Each (pattern, language) is reversed once with
placeholders and then filled in, which gives the same address for slug-shaped
values.
"""

import re
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@lru_cache(maxsize=512)
def _template(
    urlconf: Any, prefix: str, language: str, name: str, params: tuple[str, ...]
) -> str:
    with translation.override(language):
        return str(reverse(name, urlconf=urlconf, kwargs={p: f"0{p}0" for p in params}))


def public_path(name: str, language: str | None = None, **kwargs: str) -> str:
    """Return reverse(name, kwargs=kwargs) in language (default: the active one)."""
    if not all(SLUG.match(str(value)) for value in kwargs.values()):
        with translation.override(language or translation.get_language()):
            return reverse(name, kwargs=kwargs)
    path = _template(
        get_urlconf(),
        get_script_prefix(),
        language or translation.get_language(),
        name,
        tuple(sorted(kwargs)),
    )
    for param, value in kwargs.items():
        path = path.replace(f"0{param}0", str(value), 1)
    return path
