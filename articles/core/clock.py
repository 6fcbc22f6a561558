"""The newsroom's clock: publication times are read and entered in Asia/Almaty."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The one reading of the time zone setting: editors read and enter publication
# times on this clock, and mails and audit notes name it.
NEWSROOM_TZ = ZoneInfo(settings.TIME_ZONE)

# How the desk writes a moment in notes, mails and messages: 17.10.2024 09:30.
MINUTES = "%d.%m.%Y %H:%M"
SECONDS = "%d.%m.%Y %H:%M:%S"
# What a datetime-local form field expects as its initial value.
FORM_INPUT = "%Y-%m-%dT%H:%M"


def newsroom_time(value: datetime) -> datetime:
    """Return value on the newsroom's clock (Asia/Almaty)."""
    return timezone.localtime(value, NEWSROOM_TZ)


def newsroom_strftime(value: datetime, fmt: str = MINUTES) -> str:
    """Return value written on the newsroom's clock, by default as 17.10.2024 09:30."""
    return newsroom_time(value).strftime(fmt)


def newsroom_offset(now: datetime | None = None) -> str:
    """Return the newsroom's offset from UTC now, such as "+05:00"."""
    raw = newsroom_strftime(now or timezone.now(), "%z")
    return f"{raw[:3]}:{raw[3:]}"


def parse_newsroom_time(value: datetime) -> datetime:
    """Read a wall-clock time typed by an editor as newsroom time."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, NEWSROOM_TZ)
    return timezone.make_aware(value, NEWSROOM_TZ)
