"""Whole-page cache of the public site for anonymous readers (see caching.py)."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from articles.core import cache as caching
from articles.public import edition, reads

KEY = "newsroom:page:{generation}:{digest}"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link")
CACHED_PARAMETERS = {"page", "p"}


def _key(request) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return KEY.format(generation=caching.generation(), digest=digest)


def _cacheable(request) -> bool:
    # A session cookie may mean a signed-in editor: serve them fresh pages. Odd
    # query strings are not cached, so nobody can fill the cache with junk keys.
    return (
        settings.NEWSROOM_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and set(request.GET) <= CACHED_PARAMETERS
    )


def public_page(view):
    """Serve a public view from the cache to anonymous readers, and count reads."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            _count(response)
            return response
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=stored["status"])
            for name, value in stored["headers"].items():
                response[name] = value
            response.read_story_id = stored["story_id"]
            response.latin_spelled = True
            _count(response)
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        # The Latin edition is kept spelled, so a cached page costs no spelling.
        edition.spell_response(response)
        _count(response)
        if (
            response.status_code == 200
            and not response.streaming
            and (not response.cookies)
        ):
            ttl = caching.public_ttl()
            if ttl > 0:
                cache.set(
                    key,
                    {
                        "content": response.content,
                        "status": response.status_code,
                        "headers": {
                            h: response[h] for h in KEPT_HEADERS if h in response
                        },
                        "story_id": getattr(response, "read_story_id", None),
                    },
                    ttl,
                )
        return response

    return wrapper


def _count(response) -> None:
    story_id = getattr(response, "read_story_id", None)
    if story_id and response.status_code == 200:
        reads.record_read(story_id)
