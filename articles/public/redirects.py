"""Answer old addresses of imported stories (WordPress permalinks) with a redirect."""

from django.http import HttpResponsePermanentRedirect

from articles.models import ImportedItem, ImportKind, StoryRedirect

# WordPress short links, which old shares use: /?p=4 (posts), /?page_id=4 (pages).
SHORTLINK_PATHS = ("/", "/index.php")


SHORTLINK_PARAMETERS = ("p", "page_id")


class OldAddressRedirectMiddleware:
    """Turn a 404 at a remembered old path into a permanent redirect to the story.

    Like django.contrib.redirects' fallback: it only looks when nothing else
    answered, so it costs one query per miss and none per hit. Listed after
    LocaleMiddleware so it sees the 404 before a language prefix is tried.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        story = shortlink_story(request) or old_path_story(request.path)
        if story is None:
            return response
        return HttpResponsePermanentRedirect(story.get_absolute_url())


def old_path_story(path: str):
    """Return the public story once at path, if any."""
    moved = (
        StoryRedirect.objects.select_related("story__category")
        .filter(old_path=path)
        .first()
    )
    return moved.story if moved is not None and moved.story.is_public else None


def shortlink_story(request):
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
    return next((r.story for r in records if r.story.is_public), None)
