"""The alignment pages for HR and admins: the organisation's report, a unit's (drill-down to its goals), a
printable version, and export jobs with their progress. Thin: the figures are apps.reports.selectors'."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from apps.goals.similarity import COPY_THRESHOLD
from apps.org.models import Unit

from . import permissions, services
from .forms import ExportForm, ReportFilterForm
from .models import ExportJob
from .rules import health_expression, orphaned_q, stale_q, without_metric_q
from .scope import Scope
from .selectors import AlignmentSummary, UnitPick, alignment_summary
from .tables import SECTION_TITLES

SHOWN = 50  # rows per list on a page; the exports hold every row
PAGE_DEPTH = 2  # the organisation page shows units down to this level; each unit's page shows its children
UNIT_GOALS_SHOWN = 200


def _require_report_access(request) -> None:
    if not permissions.can_view_alignment_report(request.user):
        raise PermissionDenied("The alignment report is for HR and admins.")


def _picked_cycle(request):
    picker = ReportFilterForm(request.GET or None)
    return picker, (picker.cleaned_data.get("cycle") if picker.is_valid() else None)


def _query(cycle, unit=None, **extra) -> str:
    params = {"cycle": cycle.pk if cycle else None, "unit": unit.pk if unit else None, **extra}
    return urlencode({key: value for key, value in params.items() if value is not None})


def _report_context(summary: AlignmentSummary, cycle, unit=None) -> dict:
    totals = summary.totals
    return {
        "summary": summary,
        "totals": totals,
        "cycle": cycle,
        "shown": SHOWN,
        "coverage": _percent(totals.with_goal, totals.headcount),
        "aligned_coverage": _percent(totals.aligned, totals.headcount),
        "people_without_goals": summary.people_without_goals_count,
        "orphaned": summary.first_rows("orphaned_goals", SHOWN),
        "stale": summary.first_rows("stale_goals", SHOWN),
        "without_metric": summary.first_rows("goals_without_metric", SHOWN),
        "at_risk": summary.first_rows("goals_at_risk", SHOWN),
        "gaps": summary.first_rows("alignment_gaps", SHOWN),
        "copies": summary.first_copies,
        "cadence": summary.teams(SHOWN, slowest=True),
        "gap_points": round(summary.gap_threshold * 100),
        "inline_export": totals.headcount <= settings.EXPORT_INLINE_MAX_PEOPLE,
        "export_query": _query(cycle, unit),
        "export_form_cycle": cycle.pk if cycle else "",
        "export_sections": SECTION_TITLES.items(),  # the tidy CSVs, one by one
    }


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@login_required
def alignment(request):
    _require_report_access(request)
    picker, cycle = _picked_cycle(request)
    summary = alignment_summary(cycle, shown=SHOWN, units=UnitPick(max_level=PAGE_DEPTH))
    rows = summary.units
    context = _report_context(summary, cycle)
    context.update(picker=picker, units=rows, motivation_rows=[r for r in rows if r.figures.motivation_people])
    context["csv_query"] = "?" + _query(cycle, format="csv")
    return render(request, "reports/alignment.html", context)


@login_required
def alignment_unit(request, pk: int):
    _require_report_access(request)
    unit = get_object_or_404(Unit, pk=pk)
    picker, cycle = _picked_cycle(request)
    # Its children's figures, and the motivation of the units down to two levels below it.
    summary = alignment_summary(cycle, unit=unit, shown=SHOWN, units=UnitPick(max_level=unit.level + 2))
    children = [row for row in summary.units if row.unit.parent_id == unit.pk]
    context = _report_context(summary, cycle, unit)
    context.update(
        picker=picker,
        unit=unit,
        ancestors=list(unit.get_ancestors()),
        units=children,
        motivation_rows=[row for row in summary.units if row.figures.motivation_people][:SHOWN],
        goals=unit_goals(summary.scope, unit),
        cycle_query=_query(cycle),
    )
    return render(request, "reports/alignment_unit.html", context)


def unit_goals(scope: Scope, unit: Unit) -> list:
    """The goals in use filed directly under `unit`, with their health and what the report flags (one query)."""
    flagged = scope.live_goals().filter(unit=unit).select_related("owner", "cycle", "parent")
    goals = list(
        flagged.annotate(
            health=health_expression(scope.cycles, scope.today),
            is_orphaned=_flag(orphaned_q()),
            is_stale=_flag(stale_q(scope.cycles, scope.today)),
            has_no_metric=_flag(without_metric_q()),
        ).order_by("layer", "title", "pk")[:UNIT_GOALS_SHOWN]
    )
    for goal in goals:  # shown only for a copy (the stored score reaches the threshold)
        goal.copy_score = goal.copy_score if goal.copy_score is not None and goal.copy_score >= COPY_THRESHOLD else None
    return goals


def _flag(condition) -> Case:
    """True for an active goal meeting `condition` (the report's lists are of active goals)."""
    return Case(When(condition, status="active", then=Value(True)), default=Value(False), output_field=BooleanField())


@login_required
def alignment_print(request):
    _require_report_access(request)
    _, cycle = _picked_cycle(request)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = get_object_or_404(Unit, pk=int(request.GET["unit"]))
    summary = alignment_summary(
        cycle, unit=unit, shown=SHOWN, units=UnitPick(max_level=unit.level + 1 if unit else PAGE_DEPTH)
    )
    rows = summary.units
    context = _report_context(summary, cycle, unit)
    context.update(unit=unit, units=rows, motivation_rows=[r for r in rows if r.figures.motivation_people])
    context["printable"] = True  # every list open: paper has no "show all"
    return render(request, "reports/alignment_print.html", context)


# --- Export jobs ---------------------------------------------------------------------------------


def _visible_job(request, pk: int) -> ExportJob:
    """A job of the caller's (any job for an admin); others' jobs do not exist for them."""
    _require_report_access(request)
    jobs = permissions.visible_export_jobs(request.user, ExportJob.objects.select_related("cycle", "unit"))
    return get_object_or_404(jobs, pk=pk)


@login_required
@require_POST
def export_create(request):
    _require_report_access(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return redirect(reverse("reports:alignment"))
    unit = None
    if request.POST.get("unit", "").isdigit():
        unit = get_object_or_404(Unit, pk=int(request.POST["unit"]))
    job = services.export_job_create(
        actor=request.user, format=form.cleaned_data["format"], cycle=form.cleaned_data.get("cycle"), unit=unit
    )
    return redirect("reports:export", pk=job.pk)


@login_required
def export_status(request, pk: int):
    job = _visible_job(request, pk)
    context = {"job": job, "expired": services.export_job_is_expired(job)}
    template = "reports/_export_status.html" if request.htmx else "reports/export.html"
    return render(request, template, context)
