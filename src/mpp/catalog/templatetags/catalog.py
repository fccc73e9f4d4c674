from django import template

from mpp.catalog.models import Channel
from mpp.identity.models import AssuranceLevel

register = template.Library()


@register.simple_tag
def channel_label(value: str) -> str:
    return Channel(value).label if value in Channel.values else value


@register.simple_tag
def assurance_label(value: int) -> str:
    return AssuranceLevel(value).label if value in AssuranceLevel.values else str(value)


@register.filter
def rupiah(amount: int) -> str:
    """30000 → "30.000" (Indonesian thousands separator)."""
    return f"{int(amount):,}".replace(",", ".")
