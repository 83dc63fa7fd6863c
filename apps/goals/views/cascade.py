"""The strategy map: a cycle's cascade one level per request (apps.goals.map_levels), each further level loaded on
demand — in place with htmx, or as a page of its own without JavaScript."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids
from apps.org.models import Unit
from apps.org.selectors import unit_subtree_ids

from .. import map_levels, permissions, selectors
from ..map_filters import ALL_UNITS, MapFilterForm, unit_options
from ..models import Goal
from ..picker import clean_query
from ..progress import health as health_of
from .common import archived_rows, visible_goal, wants_archived

__all__ = ["MapFilterForm", "default_cycle"]

FILTERED_ROWS = 100
# The health filter is computed per goal: it reads at most this many goals of the unit before it stops looking.
HEALTH_SCAN = 2000


def default_cycle() -> Cycle | None:
    """The newest active cycle that is not inside another (a year before its quarters), else the newest."""
    cycles = Cycle.objects.order_by("-start", "name")
    return (
        cycles.filter(status=Cycle.Status.ACTIVE, parent__isnull=True).first()
        or cycles.filter(status=Cycle.Status.ACTIVE).first()
        or cycles.first()
    )


def _cycle_ids(cycle: Cycle) -> list[int]:
    return sorted(cycle_subtree_ids([cycle.pk]))


def _offset(request) -> int:
    value = request.GET.get("offset", "0")
    return min(int(value), 10**7) if value.isdigit() else 0


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
    visible = permissions.visible_goals(request.user)
    if archived:
        goals = list(
            visible.filter(cycle_id__in=_cycle_ids(cycle), archived_at__isnull=False)
            .select_related("cycle", "owner", "unit", "parent")
            .order_by("-archived_at", "title")[:FILTERED_ROWS]
        )
        context["archived_rows"] = archived_rows(request, goals, selectors.chain_labels(goals))
    elif context["filtered"]:
        in_use = map_levels.in_use(visible, _cycle_ids(cycle))
        context.update(_filtered(in_use, data.get("unit"), data.get("health"), _offset(request)))
        selectors.attach_outgoing_links(context["rows"], request.user)
        context["paths"] = selectors.chain_labels(context["rows"])
    else:
        roots, unlinked = map_levels.first_view(visible, _cycle_ids(cycle), request.user)
        _place(roots, "intents", reverse("goals:map-intents", args=[cycle.pk]))
        for intent in roots.nodes:
            _place(intent.open_level, f"list-{intent.pk}", reverse("goals:map-children", args=[intent.pk]))
        context.update(level=roots, unlinked_count=unlinked)
    return render(request, "goals/map.html", context)


def _filtered(visible: QuerySet[Goal], unit: Unit | None, health: str, offset: int) -> dict:
    """A page of the goals matching the unit and health filters, as a flat list, and whether more follow (no count of
    every match: a division holds 50,000 goals). Health is computed per goal, so with it at most HEALTH_SCAN goals
    are looked at, from their few columns, and only the page's goals are read whole."""
    if unit is not None:
        visible = visible.filter(unit_id__in=unit_subtree_ids([unit]))
    goals = visible.order_by("tree_id", "lft", "pk")
    capped = False
    if health:
        looked_at = list(goals.values(*HEALTH_COLUMNS)[: HEALTH_SCAN + 1])
        capped = len(looked_at) > HEALTH_SCAN
        ids = [row["id"] for row in looked_at[:HEALTH_SCAN] if _health(row) == health]
        goals = Goal.objects.filter(pk__in=ids[offset : offset + FILTERED_ROWS + 1]).order_by("tree_id", "lft", "pk")
        offset_in_page = 0
    else:
        offset_in_page = offset
    rows = list(
        goals.select_related("cycle", "owner", "unit", "parent")[offset_in_page : offset_in_page + FILTERED_ROWS + 1]
    )
    return {
        "rows": rows[:FILTERED_ROWS],
        "more": len(rows) > FILTERED_ROWS,
        "last": offset + len(rows[:FILTERED_ROWS]),
        "offset": offset,
        "limit": FILTERED_ROWS,
        "capped": capped,
    }


HEALTH_COLUMNS = (
    "id",
    "progress",
    "status",
    "cycle__start",
    "cycle__end",
    "last_activity_at",
    "created",
    "health_override",
)


def _health(row: dict) -> str | None:
    return health_of(
        progress=row["progress"],
        status=row["status"],
        cycle_start=row["cycle__start"],
        cycle_end=row["cycle__end"],
        today=timezone.localdate(),
        last_activity=row["last_activity_at"],
        created=row["created"],
        override=row["health_override"],
        stale_after_days=settings.STALE_AFTER_DAYS,
    )


def _place(level: map_levels.Level, list_id: str, url: str) -> map_levels.Level:
    level.list_id, level.url = list_id, url
    return level


def _level_response(request, context: dict):
    """A level as htmx asked for it (its whole list, or with ?offset= the rows that follow), else as a page. One URL
    answers both, so the answer varies with HX-Request (a cached partial is never shown as the page)."""
    if request.htmx:
        partial = "goals/_map_items.html" if "offset" in request.GET else "goals/_map_nodes.html"
        response = render(request, partial, context)
    else:
        response = render(request, "goals/map_level.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def map_children(request, pk: int):
    """The goals under one node, PAGE_SIZE at a time."""
    goal = visible_goal(request, pk)
    level = map_levels.children(goal, permissions.visible_goals(request.user), request.user, _offset(request))
    context = {"level": _place(level, f"list-{goal.pk}", request.path), "goal": goal, "cycle": goal.cycle}
    if not request.htmx:
        context["ancestors"] = list(selectors.goal_ancestors(goal))
    return _level_response(request, context)


@login_required
@require_GET
def map_unlinked(request, cycle_pk: int):
    """The personal goals of a cycle linked to nothing, PAGE_SIZE at a time."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    visible = permissions.visible_goals(request.user)
    level = map_levels.unlinked(visible, _cycle_ids(cycle), request.user, _offset(request))
    return _level_response(request, {"level": _place(level, "list-unlinked", request.path), "cycle": cycle})


@login_required
@require_GET
def map_intents(request, cycle_pk: int):
    """The intents of a cycle past the first page (the map's first view shows PAGE_SIZE of them)."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    visible = permissions.visible_goals(request.user)
    level = map_levels.intents(visible, _cycle_ids(cycle), request.user, _offset(request))
    return _level_response(request, {"level": _place(level, "intents", request.path), "cycle": cycle})


@login_required
@require_GET
def map_units(request):
    """The unit filter's matches as one types: at most MATCH_LIMIT radio buttons (one query, two with a choice)."""
    chosen = request.GET.get("unit", "")
    selected = Unit.objects.select_related("parent").filter(pk=chosen).first() if chosen.isdigit() else None
    options, summary = unit_options(clean_query(request.GET.get("unit_q", "")), selected)
    context = {"options": options, "summary": summary, "all_label": ALL_UNITS, "nothing_checked": selected is None}
    return render(request, "goals/widgets/_unit_options.html", context)
