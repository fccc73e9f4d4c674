"""One clock: every time shown to a person is in the zone of the region its record belongs to, and says so.

Indonesia has three time zones; the server's ``TIME_ZONE`` is only where the platform runs. A
Samarinda application submitted at 13.26 WITA must read 13.26 WITA on the receipt, in the e-mail
and on the data-use log alike, never 12.26 (the server's WIB) on one of them. So every page,
message and export formats times here (templates through the ``clock`` tag library):

- ``local_time(value, where)``: "3 Desember 2026, 13.26 WITA", the date, the hour and the zone's label;
- ``local_hour(value, where)``: "13.26 WITA", for a time whose day is plain from the context;
- ``local_date(value, where)``: "3 Desember 2026", the calendar day in that zone (no label: a day has none).

``where`` is the record's zone: an IANA name (``Region.time_zone``), anything with a ``time_zone``
attribute (a ``regions.Region``), or nothing for the server's own zone. Month names follow the
active language ("Desember", "December"); hours are written 13.26 in Indonesian, 13:26 otherwise.
"""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language

#: The three zones of Indonesia by their legal names (Keppres 41/1987); ``regions.TimeZone`` holds the same.
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(where=None) -> str:
    """The IANA name of ``where`` (a zone name or an object with ``time_zone``); the server's when there is none."""
    name = getattr(where, "time_zone", where)
    return name if isinstance(name, str) and name else settings.TIME_ZONE


def zone_label(where=None) -> str:
    """WIB, WITA or WIT; another zone by its abbreviation (UTC), or its name when it has none."""
    name = zone_name(where)
    if name in ZONE_LABELS:
        return ZONE_LABELS[name]
    abbreviation = timezone.now().astimezone(_zone(name)).tzname() or ""
    return name if abbreviation.startswith(("+", "-")) or not abbreviation else abbreviation


def in_zone(value: dt.datetime, where=None) -> dt.datetime:
    """``value`` as a wall-clock time in ``where``'s zone (a naive value is read in the server's zone)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, _zone(settings.TIME_ZONE))
    return value.astimezone(_zone(zone_name(where)))


def local_time(value, where=None) -> str:
    """'3 Desember 2026, 13.26 WITA'; '' for no value."""
    moment = _moment(value)
    if moment is None:
        return _as_text(value)
    local = in_zone(moment, where)
    return f"{_day(local)}, {_hour(local)} {zone_label(where)}"


def local_hour(value, where=None) -> str:
    """'13.26 WITA'; '' for no value."""
    moment = _moment(value)
    if moment is None:
        return _as_text(value)
    return f"{_hour(in_zone(moment, where))} {zone_label(where)}"


def local_date(value, where=None) -> str:
    """'3 Desember 2026': a date as it is, a moment as the day it was in ``where``'s zone; '' for no value.

    Also takes an ISO date or date-time string (registry data keep dates so: "1990-04-12").
    """
    if isinstance(value, str):
        value = _parsed(value) or value
    if isinstance(value, dt.datetime):
        value = in_zone(value, where).date()
    if isinstance(value, dt.date):
        return _day(value)
    return _as_text(value)


def iso(value, where=None, *, day: bool = False) -> str:
    """The machine-readable moment (for ``<time datetime>``) with the zone's offset, or the ``day`` in that
    zone; '' for no value."""
    if isinstance(value, str):
        value = _parsed(value)
    if isinstance(value, dt.datetime):
        local = in_zone(value, where)
        return local.date().isoformat() if day else local.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""


def _day(value: dt.date) -> str:
    """'3 Desember 2026': Django's date format "j F Y" written out, at a seventh of its formatter's cost (it is
    on every row of a worklist)."""
    return f"{value.day} {MONTHS[value.month]} {value.year}"


def _hour(local: dt.datetime) -> str:
    return local.strftime("%H.%M" if (get_language() or settings.LANGUAGE_CODE).startswith("id") else "%H:%M")


def _moment(value) -> dt.datetime | None:
    if isinstance(value, str):
        value = _parsed(value)
    return value if isinstance(value, dt.datetime) else None


def _parsed(text: str) -> dt.date | None:
    """An ISO date-time or date (a date-time when it has a time); None when it is neither."""
    for parse in (dt.datetime.fromisoformat, dt.date.fromisoformat):
        try:
            parsed = parse(text.strip())
        except ValueError:
            continue
        if isinstance(parsed, dt.datetime) and len(text.strip()) <= 10:
            return parsed.date()  # fromisoformat reads a bare date as midnight: it is a day, not a moment
        return parsed
    return None


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)
