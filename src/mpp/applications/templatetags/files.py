from django import template

from ..links import file_url as _file_url

register = template.Library()


@register.simple_tag(takes_context=True)
def file_url(context, upload_id) -> str:
    """``{% file_url upload_id %}``: a short-lived download link for the signed-in user."""
    return _file_url(upload_id, context["request"].user)
