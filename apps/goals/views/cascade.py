"""The strategy map: a cycle's whole cascade as an expandable tree, children loaded on demand."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.shortcuts import redirect, render

from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids
from apps.org.models import Unit
from apps.org.selectors import unit_subtree_ids

from .. import permissions, selectors
from ..models import Goal, Health, Layer
from .common import archived_rows, visible_goal, wants_archived

FILTERED_ROWS = 300


class MapFilterForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-start", "name"), required=False, empty_label="The current cycle"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.order_by("tree_id", "lft"),
        required=False,
        empty_label="All units",
        help_text="Goals of this unit and the units under it.",
    )
    health = forms.ChoiceField(choices=[("", "Any health"), *Health.choices], required=False)


def default_cycle() -> Cycle | None:
    """The newest active cycle that is not inside another (a year before its quarters), else the newest."""
    cycles = Cycle.objects.order_by("-start", "name")
    return (
        cycles.filter(status=Cycle.Status.ACTIVE, parent__isnull=True).first()
        or cycles.filter(status=Cycle.Status.ACTIVE).first()
        or cycles.first()
    )


def with_child_counts(queryset: QuerySet[Goal], viewer) -> QuerySet[Goal]:
    """Each goal with how many children in use the viewer may see (in the same query)."""
    visible_children = Q(children__archived_at__isnull=True) & permissions.visible_goals_q(viewer, prefix="children__")
    return queryset.annotate(child_count=Count("children", filter=visible_children, distinct=True))


def _cycle_ids(cycle: Cycle) -> list[int]:
    return sorted(cycle_subtree_ids([cycle.pk]))


@login_required
def strategy_map(request):
    form = MapFilterForm(request.GET or None, initial={"cycle": default_cycle()})
    data = form.cleaned_data if form.is_valid() else {}
    cycle = data.get("cycle") or default_cycle()
    archived = wants_archived(request)
    context = {
        "form": form,
        "cycle": cycle,
        "archived": archived,
        "tab_query": f"cycle={cycle.pk}" if cycle else "",
        "filtered": not archived and bool(data.get("unit") or data.get("health")),
    }
    if cycle is None:
        return render(request, "goals/map.html", context)
    in_cycle = permissions.visible_goals(request.user).filter(cycle_id__in=_cycle_ids(cycle))
    if archived:
        goals = list(
            in_cycle.filter(archived_at__isnull=False)
            .select_related("cycle", "owner", "unit", "parent")
            .order_by("-archived_at", "title")[:FILTERED_ROWS]
        )
        context["archived_rows"] = archived_rows(request, goals, selectors.chain_labels(goals))
        return render(request, "goals/map.html", context)
    visible = in_cycle.filter(archived_at__isnull=True)
    if context["filtered"]:
        context["rows"], context["total"] = _filtered(visible, data.get("unit"), data.get("health"))
        selectors.attach_outgoing_links(context["rows"], request.user)
        context["paths"] = selectors.chain_labels(context["rows"])
        context["limit"] = FILTERED_ROWS
    else:
        roots = visible.filter(layer__in=(Layer.INTENT, Layer.PERSONAL), parent__isnull=True)
        context["nodes"] = selectors.attach_outgoing_links(
            list(
                with_child_counts(roots, request.user)
                .select_related("cycle", "owner", "unit")
                .order_by("layer", "title")
            ),
            request.user,
        )
    return render(request, "goals/map.html", context)


def _filtered(visible: QuerySet[Goal], unit: Unit | None, health: str) -> tuple[list[Goal], int]:
    """Goals matching the unit and health filters, as a flat list (health is computed, so it filters here)."""
    if unit is not None:
        visible = visible.filter(unit_id__in=unit_subtree_ids([unit]))
    goals = visible.select_related("cycle", "owner", "unit", "parent").order_by("tree_id", "lft", "title")
    matching = [goal for goal in goals if not health or selectors.goal_health(goal) == health]
    return matching[:FILTERED_ROWS], len(matching)


@login_required
def map_children(request, pk: int):
    """The children of one node (an htmx partial); without htmx, the goal page lists them."""
    goal = visible_goal(request, pk)
    if not request.htmx:
        return redirect("goals:detail", pk=goal.pk)
    children = with_child_counts(selectors.children_of(goal, permissions.visible_goals(request.user)), request.user)
    nodes = selectors.attach_outgoing_links(list(children), request.user)
    return render(request, "goals/_map_nodes.html", {"nodes": nodes})
