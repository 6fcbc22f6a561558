"""The newsroom's clock: publication times are read and entered in Asia/Almaty."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The newsroom's clock: editors read and enter publication times in this zone.
NEWSROOM_TZ = ZoneInfo(settings.TIME_ZONE)


def newsroom_time(value: datetime) -> datetime:
    """Return value on the newsroom's clock (Asia/Almaty)."""
    return timezone.localtime(value, NEWSROOM_TZ)


def newsroom_offset(now: datetime | None = None) -> str:
    """Return the newsroom's offset from UTC now, such as "+05:00"."""
    raw = newsroom_time(now or timezone.now()).strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def parse_newsroom_time(value: datetime) -> datetime:
    """Read a wall-clock time typed by an editor as newsroom time."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, NEWSROOM_TZ)
    return timezone.make_aware(value, NEWSROOM_TZ)
