"""Answer the old addresses of stories: a renamed or moved story, or an imported
one (WordPress permalinks), with a permanent redirect, a withdrawn one with 410."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from articles.models import StoryRedirect
from articles.public.edition import cyrillic_path
from articles.public.story import gone


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
        moved = (
            StoryRedirect.objects.select_related("story__category")
            # Old addresses are kept in Cyrillic-edition form; the Latin one follows.
            .filter(old_path=cyrillic_path(request.path))
            .first()
        )
        if moved is None:
            return response
        if moved.story.is_public:
            return HttpResponsePermanentRedirect(moved.story.get_absolute_url())
        if moved.story.is_withdrawn:
            return gone(request)
        return response
