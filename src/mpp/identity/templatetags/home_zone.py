"""``{% load clock home_zone %}{% home_zone as zone %}{{ session.created_at|local_time:zone }}``: the
signed-in person's own zone, for times that belong to no region (see ``mpp.identity.home_zone``)."""

from django import template

from mpp.identity.home_zone import home_zone as _home_zone

register = template.Library()


@register.simple_tag(takes_context=True)
def home_zone(context) -> str:
    request = context.get("request")
    return _home_zone(getattr(request, "user", None) or context.get("user"))
