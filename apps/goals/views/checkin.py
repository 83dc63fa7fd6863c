"""Recording a check-in from a page: in place with htmx, or as a plain form post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..forms import CheckInForm, GoalCheckInForm, add_service_errors
from ..models import Goal
from .common import redirect_back
from .goal import metric_rows


@login_required
@require_POST
def checkin_record(request, pk: int):
    metric = get_object_or_404(
        permissions.visible_metrics(request.user).select_related("goal__cycle", "goal__owner", "goal__unit"), pk=pk
    )
    if not permissions.can_record_checkin(request.user, metric):
        raise PermissionDenied("You may see this metric but not check in on it.")
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.checkin_record(actor=request.user, metric=metric, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if not request.htmx:
        if form.errors:
            return render(request, "goals/checkin_page.html", {"form": form, "metric": metric}, status=400)
        messages.success(request, f"Check-in recorded on “{metric.name}”.")
        return redirect_back(request, metric.goal)
    goal = Goal.objects.select_related("cycle", "owner", "unit").get(pk=metric.goal_id)
    row = next(r for r in metric_rows(goal, request.user) if r["metric"].pk == metric.pk)
    return render(
        request,
        "goals/_metric_answer.html",
        {
            "row": row,
            "goal": goal,
            "checkin_form": form if form.errors else CheckInForm(),
            "saved": not form.errors,
        },
    )


@login_required
@require_POST
def goal_checkin_record(request, pk: int):
    """A check-in on the goal itself, from its page."""
    goal = get_object_or_404(permissions.visible_goals(request.user).select_related("cycle", "owner", "unit"), pk=pk)
    if not permissions.can_record_goal_checkin(request.user, goal):
        raise PermissionDenied("You may see this goal but not check in on it.")
    form = GoalCheckInForm(request.POST, manual=services.progress_entered_by_hand(goal), prefix="goal")
    if form.is_valid():
        try:
            services.goal_checkin_record(actor=request.user, goal=goal, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        problems = " ".join(message for messages_ in form.errors.values() for message in messages_)
        messages.error(request, f"Nothing was recorded: {problems}")
    else:
        messages.success(request, f"Check-in recorded on “{goal.title}”.")
    return redirect_back(request, goal)
