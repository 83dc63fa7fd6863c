"""What the page views share: finding a goal the viewer may see, and refusing what they may not change."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .. import permissions
from ..models import Goal


def visible_goal(request, pk: int, *related: str) -> Goal:
    """The goal if the viewer may see it; 404 otherwise, so a hidden goal's existence is not revealed."""
    queryset = permissions.visible_goals(request.user).select_related("cycle", "owner", "unit", "parent", *related)
    return get_object_or_404(queryset, pk=pk)


def changeable_goal(request, pk: int) -> Goal:
    """The goal if the viewer may change it: 404 if they may not see it, 403 if they may only see it."""
    goal = visible_goal(request, pk)
    if not permissions.can_change_goal(request.user, goal):
        raise PermissionDenied("You may see this goal but not change it.")
    return goal


def local_next(request) -> str:
    """The page a form came from (`next` in the POST, else in the query string) if it is on this site, else ""."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return ""


def redirect_back(request, goal: Goal):
    """To the page the form came from (a local `next`), else to the goal's page."""
    return redirect(local_next(request) or reverse("goals:detail", args=[goal.pk]))


def wants_archived(request) -> bool:
    """Whether the list page was asked for its archived goals (`?archived=1`) instead of the goals in use."""
    return request.GET.get("archived") == "1"


def archived_rows(request, goals, paths: dict[int, str] | None = None) -> list[dict]:
    """Archived goals as the "Archived" lists show them: each with its line of sight and whether the viewer may
    restore it (whoever may archive it)."""
    paths = paths or {}
    return [
        {"goal": goal, "path": paths.get(goal.pk, ""), "can_restore": permissions.can_change_goal(request.user, goal)}
        for goal in goals
    ]
