"""Numbers as the dashboards write them, in the reader's language: "1.234", "87,5%", "—" for none."""

from django import template
from django.utils.formats import number_format

register = template.Library()

NONE = "—"


@register.filter
def count(value) -> str:
    if value is None:
        return NONE
    return number_format(value, 0, use_l10n=True, force_grouping=True)


@register.filter
def number(value) -> str:
    """A count or a median (which may fall half-way: 2,5)."""
    if value is None:
        return NONE
    decimals = 0 if float(value).is_integer() else 1
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


@register.filter
def share(value) -> str:
    """0.875 → "87,5%"."""
    if value is None:
        return NONE
    return f"{number_format(value * 100, 1, use_l10n=True)}%"


@register.filter
def figure(value, card) -> str:
    """``value`` written as ``card``'s measure is: a share, or a number."""
    return share(value) if card.is_share else number(value)


@register.filter
def magnitude(value) -> str:
    """The size of a change, without its sign (the words say which way)."""
    return NONE if value is None else number(abs(value))


@register.filter
def points(value) -> str:
    """A change of shares, in percentage points, without its sign."""
    return NONE if value is None else number_format(abs(value) * 100, 1, use_l10n=True)


@register.filter
def percent(value) -> str:
    """A relative change (0.125 → "12,5%"), without its sign."""
    return NONE if value is None else f"{number_format(abs(value) * 100, 1, use_l10n=True)}%"
