"""Answer the old addresses of stories: a renamed or moved story, or an imported
one (WordPress permalinks), with a permanent redirect, a withdrawn one with 410."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from articles.models import ImportedItem, ImportKind, Story, StoryRedirect
from articles.public.edition import cyrillic_path
from articles.public.story import gone

# WordPress short links, which old shares use: /?p=4 (posts), /?page_id=4 (pages).
SHORTLINK_PATHS = ("/", "/index.php")
SHORTLINK_PARAMETERS = ("p", "page_id")


class OldAddressRedirectMiddleware:
    """Turn a 404 at a remembered old path into a permanent redirect to the story.

    The one place old addresses are looked up. Like django.contrib.redirects'
    fallback it only looks when nothing else answered, so it costs one query per
    miss and none per hit. Listed after LocaleMiddleware so it sees the 404 before
    a language prefix is tried.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if "\x00" in request.path:
            # PostgreSQL refuses a NUL byte in a query; no stored path has one.
            return response
        story = shortlink_story(request) or old_path_story(request.path)
        if story is None:
            return response
        if story.is_public:
            return HttpResponsePermanentRedirect(story.get_absolute_url())
        if story.is_withdrawn:
            return gone(request)
        return response


def old_path_story(path: str) -> Story | None:
    """Return the story once at path (public or withdrawn), if any."""
    moved = (
        StoryRedirect.objects.select_related("story__category")
        # Old addresses are kept in Cyrillic-edition form; the Latin one follows.
        .filter(old_path=cyrillic_path(path))
        .first()
    )
    if moved is None or not (moved.story.is_public or moved.story.is_withdrawn):
        return None
    return moved.story


def shortlink_story(request: HttpRequest) -> Story | None:
    """Return the public story a WordPress short link (/?p=ID) names, if any."""
    if request.path not in SHORTLINK_PATHS:
        return None
    for name in SHORTLINK_PARAMETERS:
        value = request.GET.get(name, "").strip()
        if value.isascii() and value.isdigit() and len(value) <= 18:
            break
    else:
        return None
    records = (
        ImportedItem.objects.filter(
            kind=ImportKind.WORDPRESS, wordpress_id=int(value), story__isnull=False
        )
        .select_related("story__category")
        .order_by("-imported_at")
    )
    return next(
        (r.story for r in records if r.story is not None and r.story.is_public), None
    )
