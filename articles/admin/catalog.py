"""The newsroom's catalogue in the admin: pictures, sections, sources, tags, authors."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.core.images import check_image
from articles.models import (
    Author,
    Category,
    Image,
    Source,
    Tag,
)
from articles.workflow.services import catalog_purge


class PurgeOnChange:
    """Purge the public pages that show an item once it is saved or deleted."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        catalog_purge(items=[obj])

    def delete_model(self, request, obj):
        catalog_purge(items=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        catalog_purge(items=list(queryset))
        super().delete_queryset(request, queryset)


URL_FIELD = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if (
            upload
            and upload is not getattr(self.instance, "file", None)
            and hasattr(upload, "content_type")
        ):
            return check_image(upload).content
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "size", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    list_per_page = 50

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="" width="80" height="{}" style="object-fit:cover">',
            obj.file.url,
            round(80 * obj.height / obj.width) if obj.width else 60,
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Category)
class CategoryAdmin(PurgeOnChange, admin.ModelAdmin):
    list_display = [
        "name",
        "name_ru",
        "name_en",
        "slug",
        "parent",
        "position",
        "story_count",
    ]
    list_editable = ["position"]
    search_fields = ["name", "name_ru", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Source)
class SourceAdmin(PurgeOnChange, admin.ModelAdmin):
    formfield_overrides = URL_FIELD
    list_display = ["name", "home_url", "is_own", "attribution_kk"]
    list_filter = ["is_own"]
    search_fields = ["name", "home_url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(PurgeOnChange, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(PurgeOnChange, admin.ModelAdmin):
    list_display = ["name", "user"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["user"]
