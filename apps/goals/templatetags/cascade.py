"""Template helpers for showing progress: a bar with the health colour and the number as text."""

from django import template

from ..models import GoalStatus, Health
from ..selectors import goal_health

register = template.Library()


@register.inclusion_tag("progress_bar.html")
def progress_bar(goal, value=None):
    """The goal's progress (or `value`, a fraction) as a bar, its percentage and its health in words.

    A running goal without health is not started yet: no colour, no alarm, and it says so."""
    fraction = goal.progress if value is None else value
    health = goal_health(goal) if value is None else None
    not_started = value is None and health is None and goal.status == GoalStatus.ACTIVE
    return {
        "value": (fraction or 0) * 100,
        "percent": round((fraction or 0) * 100),
        "health": health or "none",
        "health_label": Health(health).label if health else "Not started" if not_started else "",
    }


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
