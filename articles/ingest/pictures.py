"""Pictures in imported text: only those stored here stay.

A picture left pointing at another site (the old WordPress host, an agency) makes
every reader's browser ask that host for it, and shows nothing once the host is
gone. What an import could not bring in is left out of the text and reported.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy

WARNING_FOREIGN_PICTURE = gettext_lazy(
    "picture “%(url)s” is on another site; left out of the text"
)


# Sanitised HTML (nh3) writes every tag alike: lower case, values in double quotes.
_PICTURE_TAG_RE = re.compile(r"<(img|source)\b[^>]*>")


_ATTRIBUTE_RE = {
    name: re.compile(rf'\s{name}="([^"]*)"') for name in ("src", "srcset", "sizes")
}


# Wrappers a removed picture can leave with nothing inside; removed in turn.
_EMPTY_RES = [
    re.compile(r"<a\b[^>]*>\s*</a>"),
    re.compile(r"<picture\b[^>]*>\s*</picture>"),
    re.compile(
        r"<figure\b[^>]*>\s*(?:<figcaption>(?:(?!</figure>).)*</figcaption>\s*)?</figure>",
        re.S,
    ),
    re.compile(r"<p>\s*</p>"),
]


_ANY_PICTURE_RE = re.compile(r"<\s*(img|source)\b", re.I)


def has_pictures(body: str) -> bool:
    """Return whether HTML may hold a picture (a cheap test before the real one)."""
    return _ANY_PICTURE_RE.search(body) is not None


def is_local(url: str) -> bool:
    """Return whether url is a file this site serves (uploads or static files)."""
    parts = urlsplit(html.unescape(url.strip()))
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith((settings.MEDIA_URL, settings.STATIC_URL))
    )


def _candidates(srcset: str) -> list[str]:
    return [c.split()[0] for c in srcset.split(",") if c.strip()]


def keep_local_pictures(body: str) -> tuple[str, list[str]]:
    """Return sanitised body without pictures from elsewhere, and their addresses.

    A picture whose own address is local keeps it and loses only a srcset that
    names other hosts; the links, figures and paragraphs that held nothing but a
    removed picture go with it.
    """
    dropped: list[str] = []

    def visit(match):
        tag = match.group(0)
        values = {n: r.search(tag) for n, r in _ATTRIBUTE_RE.items()}
        src = values["src"].group(1) if values["src"] else ""
        srcset = _candidates(values["srcset"].group(1)) if values["srcset"] else []
        if match.group(1) == "img" and not is_local(src):
            dropped.append(html.unescape(src))
            return ""
        if all(is_local(url) for url in srcset):
            return tag
        if match.group(1) == "source":
            return ""  # an alternative only: the <img> beside it decides
        for name in ("srcset", "sizes"):
            tag = _ATTRIBUTE_RE[name].sub("", tag)
        return tag

    body = _PICTURE_TAG_RE.sub(visit, body)
    if dropped:
        before = None
        while before != body:
            before = body
            for empty in _EMPTY_RES:
                body = empty.sub("", body)
    return body.strip(), list(dict.fromkeys(u for u in dropped if u))
