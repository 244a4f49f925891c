"""`{% page_sections "places.compound" compound %}`: the parts other apps add to a page
(gongzhi.core.registry.page_section), rendered in their order where the tag stands."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from gongzhi.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page: str, obj=None):
    request = context.get("request")
    parts = []
    for section in registry.page_sections(page):
        data = section.context(request, obj)
        if data is not None:
            parts.append((mark_safe(render_to_string(section.template, data, request=request)),))  # noqa: S308 - our own template
    return format_html_join("", "{}", parts)
