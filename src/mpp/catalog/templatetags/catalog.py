from django import template
from django.utils.html import format_html

from mpp.catalog import presentation
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


@register.filter
def lang_marked(value):
    """A ``presentation.Text``, wrapped in ``<span lang="…">`` when it is not in the page's language."""
    lang = getattr(value, "lang", "")
    if lang and value:
        return format_html('<span lang="{}">{}</span>', lang, value)
    return value


@register.filter
def regional(value):
    """A region's own text (an MPP's name or address): Indonesian, and marked so on a page in English."""
    return lang_marked(presentation.untranslated(str(value))) if value else value
