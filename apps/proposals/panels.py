"""The proposals section of a goal page (apps.goals.panels): "Propose a goal under this"; for the goal's owner, how
many proposals wait under it; and, on a draft translation of theirs, "Send it up for agreement" (catchball). At most
one query, and only for the goal's owner."""

from django.db.models import Count, Max, Q
from django.template.loader import render_to_string

from apps.goals.models import Goal, GoalStatus

from .forms import layers_under
from .models import Proposal
from .services import PROPOSABLE_LAYERS


def _can_send_up(goal: Goal) -> bool:
    return goal.status == GoalStatus.DRAFT and goal.layer in PROPOSABLE_LAYERS and goal.parent_id is not None


def _owner_figures(goal: Goal) -> dict:
    """What waits under the goal, and the open proposal sending it up (one query)."""
    under = Q(parent_id=goal.pk, status=Proposal.Status.PENDING)
    sent = Q(draft_id=goal.pk, status__in=(Proposal.Status.PENDING, Proposal.Status.CHANGES_REQUESTED))
    return Proposal.objects.filter(under | sent).aggregate(
        waiting=Count("pk", filter=under), sent_up=Max("pk", filter=sent)
    )


def proposals_panel(request, goal: Goal) -> str | None:
    if goal.archived_at is not None or not request.user.is_authenticated:
        return None
    is_owner = goal.owner_id == request.user.pk
    may_propose_under = bool(layers_under(goal))
    send_up = is_owner and _can_send_up(goal)
    if not may_propose_under and not send_up:
        return None
    context = {"goal": goal, "is_owner": is_owner, "may_propose_under": may_propose_under, "send_up": send_up}
    if is_owner:
        context.update(_owner_figures(goal))
    return render_to_string("proposals/_panel.html", context, request=request)
