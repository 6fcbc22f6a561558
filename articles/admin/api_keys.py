"""Partners' keys to the read API, managed by the chief editor."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from articles.models import ApiKey
from articles.workflow.api_keys import api_key_create, api_key_delete, api_key_update


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "rate_limit", "active", "contact", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "contact", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "contact", "rate_limit", "note"]
        return [
            "name",
            "contact",
            "rate_limit",
            "active",
            "note",
            *self.readonly_fields,
        ]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            api_key_update(
                key_id=obj.pk,
                name=data["name"],
                contact=data["contact"],
                note=data["note"],
                rate_limit=data["rate_limit"],
                active=data["active"],
            )
            return
        key, raw = api_key_create(
            name=data["name"],
            contact=data["contact"],
            note=data["note"],
            rate_limit=data["rate_limit"],
            created_by=request.user,
        )
        # The admin goes on with obj (history, messages): make it the stored key.
        obj.__dict__.update(key.__dict__)
        request.new_api_key = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "new_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/articles/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API key for %(name)s") % {"name": obj.name},
                "opts": self.opts,
                "key": obj,
                "raw_key": raw,
                "list_url": reverse("admin:articles_apikey_changelist"),
                "docs_url": reverse("api-v1:openapi-view"),
            },
        )
        # The secret is shown once: no cache may keep this page.
        add_never_cache_headers(response)
        return response

    def delete_model(self, request, obj):
        api_key_delete(key_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for key_id in queryset.values_list("pk", flat=True):
            api_key_delete(key_id=key_id)
