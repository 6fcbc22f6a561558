"""Addresses no page can mean, answered with 400 before any view or query sees them.

A NUL byte cannot be stored in PostgreSQL, nor looked up: the database driver
refuses the query outright. No address, slug, filter or search of the site can
contain one, so a request that carries one in its path or query string is refused
here, in every language, for the public site and the admin alike.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"
OWN_ADMIN_LISTS = "/admin/articles/"
ERROR_BAD_DATE = _(
    "This address asks for a date that cannot exist. Check the link or choose the "
    "date again."
)
ERROR_BAD_ADDRESS = _(
    "This address contains a character no page of the site can have. Check the "
    "link or type the address again."
)


# The admin's date drill-down (?published_at__year=2024&…__month=5): Django turns
# the values into dates with no check of their size, and a 40-digit year overflows.
DATE_PART_DIGITS = {"__year": 4, "__month": 2, "__day": 2}


def has_bad_date_part(request) -> bool:
    """Return whether a date drill-down parameter is not a number of its size."""
    for key, values in request.GET.lists():
        for suffix, digits in DATE_PART_DIGITS.items():
            if key.endswith(suffix) and any(
                not (value.isascii() and value.isdigit() and len(value) <= digits)
                for value in values
            ):
                return True
    return False


def has_nul(request) -> bool:
    """Return whether the request's path or query string carries a NUL byte."""
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class RefuseBadAddressesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_bad_date_part(request) and not request.path_info.startswith(
            OWN_ADMIN_LISTS
        ):
            # Our own admin lists drop such a filter with a message (admin.base);
            # the screens of the libraries we use would fail on it.
            return bad_request(request, None, message=ERROR_BAD_DATE)
        if has_nul(request):
            if request.path_info.startswith(API_PREFIX):
                # The read API answers in JSON, as its document says, errors too.
                response = JsonResponse({"detail": str(ERROR_BAD_ADDRESS)}, status=400)
                response["Cache-Control"] = "no-store"
                return response
            return bad_request(request, None, message=ERROR_BAD_ADDRESS)
        return self.get_response(request)


def bad_request(request, exception=None, *, message=None):
    """Render the 400 page (Django's handler400) with a message readers can act on."""
    response = render(
        request,
        "400.html",
        {"message": message or ERROR_BAD_ADDRESS},
        status=400,
        using="jinja2",
    )
    response["Cache-Control"] = "no-store"
    return response
