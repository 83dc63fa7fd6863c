"""The proposals section of a goal page (apps.goals.panels): "Propose a goal under this" and, for the goal's owner,
how many proposals wait under it. At most one query (the owner's count)."""

from django.template.loader import render_to_string

from apps.goals.models import Goal

from . import selectors
from .forms import layers_under


def proposals_panel(request, goal: Goal) -> str | None:
    if goal.archived_at is not None or not layers_under(goal) or not request.user.is_authenticated:
        return None
    is_owner = goal.owner_id == request.user.pk
    context = {"goal": goal, "is_owner": is_owner, "waiting": selectors.waiting_count_under(goal) if is_owner else 0}
    return render_to_string("proposals/_panel.html", context, request=request)
