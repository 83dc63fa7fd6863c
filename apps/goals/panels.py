"""Sections that the apps above goals add to the goal page, without goals importing them.

The goal page (apps.goals.views.goal.goal_detail) belongs to goals, but proposals, reviews and templates have
something to say on it: a "Propose a goal under this" form, the goal's review, "Save as a template". Each registers
a panel here in its AppConfig.ready(); the page renders every registered panel, in `order`, between the goals under
it and the comments. A panel is a function `(request, goal) -> str | None`: the HTML of its section (rendered with
render_to_string, so escaped as any template), or None when it has nothing to show to this person. A panel answers
in one or two queries: the goal page's query count is pinned (tests/goals/test_views.py).
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from .models import Goal

Panel = Callable[[HttpRequest, Goal], str | None]
_panels: list[tuple[int, str, Panel]] = []


def register_panel(panel: Panel, *, order: int = 100) -> Panel:
    """Show `panel(request, goal)` on every goal page (lower `order` first). Registering twice changes nothing."""
    name = f"{panel.__module__}.{panel.__qualname__}"
    if all(known != name for _, known, _ in _panels):
        _panels.append((order, name, panel))
        _panels.sort(key=lambda item: (item[0], item[1]))
    return panel


def render_panels(request: HttpRequest, goal: Goal) -> list[SafeString]:
    """The HTML of each registered panel that has something to show on `goal`'s page to `request.user`."""
    out = []
    for _, _, panel in _panels:
        html = panel(request, goal)
        if html:
            out.append(mark_safe(html))  # rendered by the panel's own template, which escapes what it shows
    return out
