from django import template

from mpp.identity.staff_pages import staff_pages

register = template.Library()


@register.simple_tag
def staff_menu(user) -> list[tuple[str, str]]:
    """``{% staff_menu user as pages %}``: the (URL, label) pairs of the staff member's pages."""
    return staff_pages(user)
