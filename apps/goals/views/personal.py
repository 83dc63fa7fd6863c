"""My goals: personal goals linked upward, with their metrics and check-ins in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .. import picker, selectors, services
from ..forms import CheckInForm, PersonalGoalForm, add_service_errors, first_metric
from ..models import Goal, GoalStatus, Layer
from .cascade import default_cycle
from .common import archived_rows, wants_archived
from .goal import metric_rows_for


@login_required
def my_goals(request):
    archived = wants_archived(request)
    goals = list(
        request.user.goals.filter(layer=Layer.PERSONAL, archived_at__isnull=not archived)
        .select_related("cycle", "owner", "unit", "parent")
        .order_by("cycle__start", "title")
    )
    paths = selectors.chain_labels(goals)
    context = {"archived": archived, "tab_query": "", "checkin_form": CheckInForm()}
    if archived:
        context["archived_rows"] = archived_rows(request, goals, paths)
    else:
        metrics = metric_rows_for(goals, request.user)
        context["rows"] = [{"goal": g, "path": paths.get(g.pk, ""), "metrics": metrics[g.pk]} for g in goals]
    return render(request, "goals/my_goals.html", context)


@login_required
def personal_new(request):
    data, initial, finding = picker.form_input(request, {"parent": request.GET.get("parent")})
    form = PersonalGoalForm(data, initial=initial, candidates=Goal.objects.none(), paths={})
    candidates = picker.personal_candidates(request.user)
    picker.fit(form.fields["parent"], candidates, url=picker.options_url("personal"), query=picker.query_of(request))
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        unit = request.user.unit or (data["parent"].unit if data["parent"] else None)
        if unit is None:
            form.add_error(None, "You belong to no unit yet, so this goal has nowhere to sit: ask HR to place you.")
            return render(request, "goals/personal_form.html", {"form": form})
        cycle = data["cycle"] or (data["parent"].cycle if data["parent"] else default_cycle())
        if cycle is None:
            form.add_error("cycle", "There is no cycle to set this goal in yet: ask an admin to create one.")
            return render(request, "goals/personal_form.html", {"form": form})
        try:
            goal = services.goal_create_with_metric(
                actor=request.user,
                metric=first_metric(data),
                title=data["title"],
                layer=Layer.PERSONAL,
                parent=data["parent"],
                cycle=cycle,
                unit=unit,
                owner=request.user,
                why=data["why"],
                identity=data["identity"],
                motivation=data["motivation"],
                status=GoalStatus.ACTIVE,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Your goal is saved." + (" It now counts towards the goal above it." if goal.parent_id else "")
            )
            return redirect("goals:mine")
    return render(request, "goals/personal_form.html", {"form": form})
