"""The API object, its error answers, and its addresses under ``/api/v1/``."""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError
from ninja.openapi.docs import _csrf_needed
from ninja.renderers import JSONRenderer

from articles.public.api import catalog, schemas, stories
from articles.public.api.http import api_endpoint
from articles.public.api.params import describe_error
from articles.public.api.present import Presenter

DESCRIPTION = """\
The published stories of the newsroom, their sections, sources, authors and tags,
and its search, as JSON. Only stories that readers can see on the site are ever
answered: nothing in review, scheduled for later or withdrawn.

Stories come in Kazakh (`kk`), Russian (`ru`) and English (`en`); `kk-Latn` gives
the Kazakh ones spelled in the Latin alphabet (2021 letters).

Lists are read a page at a time: follow `next`. Answers carry `ETag` and
`Last-Modified` (send them back as `If-None-Match`/`If-Modified-Since` for a `304`)
and may be cached as long as `Cache-Control` says. Any web page may read the API
(CORS).

Without a key a client may make a limited number of requests a minute (by
address); partners get a key with a higher limit from the newsroom and send it as
`X-API-Key`. Over the limit the answer is `429` with `Retry-After` (seconds).
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` tell where a client
stands.
"""


class Renderer(JSONRenderer):
    # Kazakh and Russian stay readable, and a third shorter than as \\u escapes.
    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


class NewsroomAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})["partnerKey"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "A partner's key, for a higher rate limit. A key that is "
            "not valid (any more) is refused with 401.",
        }
        # The key is optional: every endpoint answers without one.
        schema["security"] = [{}, {"partnerKey": []}]
        return schema


class LocalSwagger(Swagger):
    """Swagger UI from the files django-ninja ships, served as our static files.

    django-ninja takes them from a CDN unless it is an installed app, and
    installing it loads it and pydantic into every process at start-up (14 MiB of
    each worker's memory, for pages that never use them): settings name its
    template and static folders instead, and the API loads on its first request.
    """

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NewsroomAPI(
    title=f"{settings.NEWSROOM_SITE_NAME} API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(settings={"defaultModelsExpandDepth": 0}),
    renderer=Renderer(),
)


def _error(request, status: int, detail: str, errors=()):
    return api.create_response(
        request, {"detail": detail, "errors": list(errors)}, status=status
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = [
        {
            "parameter": ".".join(str(p) for p in error.get("loc", ())[1:]) or "query",
            "message": describe_error(error),
        }
        for error in exc.errors
    ]
    return _error(request, 400, _("Some parameters are not valid."), errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Nothing is published at this address."))


@api.get(
    "/",
    response={200: schemas.Index, **stories.COMMON},
    url_name="api-root",
    summary="Where everything is",
    tags=["index"],
)
def index(request):
    """The addresses of the API's lists, its OpenAPI document and its docs."""
    present = Presenter(request)
    return {
        name: present.api_url(name)
        for name in ("stories", "search", "sections", "sources", "authors", "tags")
    } | {
        "openapi": present.api_url("openapi-json"),
        "docs": present.api_url("openapi-view"),
        "languages": ["kk", "kk-Latn", "ru", "en"],
    }


api.add_router("", stories.router)
api.add_router("", catalog.router)


@api_endpoint
def unknown(request, rest=""):
    """Answer any other address under the API with JSON, not the site's page."""
    return JsonResponse(
        {"detail": _("Nothing is published at this address."), "errors": []},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def _wrapped(patterns):
    """Give every address of the API the keys, rate limit, caching and CORS."""
    seen = set()
    for pattern in patterns:
        if pattern.name in seen:  # ninja's own root, shadowed by the index
            continue
        seen.add(pattern.name)
        yield URLPattern(
            pattern.pattern,
            api_endpoint(pattern.callback),
            pattern.default_args,
            pattern.name,
        )


app_name = api.urls_namespace
urlpatterns = [
    *_wrapped(api.urls[0]),
    path("<path:rest>", unknown, name="unknown"),
]
