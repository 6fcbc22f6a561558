from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.admin import uploads
from articles.public import preview

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "editor/images/upload/",
        uploads.editor_image_upload,
        name="editor_image_upload",
    ),
    path("preview/<int:pk>/", preview.story_preview, name="story_preview"),
    path("preview/share/<str:token>/", preview.shared_preview, name="story_share"),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a changed setting (as in tests) is honoured.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)
    ]

urlpatterns += [path("", include("articles.public.root_urls"))]

urlpatterns += i18n_patterns(
    path("", include("articles.public.urls")),
    prefix_default_language=True,
)

handler400 = "articles.public.bad_requests.bad_request"
handler404 = "articles.public.views.page_not_found"
