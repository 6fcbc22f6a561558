"""Admin for imports: source feeds, the record of imported items, story-file upload."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.admin.base import NewsroomAdmin, has_right
from articles.ingest.catalog import Catalog, importer_user
from articles.ingest.catalog import may_publish_imports as _may_publish
from articles.ingest.pipeline import story_import
from articles.ingest.rss import feed_ingest
from articles.ingest.summary import ImportSummary, ItemError
from articles.ingest.textfile import MAX_FILE_BYTES, read_story_bytes
from articles.models import ImportedItem, SourceFeed

MAX_UPLOAD_FILES = 50
ERROR_TOO_MANY_UPLOADS = _("Upload at most %(limit)d files at a time.")
MESSAGE_COUNTS = _(
    "Created: %(created)d, updated: %(updated)d, published: %(published)d, "
    "skipped: %(skipped)d, failed: %(failed)d."
)
ERROR_UPLOAD_TOO_LARGE = _("The file is %(size)d bytes; at most %(limit)d are read.")


def counts_message(summary: ImportSummary) -> str:
    return MESSAGE_COUNTS % {
        "created": summary.created,
        "updated": summary.updated,
        "published": summary.published,
        "skipped": summary.skipped,
        "failed": summary.failed,
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], "required")
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                ERROR_TOO_MANY_UPLOADS % {"limit": MAX_UPLOAD_FILES}
            )
        return files


class StoryFileUploadForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Story files"),
        help_text=_(
            "Plain text: the category on the first line, then the headline, the "
            "paragraphs separated by blank lines, and the source's name last."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish at once (archives)"),
        required=False,
        help_text=_(
            "Otherwise the stories go to the review queue. Stories imported before "
            "and still untouched in review are published too; those edited since "
            "are left as they are."
        ),
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]


def import_story_files(*, uploads, user, publish: bool) -> ImportSummary:
    """Import uploaded story files as user; each file is one item."""
    summary = ImportSummary()
    # Sections, sources and the rest are created only if user may create them.
    catalog = Catalog(user=user)
    for upload in uploads:
        if upload.size > MAX_FILE_BYTES:
            summary.fail(
                upload.name,
                ERROR_UPLOAD_TOO_LARGE % {"size": upload.size, "limit": MAX_FILE_BYTES},
            )
            continue
        try:
            item = read_story_bytes(upload.read(), where=upload.name, publish=publish)
        except ItemError as error:
            summary.fail(upload.name, str(error))
            continue
        # A handful of files from a colleague: the desk hears of them as usual.
        summary.add(story_import(item=item, user=user, catalog=catalog, notify=True))
    return summary


class ImportedItemAdmin(NewsroomAdmin):
    capability = "import"
    list_display = ["kind", "short_key", "story", "image", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["key", "story__headline"]
    list_select_related = ["story", "image"]
    readonly_fields = ["kind", "key", "story", "image", "fingerprint", "imported_at"]
    date_hierarchy = "imported_at"

    @admin.display(description=_("key"))
    def short_key(self, obj):
        return Truncator(obj.key).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "upload-stories/",
                self.admin_site.admin_view(self.upload_view),
                name="articles_import_stories",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """Let journalists and editors import story files; chief editors may publish."""
        user = request.user
        if not has_right(request, "import", "add"):
            raise PermissionDenied
        can_publish = _may_publish(user)
        summary = None
        if request.method == "POST":
            form = StoryFileUploadForm(
                request.POST, request.FILES, can_publish=can_publish
            )
            if form.is_valid():
                summary = import_story_files(
                    uploads=form.cleaned_data["files"],
                    user=user,
                    publish=can_publish and form.cleaned_data.get("publish", False),
                )
                level = messages.SUCCESS if not summary.failed else messages.WARNING
                self.message_user(request, counts_message(summary), level)
                form = StoryFileUploadForm(can_publish=can_publish)
        else:
            form = StoryFileUploadForm(can_publish=can_publish)
        rows = []
        if summary is not None:
            for result in summary.results:
                url = (
                    reverse("admin:articles_story_change", args=[result.story_id])
                    if result.story_id
                    else ""
                )
                rows.append((result, url))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import story files"),
            "form": form,
            "summary": summary,
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/articles/import_stories.html", context)


class SourceFeedAdmin(NewsroomAdmin):
    capability = "feed"
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    list_display = [
        "url",
        "source",
        "last_checked_at",
        "status_display",
        "last_new_items",
        "error_display",
    ]
    list_filter = ["active", "source"]
    search_fields = ["url", "source__name"]
    list_select_related = ["source"]
    autocomplete_fields = ["source", "category"]
    readonly_fields = [
        "last_checked_at",
        "last_status",
        "last_new_items",
        "last_error",
        "etag",
        "last_modified",
    ]
    actions = ["poll_now"]

    @admin.display(description=_("last HTTP status"), ordering="last_status")
    def status_display(self, obj):
        return obj.last_status or "—"

    @admin.display(description=_("last error"))
    def error_display(self, obj):
        if not obj.last_error:
            return "—"
        return format_html(
            '<span class="errornote" title="{}">{}</span>',
            obj.last_error,
            Truncator(obj.last_error).chars(80),
        )

    @admin.action(description=_("Poll selected feeds now"), permissions=["change"])
    def poll_now(self, request, queryset):
        user = importer_user()
        catalog = Catalog(user=request.user)
        total = ImportSummary()
        for feed in queryset.select_related("source", "category"):
            total.merge(feed_ingest(feed=feed, user=user, catalog=catalog))
        self.message_user(
            request,
            counts_message(total),
            messages.WARNING if total.failed else messages.SUCCESS,
        )


admin.site.register(SourceFeed, SourceFeedAdmin)
admin.site.register(ImportedItem, ImportedItemAdmin)
