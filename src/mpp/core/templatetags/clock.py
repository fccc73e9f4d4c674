"""The one way a template shows a time: ``{% load clock %}`` then

``{{ application.submitted_at|local_time:application.region }}`` → 3 Desember 2026, 13.26 WITA
``{{ event.at|local_hour:zone }}``                              → 13.26 WITA
``{{ issued.issued_at|local_date:zone }}``                      → 3 Desember 2026

The argument is the zone of the region the record belongs to (``Region`` or its ``time_zone``);
left out, the server's zone, labelled as well. Each renders a ``<time datetime>`` element, so
the moment stays machine-readable. See ``mpp.core.clock``.
"""

from django import template
from django.utils.html import format_html

from mpp.core import clock

register = template.Library()


def _element(text: str, value, where, *, day: bool = False) -> str:
    if not text:
        return ""
    machine = clock.iso(value, where, day=day)
    return format_html('<time datetime="{}">{}</time>', machine, text) if machine else text


@register.filter
def local_time(value, where=None):
    return _element(clock.local_time(value, where), value, where)


@register.filter
def local_hour(value, where=None):
    return _element(clock.local_hour(value, where), value, where)


@register.filter
def local_date(value, where=None):
    return _element(clock.local_date(value, where), value, where, day=True)


@register.filter
def zone_label(where):
    """WIB, WITA or WIT of a region or zone name."""
    return clock.zone_label(where)
