"""The query parameters the API's endpoints share, and the cursors of its lists."""

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BeforeValidator

from articles.models import CALENDAR_YEARS, day_start

LATIN = "kk-Latn"
ApiLanguage = Literal["kk", "kk-Latn", "ru", "en"]

MAX_SLUG = 200  # longer than any slug we make
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def slug_param(description: str):
    return Field(
        None, max_length=MAX_SLUG, pattern=SLUG_PATTERN, description=description
    )


# Cursors are positions, not secrets: the publication time (microseconds from the
# epoch) and id of the last story of a page, the offset into search results, or
# the last slug of a catalogue page. Any value of the right form is a position,
# so it can be checked by the OpenAPI document alone.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STORY_CURSOR = r"^-?[0-9]{1,17}\.[0-9]{1,18}$"
SEARCH_CURSOR = r"^[0-9]{1,6}$"
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
_LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def cursor_param(pattern: str):
    return Field(
        None,
        max_length=40,
        pattern=pattern,
        description="Where the page starts: `next_cursor` of the page before.",
    )


def story_cursor(published_at: datetime, pk: int) -> str:
    """Return the cursor of the stories after this one (newest first)."""
    micros = (published_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{pk}"


def after_cursor(token: str) -> Q:
    """Return the condition for stories after the cursor's position."""
    micros, pk = (int(part) for part in token.split("."))
    earliest = (_EARLIEST - EPOCH) // timedelta(microseconds=1)
    latest = (_LATEST - EPOCH) // timedelta(microseconds=1)
    moment = EPOCH + timedelta(microseconds=min(max(micros, earliest), latest))
    return Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk)


def within_calendar(day: date) -> date:
    """Bring a day into the years the newsroom's clock can count (a range that
    starts or ends outside them is a range without that bound)."""
    first, last = CALENDAR_YEARS[0], CALENDAR_YEARS[-1]
    return min(max(day, date(first, 1, 1)), date(last, 12, 30))


ERROR_DAY = _("Give a day as YYYY-MM-DD.")
DAY_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _iso_day(value):
    # pydantic would also take numbers ("0" is 1 January 1970); the document
    # promises a day written out, so only that is taken.
    if isinstance(value, str) and not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value
    ):
        raise ValueError(str(ERROR_DAY))
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class Period(Schema):
    date_from: Day | None = Field(
        None, description="First day of publication (Asia/Almaty), YYYY-MM-DD."
    )
    date_to: Day | None = Field(
        None,
        description="Last day of publication (Asia/Almaty), included. Before "
        "`date_from`, nothing matches.",
    )

    def period_q(self) -> Q:
        found = Q()
        if self.date_from:
            found &= Q(published_at__gte=day_start(within_calendar(self.date_from)))
        if self.date_to:
            end = within_calendar(self.date_to) + timedelta(days=1)
            found &= Q(published_at__lt=day_start(end))
        return found


class StoryFilters(Period):
    language: ApiLanguage | None = Field(
        None,
        description="Only stories in this language; `kk-Latn` gives the Kazakh "
        "stories spelled in the Latin alphabet.",
    )
    section: str | None = slug_param("A section's slug (its subsections included).")
    source: str | None = slug_param("A source's slug.")


class StoryListFilters(StoryFilters):
    author: str | None = slug_param("An author's slug.")
    tag: str | None = slug_param("A tag's slug.")
    cursor: str | None = cursor_param(STORY_CURSOR)
    limit: int = Field(20, ge=1, le=100, description="Stories on a page.")


class SearchFilters(StoryFilters):
    # A NUL byte is refused with a 400 before the API sees the request (as on
    # every address of the site): the document says so.
    q: str = Field(
        ...,
        min_length=1,
        max_length=1000,
        pattern=r"^[^\x00]*$",
        description="Words to look for (any text without NUL characters).",
    )
    cursor: str | None = cursor_param(SEARCH_CURSOR)
    # The first 20 come with the count in one query; more would rank twice.
    limit: int = Field(20, ge=1, le=20, description="Stories on a page.")


class CatalogPage(Schema):
    cursor: str | None = cursor_param(SLUG_PATTERN)
    limit: int = Field(50, ge=1, le=200, description="Entries on a page.")


# Search ranks the newest matches; deeper pages than this are for the story list.
MAX_SEARCH_OFFSET = 1_000


# What pydantic found wrong with a parameter, said in the reader's language.
ERRORS = {
    "missing": _("This parameter is required."),
    "int_parsing": _("Give a whole number."),
    "int_type": _("Give a whole number."),
    "less_than_equal": _("At most %(le)s."),
    "greater_than_equal": _("At least %(ge)s."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "string_pattern_mismatch": _("Not in the expected form: %(pattern)s"),
    "literal_error": _("Choose one of %(expected)s."),
    "date_parsing": ERROR_DAY,
    "date_from_datetime_parsing": ERROR_DAY,
    "date_from_datetime_inexact": ERROR_DAY,
    "date_type": ERROR_DAY,
}


def describe_error(error: dict) -> str:
    """Return a message for one of pydantic's errors about a parameter."""
    known = ERRORS.get(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if "expected" in context:  # "'kk', 'ru' or 'en'": the "or" is English
        context["expected"] = str(context["expected"]).replace(" or ", ", ")
    if known is not None:
        try:
            return str(known) % context if "%(" in str(known) else str(known)
        except (KeyError, TypeError, ValueError):
            pass
    # pydantic prefixes the messages of our own checks.
    return str(error.get("msg", "")).removeprefix("Value error, ")
