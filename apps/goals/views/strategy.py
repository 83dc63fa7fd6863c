"""Strategy for leaders: draft, publish and archive the strategic intents of a cycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core import picker as core_picker
from apps.cycles.models import Cycle

from .. import permissions, services
from ..forms import IntentForm, MetricForm, add_service_errors
from ..models import GoalStatus, Layer
from .cascade import MapFilterForm, default_cycle
from .common import archived_rows, changeable_goal, redirect_back, wants_archived

FOCUS_LIMIT = 3


def _require_strategist(request) -> None:
    if not permissions.can_create_goal(request.user, layer=Layer.INTENT, unit=None, owner=request.user):
        raise PermissionDenied("Only leaders draft strategic intent.")


@login_required
def strategy(request):
    _require_strategist(request)
    picker = MapFilterForm(request.GET or None, initial={"cycle": default_cycle()})
    cycle = (picker.cleaned_data.get("cycle") if picker.is_valid() else None) or default_cycle()
    archived = wants_archived(request)
    intents = (
        list(
            permissions.visible_goals(request.user)
            .filter(layer=Layer.INTENT, cycle=cycle, archived_at__isnull=not archived)
            .select_related("cycle", "owner", "unit")
            .order_by("status", "title")
        )
        if cycle
        else []
    )
    published = [goal for goal in intents if goal.status != GoalStatus.DRAFT]
    context = {
        "picker": picker,
        "cycle": cycle,
        "archived": archived,
        "tab_query": f"cycle={cycle.pk}" if cycle else "",
        "intents": [] if archived else intents,
        "archived_rows": archived_rows(request, intents) if archived else [],
        "published_count": len(published),
        "too_many": not archived and len(published) > FOCUS_LIMIT,
        "focus_limit": FOCUS_LIMIT,
    }
    return render(request, "goals/strategy.html", context)


@login_required
def intent_new(request):
    _require_strategist(request)
    # The unit picker's Find button (without JavaScript) posts the form to show other units: it comes back as typed.
    finding, queries = core_picker.found(request, "unit")
    data = None if finding else request.POST or None
    initial = request.POST.dict() if finding else {"cycle": default_cycle(), "unit": request.user.unit_id}
    form = IntentForm(data, initial=initial, unit_query=queries["unit"])
    metric_typed = {key.removeprefix("metric-"): value for key, value in initial.items() if key.startswith("metric-")}
    metric_form = MetricForm(data, prefix="metric", use_required_attribute=False, initial=metric_typed)
    wants_metric = bool(request.POST.get("metric-name"))
    if data is not None and form.is_valid() and (not wants_metric or metric_form.is_valid()):
        try:
            goal = services.goal_create_with_metric(
                actor=request.user,
                metric=metric_form.cleaned_data if wants_metric else None,
                layer=Layer.INTENT,
                owner=request.user,
                status=GoalStatus.DRAFT,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, metric_form=metric_form)
        else:
            messages.success(request, "Draft saved. Only leaders see it until you publish it.")
            return redirect("goals:detail", pk=goal.pk)
    return render(
        request, "goals/intent_form.html", {"form": form, "metric_form": metric_form, "wants_metric": wants_metric}
    )


@login_required
@require_POST
def goal_publish(request, pk: int):
    goal = changeable_goal(request, pk)
    if goal.status == GoalStatus.DRAFT:
        services.goal_update(actor=request.user, goal=goal, status=GoalStatus.ACTIVE)
        messages.success(request, f"“{goal.title}” is published: everyone can see it and translate it.")
        if goal.layer == Layer.INTENT:
            _warn_about_focus(request, goal.cycle)
    return redirect_back(request, goal)


def _warn_about_focus(request, cycle: Cycle) -> None:
    published = (
        permissions.visible_goals(request.user)
        .filter(layer=Layer.INTENT, cycle=cycle, archived_at__isnull=True)
        .exclude(status=GoalStatus.DRAFT)
        .count()
    )
    if published > FOCUS_LIMIT:
        messages.warning(
            request, f"{cycle} now has {published} published intents. Focus on the top {FOCUS_LIMIT} priorities."
        )
