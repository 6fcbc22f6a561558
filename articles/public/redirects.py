"""Answer old addresses of imported stories (WordPress permalinks) with a redirect."""

from django.http import HttpResponsePermanentRedirect

from articles.models import StoryRedirect


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
        if "\x00" in request.path:
            # PostgreSQL refuses a NUL byte in a query; no stored path has one.
            return response
        moved = (
            StoryRedirect.objects.select_related("story__category")
            .filter(old_path=request.path)
            .first()
        )
        if moved is None or not moved.story.is_public:
            return response
        return HttpResponsePermanentRedirect(moved.story.get_absolute_url())
