"""`{% page_sections "places.compound" compound %}`: the parts other apps add to a page
(gongzhi.core.registry.page_section), rendered in their order where the tag stands."""

from django import template
from django.utils.safestring import mark_safe

from gongzhi.core import registry
from gongzhi.core.pages import render_contributions

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page: str, obj=None):
    parts = render_contributions(context.get("request"), registry.page_sections(page), obj)
    return mark_safe("".join(parts))  # noqa: S308 - our own templates, rendered with autoescape
