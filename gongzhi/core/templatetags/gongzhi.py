from django import template
from django.utils.http import urlencode

from gongzhi.core import audit_display
from gongzhi.core.phones import mask_phone as _mask_phone

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def action_label(action: str) -> str:
    return audit_display.action_label(action)


@register.filter
def actor_name(label: str) -> str:
    """The actor of a history entry as the page shows it: the person's name, without the login
    name the audit log keeps beside it ("梁艳 (property)" reads 梁艳)."""
    return audit_display.actor_name(label)


@register.filter
def audit_changes(entry):
    return audit_display.changes(entry)


@register.filter
def mask_phone(phone, can_see=False):
    return phone if can_see else _mask_phone(phone)
