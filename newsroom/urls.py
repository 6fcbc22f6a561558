from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import Http404
from django.urls import URLResolver, include, path, re_path
from django.urls.resolvers import RoutePattern
from django.views.static import serve

from articles.admin import uploads
from articles.core.images import media_type
from articles.public import preview


class LazyURLResolver(URLResolver):
    """An included URLconf loaded on the first request under its prefix or the
    first reverse() in its namespace.

    include() imports the module at once, and Django's resolver fills in every
    included URLconf on the first reverse() anywhere: the read API would load
    django-ninja and pydantic in every process (14 MiB of each worker) although
    most never answer an API request.
    """

    def _populate(self):
        if "urlconf_module" in self.__dict__:  # loaded: fill in as usual
            super()._populate()

    @property
    def reverse_dict(self):
        self.urlconf_module  # noqa: B018 - loads it
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self.urlconf_module  # noqa: B018
        return super().namespace_dict

    @property
    def app_dict(self):
        self.urlconf_module  # noqa: B018
        return super().app_dict


urlpatterns = [
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "editor/images/upload/",
        uploads.editor_image_upload,
        name="editor_image_upload",
    ),
    path("preview/<int:pk>/", preview.story_preview, name="story_preview"),
    path("preview/share/<str:token>/", preview.shared_preview, name="story_share"),
    LazyURLResolver(
        RoutePattern("api/v1/"),
        "articles.public.api.urls",
        app_name="api-v1",
        namespace="api-v1",
    ),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a changed setting (as in tests) is honoured.
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except (OSError, ValueError):  # a name too long for the disk, a NUL byte
        raise Http404 from None
    # Pictures go out as the type of their (checked) format; anything else, such
    # as a file stored by an older version under its uploader's name, is a
    # download that no browser renders: never HTML, SVG or script on our origin.
    content_type = media_type(path)
    response["Content-Type"] = content_type or "application/octet-stream"
    if content_type is None:
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    return response


if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)
    ]

urlpatterns += [path("", include("articles.public.root_urls"))]

# The readers' pages first: nothing else starts with a language's prefix, and a
# story's address is then found without trying the admin's and the accounts' ones.
urlpatterns = [
    *i18n_patterns(
        path("", include("articles.public.urls")),
        prefix_default_language=True,
    ),
    *urlpatterns,
]

handler400 = "articles.public.bad_requests.bad_request"
handler404 = "articles.public.views.page_not_found"
