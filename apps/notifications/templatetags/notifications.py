from django import template

from apps.notifications import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The header's unread count: one COUNT per page, for a signed-in person only."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return selectors.unread_count(user)
