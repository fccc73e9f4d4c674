"""The index's numbers as pages write them, in the reader's language: "82,64", "3,50", "1.234", "—" for none."""

from django import template
from django.utils.formats import number_format

register = template.Library()

NONE = "—"


@register.filter
def decimal2(value) -> str:
    """An IKM or an NRR, two decimals: 82,64 (Indonesian) or 82.64 (English)."""
    if value is None:
        return NONE
    return number_format(value, 2, use_l10n=True)


@register.filter
def whole(value) -> str:
    """A count with thousands grouped: 1.234."""
    if value is None:
        return NONE
    return number_format(value, 0, use_l10n=True, force_grouping=True)


@register.filter
def grade_label(grade) -> str:
    """ "B · Baik": the letter and the regulation's word for it."""
    if grade is None:
        return NONE
    return f"{grade.value} · {grade.label}"
