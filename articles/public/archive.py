"""The archive: a year, a month or a day of public stories in the reader's language."""

import calendar
from datetime import date, timedelta

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import (
    CALENDAR_YEARS,
    active_language,
    day_start,
)
from articles.public.page_cache import public_page, show
from articles.public.views import public_stories, story_list


@public_page
def archive(request, year, month=None, day=None):
    if year not in CALENDAR_YEARS:
        raise Http404
    try:
        if day is not None:
            start_day = date(year, month, day)
            end_day = start_day + timedelta(days=1)
        elif month is not None:
            start_day = date(year, month, 1)
            end_day = start_day + timedelta(days=calendar.monthrange(year, month)[1])
        else:
            start_day, end_day = date(year, 1, 1), date(year + 1, 1, 1)
    except (ValueError, OverflowError):
        raise Http404 from None
    stories = public_stories().filter(
        published_at__gte=day_start(start_day), published_at__lt=day_start(end_day)
    )
    show(request, f"lang-{active_language()}")
    year_label = str(year)
    crumbs: list[tuple[str, str | None]] = [(_("Archive"), None)]
    if day is not None:
        title = date_format(start_day, "DATE_FORMAT")
        crumbs = [
            (year_label, reverse("articles:archive_year", args=[year])),
            (date_format(start_day, "YEAR_MONTH_FORMAT"),
             reverse("articles:archive_month", args=[year, month])),
            (title, None),
        ]  # fmt: skip
    elif month is not None:
        title = date_format(start_day, "YEAR_MONTH_FORMAT")
        crumbs = [
            (year_label, reverse("articles:archive_year", args=[year])),
            (title, None),
        ]
    else:
        title = year_label
        crumbs = [(title, None)]
    periods = []
    if day is None:
        kind = "day" if month is not None else "month"
        for moment in stories.datetimes("published_at", kind, order="DESC"):
            local = timezone.localtime(moment)
            if kind == "day":
                periods.append(
                    (
                        date_format(local, "MONTH_DAY_FORMAT"),
                        reverse(
                            "articles:archive_day",
                            args=[local.year, local.month, local.day],
                        ),
                    )
                )
            else:
                periods.append(
                    (
                        date_format(local, "YEAR_MONTH_FORMAT"),
                        reverse(
                            "articles:archive_month", args=[local.year, local.month]
                        ),
                    )
                )
    return story_list(
        request,
        stories.order_by("-published_at"),
        title=_("News of %(period)s") % {"period": title},
        breadcrumbs=crumbs,
        periods=periods,
    )
