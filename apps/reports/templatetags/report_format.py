"""How the report pages write figures: percentages, gaps in points, days."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.goals.models import Health

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.425 → "43%"; None → "—"."""
    return "—" if value is None else f"{round(100 * value)}%"


@register.filter
def points(value) -> str:
    """A gap of -0.35 → "−35 pts"; None → "—"."""
    if value is None:
        return "—"
    rounded = round(100 * value)
    return f"{'−' if rounded < 0 else '+' if rounded > 0 else ''}{abs(rounded)} pts"


@register.filter
def width(value) -> int:
    """A progress figure as the width of a bar, 0–100."""
    return 0 if value is None else max(0, min(100, round(100 * value)))


@register.filter
def days(value) -> str:
    return "—" if value is None else f"{value:.1f} d"


@register.filter
def health_label(value) -> str:
    return Health(value).label if value in Health.values else ""


@register.simple_tag
def bar(value, kind: str, label: str = "") -> str:
    """A progress bar with its percentage (`label`, default `kind`, names it for a screen reader); "—" without a
    value. A tag rather than an included template: a report page draws some 300 of them."""
    if value is None:
        return mark_safe('<span class="empty">—</span>')
    shown = pct(value)
    return format_html(
        '<span class="bar {}" role="img" aria-label="{} {}"><span style="width: {}%"></span></span>'
        '<span class="pct">{}</span>',
        kind,
        label or kind,
        shown,
        width(value),
        shown,
    )
