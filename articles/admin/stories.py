"""The story admin: the list, the form, and the workflow's buttons and views."""

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.base import NewsroomAdmin, has_right
from articles.admin.catalog import URL_FIELD
from articles.admin.editor import EDITOR_WIDGETS
from articles.admin.workflow import StoryAdminForm, TimingFilter, WorkflowAdminMixin
from articles.core.latin import to_latin
from articles.models import (
    Correction,
    Story,
    StoryEvent,
)
from articles.search import results as search_results
from articles.workflow import rules

admin.site.site_header = _("Newsroom")


admin.site.site_title = _("Newsroom")


admin.site.index_title = _("Editorial desk")


class StoryEventInline(admin.TabularInline):
    model = StoryEvent
    fields = ["created_at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Workflow notes of a colleague's story are the desk's, not every reader's.
        return has_right(request, "history", "view", obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["created_at", "note", "created_by"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_story")


@admin.register(Story)
class StoryAdmin(WorkflowAdminMixin, NewsroomAdmin):
    capability = "story"
    form = StoryAdminForm
    formfield_overrides = {**URL_FIELD, **EDITOR_WIDGETS}  # type: ignore[dict-item]
    list_display = [
        "headline",
        "status_badge",
        "language",
        "category",
        "source",
        "bylines",
        "published_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        TimingFilter,
        "language",
        "category",
        "source",
        "authors",
        "featured",
    ]
    search_fields = ["headline", "dek", "body_text"]
    date_hierarchy = "published_at"
    list_select_related = ["category", "source"]
    list_per_page = 50
    autocomplete_fields = ["tags", "authors", "hero_image", "translation_of"]
    readonly_fields = [
        "status",
        "publication_time",
        "created_by",
        "created_at",
        "updated_at",
        "latin_preview",
    ]
    inlines = [CorrectionInline, StoryEventInline]
    actions = ["submit_selected", "approve_selected", "publish_selected"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (
            _("Where it belongs"),
            {"fields": ["language", "category", "tags", "authors", "featured"]},
        ),
        (_("Picture"), {"fields": ["hero_image", "use_body_picture"]}),
        (
            _("Latin script"),
            {
                "fields": ["latin_overrides", "latin_preview"],
                "description": _(
                    "Kazakh stories are also published in the Latin alphabet, "
                    "spelled automatically from the Cyrillic text."
                ),
            },
        ),
        (
            _("Source"),
            {"fields": ["source", "original_url", "translation_of"]},
        ),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "publication_time",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # Lists, change pages and autocomplete alike: a journalist sees their own
        # stories and the published ones, never a colleague's draft.
        stories = super().get_queryset(request).prefetch_related("authors")
        return rules.visible_stories(request.user, stories)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        # Best matches first, unless the editor sorts by a column.
        ranked = search_results.search_queryset(
            queryset, search_term, best_first=ORDER_VAR not in request.GET
        )
        return ranked, False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.slug_is_fixed:
            fields.append("slug")
        return fields

    def has_publish_permission(self, request):
        return has_right(request, "story", "publish")

    def has_review_permission(self, request):
        return has_right(request, "story", "review")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        state = rules.state_of(obj)
        return format_html(
            '<span class="status status-{}">{}</span>',
            state,
            rules.state_label(state),
        )

    @admin.display(description=_("in the Latin edition"))
    def latin_preview(self, obj):
        if obj is None or obj.pk is None or obj.language != "kk":
            return "—"
        return format_html(
            "<strong>{}</strong><br>{}",
            to_latin(obj.headline, obj.latin_overrides),
            to_latin(obj.dek, obj.latin_overrides),
        )

    @admin.display(description=_("authors"))
    def bylines(self, obj):
        return ", ".join(a.name for a in obj.authors.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        author = getattr(request.user, "author", None)
        if not change and author is not None and not form.instance.authors.exists():
            form.instance.authors.add(author)

    @admin.action(description=_("Submit selected stories for review"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(
        description=_("Publish selected stories now"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Approve selected stories"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve")
