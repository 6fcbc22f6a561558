"""What every admin screen of the newsroom shares.

- Rights come from the capability matrix (``workflow.rules.CAPABILITIES``), object
  by object: the list, the form, a crafted POST and a bulk action all ask it.
- A list filter that makes no sense (a year with 40 digits, a value the database
  cannot compare) sends the editor back to the unfiltered list with Django's
  "invalid filter" notice, instead of an error page.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.db import DataError
from django.utils.translation import gettext_lazy as _

from articles.workflow import rules

ERROR_BAD_FILTER = _(
    "The list cannot be filtered that way (a date, number or value it cannot "
    "use), so it is shown without that filter."
)

# What a filter value can raise on its way into SQL: a year past datetime's range,
# a number the database cannot hold, a byte it cannot store.
BAD_FILTER_ERRORS = (OverflowError, ValueError, DataError)


class SafeChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except BAD_FILTER_ERRORS as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except BAD_FILTER_ERRORS as error:
            raise IncorrectLookupParameters(error) from error


def has_right(request, kind: str, action: str, obj=None) -> bool:
    """Return whether the signed-in staff member may take action (on obj)."""
    user = request.user
    return rules.role_of(user) != rules.ANONYMOUS and rules.allowed(
        user, kind, action, obj
    )


class NewsroomAdmin(admin.ModelAdmin):
    """A model admin whose rights are the matrix's cells for ``capability``."""

    capability = ""  # the matrix's name for the model: "image", "category"…

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # Django answers a filter it cannot apply by sending the editor to the
        # unfiltered list (?e=1); say why.
        if response.status_code == 302 and response.get("Location", "").endswith(
            f"?{ERROR_FLAG}=1"
        ):
            self.message_user(request, ERROR_BAD_FILTER, messages.ERROR)
        return response

    def has_view_permission(self, request, obj=None):
        return has_right(request, self.capability, "view", obj) or (
            self.has_change_permission(request, obj)
        )

    def has_add_permission(self, request):
        return has_right(request, self.capability, "add")

    def has_change_permission(self, request, obj=None):
        return has_right(request, self.capability, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return has_right(request, self.capability, "delete", obj)
