"""The goal page and what can be done from it: edit, move, archive, restore, translate, add a metric."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.history import history_of
from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids
from apps.goals.charts import history_chart
from apps.goals.models import CheckIn, Metric
from apps.org.models import Unit

from .. import panels, permissions, picker, selectors, services
from ..forms import (
    CheckInForm,
    GoalCheckInForm,
    GoalEditForm,
    MetricForm,
    MoveForm,
    TranslateForm,
    add_service_errors,
    first_metric,
)
from ..models import PRIVATE_FIELDS, Goal, Layer, ProgressSource, ReflectionRead
from ..similarity import looks_copied, title_similarity
from .comments import comments_context
from .common import changeable_goal, local_next, redirect_back, visible_goal
from .links import links_context

# Check-ins shown per metric, in its chart and its history: a year of weekly check-ins. A metric checked in daily for
# years would otherwise put thousands of rows on its goal's page; the history says how many there are in all.
CHECKINS_SHOWN = 52


def metric_rows_for(goals: list[Goal], viewer) -> dict[int, list[dict]]:
    """Each goal's metrics in use with their latest CHECKINS_SHOWN check-ins (newest first) and how many there are,
    chart and check-in permission.

    Two queries whatever the number of goals, metrics and check-ins.
    """
    by_id = {goal.pk: goal for goal in goals}
    latest = CheckIn.objects.select_related("author").order_by("-created", "-id")[:CHECKINS_SHOWN]
    metrics = (
        Metric.objects.filter(goal_id__in=by_id, archived_at__isnull=True)
        .annotate(checkin_count=Count("checkins"))
        .order_by("goal_id", "pk")
        .prefetch_related(Prefetch("checkins", queryset=latest, to_attr="latest_checkins"))
    )
    rows: dict[int, list[dict]] = {pk: [] for pk in by_id}
    for metric in metrics:
        metric.goal = by_id[metric.goal_id]  # already loaded: the permission check needs it, not another query
        checkins = metric.latest_checkins
        values = [c.value for c in reversed(checkins) if c.value is not None]
        rows[metric.goal_id].append(
            {
                "metric": metric,
                "checkins": checkins,
                "checkin_count": metric.checkin_count,
                "more_checkins": metric.checkin_count - len(checkins),
                "chart": history_chart(start=metric.start, target=metric.target, values=values),
                "can_checkin": permissions.can_record_checkin(viewer, metric),
                "show_reflections": permissions.checkin_reflection_visible(viewer, metric.goal),
            }
        )
    return rows


def metric_rows(goal: Goal, viewer) -> list[dict]:
    return metric_rows_for([goal], viewer)[goal.pk]


@login_required
def goal_detail(request, pk: int):
    goal = visible_goal(request, pk)
    visible = permissions.visible_goals(request.user)
    can_change = permissions.can_change_goal(request.user, goal)
    metrics = metric_rows(goal, request.user)
    show_private = permissions.private_fields_visible(request.user, goal)
    values = {name: getattr(goal, name) for name in PRIVATE_FIELDS}
    if show_private and permissions.reflection_read_by_other(request.user, goal.layer, goal.owner_id, values):
        services.reflection_reads_record(reader=request.user, goal_ids=[goal.pk], channel=ReflectionRead.Channel.PAGE)
    goal_links = links_context(request.user, goal, can_change=can_change)
    contributions = goal_links["contributions"]
    source_used = selectors.progress_source_used(goal, has_metrics=bool(metrics), contributions=contributions)
    context = {
        "goal": goal,
        "ancestors": list(selectors.goal_ancestors(goal)),
        "children": list(selectors.children_of(goal, visible)),
        "metrics": metrics,
        "weightless": selectors.weightless_inputs(goal, [row["metric"].weight for row in metrics], contributions),
        "source_used": source_used,
        **goal_links,
        "history": list(history_of(goal)[:30]),
        "show_private": show_private,
        "readers": list(selectors.reflection_readers(goal)[:20]) if goal.owner_id == request.user.pk else [],
        "can_change": can_change,
        "can_translate": goal.layer != Layer.PERSONAL and not goal.is_archived and _leads_a_unit(request.user),
        "checkin_form": CheckInForm(),
        # What progress_source_used found is services.progress_entered_by_hand's answer, without asking again.
        "goal_checkin_form": _goal_checkin_form(request.user, goal, manual=source_used == ProgressSource.MANUAL),
        "goal_checkins": list(goal.checkins.filter(metric__isnull=True).select_related("author")[:10]),
        "show_reflections": permissions.checkin_reflection_visible(request.user, goal),
        **comments_context(goal),
        "panels": panels.render_panels(request, goal),
    }
    return render(request, "goals/goal_detail.html", context)


@login_required
def goal_edit(request, pk: int):
    goal = changeable_goal(request, pk)
    fields = (
        "title",
        "why",
        "description",
        "weight",
        "status",
        "progress_source",
        "manual_progress",
        "identity",
        "motivation",
    )
    initial = {name: getattr(goal, name) for name in fields}
    form = GoalEditForm(request.POST or None, initial=initial, goal=goal, editor=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if value != initial[name]}
        try:
            services.goal_update(actor=request.user, goal=goal, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal saved.")
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal, "heading": f"Edit “{goal.title}”"})


def _goal_checkin_form(viewer, goal: Goal, *, manual: bool) -> GoalCheckInForm | None:
    if goal.is_archived or not permissions.can_record_goal_checkin(viewer, goal):
        return None
    return GoalCheckInForm(manual=manual, prefix="goal")


@login_required
def goal_move(request, pk: int):
    goal = changeable_goal(request, pk)
    if goal.layer == Layer.INTENT:
        messages.error(request, "A strategic intent is a root of the cascade: it cannot be moved under another goal.")
        return redirect("goals:detail", pk=goal.pk)
    data, initial, finding = picker.form_input(request, {"parent": goal.parent_id})
    allow_none = goal.layer == Layer.PERSONAL
    form = MoveForm(data, initial=initial, candidates=Goal.objects.none(), paths={}, allow_none=allow_none)
    candidates = picker.move_candidates(request.user, goal)
    picker.fit(form.fields["parent"], candidates, url=picker.options_url("move", goal), query=picker.query_of(request))
    if request.method == "POST" and not finding and form.is_valid():
        try:
            services.goal_move(actor=request.user, goal=goal, parent=form.cleaned_data["parent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal moved.")
            return redirect("goals:detail", pk=goal.pk)
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal, "heading": f"Move “{goal.title}”"})


@login_required
def goal_archive(request, pk: int):
    """GET: what archiving the goal takes with it, and a button to confirm. POST: archive, with an Undo after it."""
    goal = changeable_goal(request, pk)
    if request.method != "POST":
        return render(request, "goals/archive_confirm.html", _archive_context(request, goal))
    try:
        services.goal_archive(actor=request.user, goal=goal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect_back(request, goal)
    landing = local_next(request) or reverse("goals:detail", args=[goal.pk])
    undo = render_to_string("goals/_undo_archive.html", {"goal": goal, "next": landing}, request=request)
    messages.success(request, undo)  # rendered HTML (safe): the message carries its own Undo button
    return redirect(landing)


def _archive_context(request, goal: Goal) -> dict:
    """The goal, what goes out of use with it (its metrics), what stays (check-ins, history) and what blocks it."""
    live_children = goal.children.filter(archived_at__isnull=True)
    shown_children = list(live_children.filter(pk__in=permissions.visible_goals(request.user)).order_by("title"))
    blocking = live_children.count()
    return {
        "goal": goal,
        "metrics": list(goal.metrics.filter(archived_at__isnull=True).order_by("pk")),
        "checkin_count": goal.checkins.count(),
        "children": shown_children,
        "blocking": blocking,
        "hidden_children": blocking - len(shown_children),
        "next": local_next(request),
    }


@login_required
@require_POST
def goal_restore(request, pk: int):
    goal = changeable_goal(request, pk)
    try:
        services.goal_restore(actor=request.user, goal=goal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{goal.title}” is restored and back in use.")
    return redirect_back(request, goal)


def _leads_a_unit(person) -> bool:
    access = permissions.access_for(person)
    return access.is_admin or bool(access.scope_unit_ids)


def _translate_choices(request, parent: Goal):
    access = permissions.access_for(request.user)
    units = Unit.objects.all() if access.is_admin else Unit.objects.filter(pk__in=access.scope_unit_ids)
    return units.order_by("tree_id", "lft"), Cycle.objects.filter(pk__in=cycle_subtree_ids([parent.cycle_id]))


@login_required
def goal_translate(request, pk: int):
    """A manager writes their team's goal under a goal from above, in the team's own words and metrics."""
    parent = visible_goal(request, pk)
    if parent.layer == Layer.PERSONAL or parent.is_archived:
        raise PermissionDenied("Only a goal of the cascade that is in use can be translated.")
    units, cycles = _translate_choices(request, parent)
    if not units.exists():
        raise PermissionDenied("You lead no unit that could take on this goal.")
    options = {"parent": parent, "units": units, "cycles": cycles}
    form = TranslateForm(request.POST or None, initial={"unit": request.user.unit_id}, **options)
    copy_warning = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if looks_copied(data["title"], parent.title) and data["confirmed_title"] != data["title"]:
            # Warn, and remember the title warned about: submitting that same title again saves it as it stands.
            copy_warning = True
            form = TranslateForm({**request.POST.dict(), "confirmed_title": data["title"]}, **options)
            form.is_valid()
        elif not permissions.can_create_goal(
            request.user, layer=data["layer"], unit=data["unit"], owner=request.user, parent=parent
        ):
            form.add_error("unit", "You may not create goals for this unit.")
        else:
            try:
                goal = services.goal_create_with_metric(
                    actor=request.user,
                    metric=first_metric(data),
                    title=data["title"],
                    why=data["why"],
                    layer=data["layer"],
                    parent=parent,
                    cycle=data["cycle"],
                    unit=data["unit"],
                    owner=request.user,
                    status="active",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your team's goal is in the cascade.")
                return redirect("goals:detail", pk=goal.pk)
    context = {
        "form": form,
        "parent": parent,
        "ancestors": list(selectors.goal_ancestors(parent)),
        "parent_metrics": list(parent.metrics.filter(archived_at__isnull=True)),
        "copy_warning": copy_warning,
        "similarity": title_similarity(form.data.get("title", ""), parent.title) if copy_warning else None,
    }
    return render(request, "goals/translate.html", context)


@login_required
def metric_add(request, pk: int):
    goal = changeable_goal(request, pk)
    form = MetricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.metric_create(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Metric added.")
            return redirect("goals:detail", pk=goal.pk)
    return render(
        request, "goals/goal_form.html", {"form": form, "goal": goal, "heading": f"Add a metric to “{goal.title}”"}
    )
