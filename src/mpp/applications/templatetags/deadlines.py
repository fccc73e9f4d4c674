"""A deadline in working days, as officers and citizens read it. ``{% load deadlines %}`` then

``{% step_deadline deadline zone %}``: the moment, then "(sisa 2 hari kerja)", "hari kerja terakhir" or
"terlambat 1 hari kerja" as a warning (an officer's ``Deadline`` and the region's zone);
``{% working_days clock %}``: "sisa 2 hari kerja", "hari terakhir" or "terlambat 1 hari kerja" (a citizen's
``{"left": n}`` or ``{"late": n}``).

Tags, not included templates: they are on every row of a worklist and a dashboard, where an include cost about
ten times as much CPU (issue #16's profiles).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mpp.core.templatetags.clock import local_time

register = template.Library()


@register.simple_tag
def step_deadline(deadline, zone=None) -> str:
    when = format_html('<span class="nowrap">{}</span>', local_time(deadline.at, zone))
    if deadline.is_overdue:
        late = ngettext("terlambat %(days)s hari kerja", "terlambat %(days)s hari kerja", deadline.days_late)
        return format_html(
            '{}\n<span class="tag late"><span class="icon icon-warning" aria-hidden="true"></span> {}</span>',
            when,
            late % {"days": deadline.days_late},
        )
    if deadline.days_left == 0:
        return format_html('{}\n<span class="tag soon">{}</span>', when, _("hari kerja terakhir"))
    left = ngettext("sisa %(days)s hari kerja", "sisa %(days)s hari kerja", deadline.days_left)
    return format_html('{}\n<span class="muted">({})</span>', when, left % {"days": deadline.days_left})


@register.simple_tag
def working_days(clock) -> str:
    if clock.get("late"):
        late = ngettext("terlambat %(days)s hari kerja", "terlambat %(days)s hari kerja", clock["late"])
        return format_html('<strong class="late">{}</strong>', late % {"days": clock["late"]})
    if clock.get("left") == 0:
        return _("hari terakhir")
    return ngettext("sisa %(days)s hari kerja", "sisa %(days)s hari kerja", clock["left"]) % {"days": clock["left"]}
