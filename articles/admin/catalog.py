"""The newsroom's catalogue in the admin: pictures, sections, sources, tags, authors."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.base import NewsroomAdmin
from articles.core.images import check_image
from articles.models import (
    Author,
    Category,
    Image,
    Source,
    Tag,
)
from articles.workflow import catalog
from articles.workflow.purges import catalog_purge


class PurgeOnChange:
    """Purge the public pages that show an item once it is saved or deleted."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        catalog_purge(items=[obj])

    def delete_model(self, request, obj):
        catalog_purge(items=[obj])
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request, queryset):
        catalog_purge(items=list(queryset))
        super().delete_queryset(request, queryset)  # type: ignore[misc]


URL_FIELD = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}


class PictureField(forms.ImageField):
    """An image field that judges a file by its content, not by its name.

    Django's own checks the name's extension; ours stores the picture under the
    format Pillow finds inside it (see core.images), as every other path does.
    """

    default_validators = []


def _checked(upload, current):
    """Return a newly uploaded picture checked (and renamed after its format)."""
    if upload and upload is not current and hasattr(upload, "content_type"):
        return check_image(upload).content
    return upload


class VersionedForm(forms.ModelForm):
    """A catalogue form carrying the version it was opened at (optimistic lock)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean() or {}
        if self.instance.pk is None or self.user is None:
            return cleaned
        try:
            # Runs inside the admin's transaction: the row stays locked until the
            # save, so a second person saving the same version is refused here.
            catalog.item_lock_for_edit(
                obj=self.instance,
                user=self.user,
                expected_version=cleaned.get("expected_version"),
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        return cleaned


class VersionedAdmin(NewsroomAdmin):
    """Saves through the catalogue's service, with the user and the form's version."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class BoundUserForm(form):  # type: ignore[valid-type, misc]
            def __init__(self, *args, **kw):
                super().__init__(*args, user=user, **kw)

        return BoundUserForm

    def save_model(self, request, obj, form, change):
        # The change list's inline edits (a section's position) carry no version:
        # they are made on the row as loaded for the save.
        if "expected_version" in form.fields:
            expected = form.cleaned_data.get("expected_version")
        else:
            expected = obj.version
        catalog.item_save(obj=obj, user=request.user, expected_version=expected)


class ImageForm(VersionedForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        field_classes = {"file": PictureField}

    def clean_file(self):
        return _checked(self.cleaned_data.get("file"), self.instance.file)


@admin.register(Image)
class ImageAdmin(VersionedAdmin):
    capability = "image"
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "size", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    list_per_page = 50

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="" width="80" height="{}" class="admin-thumbnail">',
            obj.file.url,
            round(80 * obj.height / obj.width) if obj.width else 60,
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, unquote(object_id))
        if (
            request.method == "GET"
            and image is not None
            and self.has_view_permission(request, image)
            and not self.has_change_permission(request, image)
        ):
            # Say why the form is read-only, naming the story in the way.
            reason = catalog.refusal(request.user, image)
            self.message_user(request, str(reason), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


class CategoryForm(VersionedForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "name_ru",
            "name_en",
            "slug",
            "description",
            "position",
            "parent",
        ]


@admin.register(Category)
class CategoryAdmin(PurgeOnChange, VersionedAdmin):
    capability = "category"
    form = CategoryForm
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
        # A count groups the rows, and a grouped query drops Meta.ordering: the
        # sections' own order is asked for again (pages of the section picker).
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("stories"))
            .order_by("position", "name")  # Category.Meta.ordering
        )

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


def _https_urls(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class SourceForm(VersionedForm):
    class Meta:
        formfield_callback = _https_urls
        model = Source
        fields = [
            "name",
            "slug",
            "home_url",
            "logo",
            "description",
            "attribution_kk",
            "attribution_ru",
            "attribution_en",
            "is_own",
        ]
        field_classes = {"logo": PictureField}

    def clean_logo(self):
        return _checked(self.cleaned_data.get("logo"), self.instance.logo)


@admin.register(Source)
class SourceAdmin(PurgeOnChange, VersionedAdmin):
    capability = "source"
    form = SourceForm
    formfield_overrides = URL_FIELD  # type: ignore[assignment]
    list_display = ["name", "home_url", "is_own", "attribution_kk"]
    list_filter = ["is_own"]
    search_fields = ["name", "home_url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(PurgeOnChange, NewsroomAdmin):
    capability = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]}


class AuthorForm(VersionedForm):
    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "user"]


@admin.register(Author)
class AuthorAdmin(PurgeOnChange, VersionedAdmin):
    capability = "author"
    form = AuthorForm
    list_display = ["name", "user"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["user"]
