"""The alignment page for HR: org-wide figures and the same per unit (rolled up the unit tree)."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render

from apps.goals import permissions
from apps.goals.views.cascade import MapFilterForm
from apps.org.models import Person, Unit

from .selectors import alignment_summary, live_goals


def _by_unit(queryset, field: str = "unit_id") -> Counter:
    return Counter(dict(queryset.order_by().values_list(field).annotate(n=Count("pk", distinct=True))))


def unit_rows(summary) -> list[dict]:
    """Per unit, its own figures plus those of every unit under it (a handful of grouped queries)."""
    people = Person.objects.filter(is_active=True)
    direct = {
        "headcount": _by_unit(people),
        "with_goals": _by_unit(people.filter(pk__in=live_goals(summary.cycle_ids).values("owner_id"))),
        "orphaned": _by_unit(summary.orphaned_goals),
        "stale": _by_unit(summary.stale_goals),
    }
    units = list(Unit.objects.order_by("tree_id", "lft"))
    rows = []
    for unit in units:
        inside = [u.pk for u in units if u.tree_id == unit.tree_id and unit.lft <= u.lft and u.rght <= unit.rght]
        row = {"unit": unit, **{name: sum(counts[pk] for pk in inside) for name, counts in direct.items()}}
        row["coverage"] = round(100 * row["with_goals"] / row["headcount"]) if row["headcount"] else None
        rows.append(row)
    return rows


@login_required
def alignment(request):
    if not permissions.can_view_alignment_report(request.user):
        raise PermissionDenied("The alignment report is for HR and admins.")
    picker = MapFilterForm(request.GET or None)
    cycle = picker.cleaned_data.get("cycle") if picker.is_valid() else None
    summary = alignment_summary(cycle)
    headcount = Person.objects.filter(is_active=True).count()
    without = summary.people_without_goals.count()
    context = {
        "picker": picker,
        "cycle": cycle,
        "summary": summary,
        "headcount": headcount,
        "people_without_goals": without,
        "coverage": round(100 * (headcount - without) / headcount) if headcount else None,
        "orphaned": list(summary.orphaned_goals[:50]),
        "orphaned_count": summary.orphaned_goals.count(),
        "stale_count": summary.stale_goals.count(),
        "units": unit_rows(summary),
        "csv_query": f"?format=csv&cycle={cycle.pk}" if cycle else "?format=csv",
    }
    return render(request, "reports/alignment.html", context)
