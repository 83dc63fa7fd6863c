"""Template helpers for showing progress: a bar with the health colour and the number as text."""

import unicodedata

from django import template
from django.template.defaultfilters import floatformat

from ..models import GoalStatus, Health, Metric, ProgressSource
from ..selectors import goal_health

register = template.Library()

# Health is never colour alone: each has a shape beside its words (the shape is decoration, hidden from readers).
HEALTH_ICONS = {Health.ON_TRACK: "●", Health.AT_RISK: "▲", Health.OFF_TRACK: "■"}
NOT_STARTED_ICON = "○"


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
        "health_icon": HEALTH_ICONS.get(health, NOT_STARTED_ICON if not_started else ""),
    }


def _is_currency_sign(char: str) -> bool:
    return unicodedata.category(char) == "Sc"


@register.filter
def with_unit(value, metric: Metric, places: str = "-2g") -> str:
    """A metric's value as people read it: "$131,000,000", "$2m", "USD 131,000,000", "78 days", "12%".

    A currency (a symbol, or any unit of a currency metric: "USD") goes before the amount, anything else after it;
    without a display unit a percent metric still reads with "%"."""
    if value is None or value == "":
        return ""
    number = floatformat(value, places)
    unit = metric.display_unit.strip() if metric.display_unit else ""
    if not unit:
        return f"{number}%" if metric.unit == Metric.Unit.PERCENT else number
    if _is_currency_sign(unit[-1]):  # "$", "€", "US$"
        return f"{unit}{number}"
    if _is_currency_sign(unit[0]):  # a currency in a scale: "$m" reads "$2m", "€k" reads "€600k"
        return f"{unit[0]}{number}{unit[1:]}"
    if metric.unit == Metric.Unit.CURRENCY:
        return f"{unit} {number}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


@register.filter
def with_unit_exact(value, metric: Metric) -> str:
    """with_unit, to the 4 decimals a value is stored with (where the last figure is checked in against)."""
    return with_unit(value, metric, "-4g")


SOURCE_WORDS = {
    ProgressSource.METRICS: "its metrics",
    ProgressSource.CHILDREN: "the goals under it",
    ProgressSource.MANUAL: "entered by hand",
}


@register.filter
def progress_source_words(source: str) -> str:
    """Where a goal's progress comes from, in words ("its metrics"); `source` is the one in use, never "auto"."""
    return SOURCE_WORDS.get(source, "")


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
