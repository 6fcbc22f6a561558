from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import two_factor
from articles.workflow import roles

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    actions = ["reset_two_factor"]

    @admin.action(
        description=_("Reset two-factor sign-in (a lost phone)"),
        permissions=["change"],
    )
    def reset_two_factor(self, request, queryset):
        reset = 0
        for user in queryset:
            # Not a superuser's, unless a superuser asks (as with every change).
            if self.has_change_permission(request, user):
                reset += bool(two_factor.two_factor_reset(user=user))
        self.message_user(
            request,
            ngettext(
                "%d person sets up two-factor sign-in again when signing in next.",
                "%d people set up two-factor sign-in again when signing in next.",
                reset,
            )
            % reset,
        )

    # Chief editors manage the staff, but only superusers hand out raw
    # permissions or superuser status: a role is given by its group.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser edits a superuser's account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)
