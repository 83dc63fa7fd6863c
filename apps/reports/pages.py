"""The X-matrix page (everyone signed in, as far as they may see the goals) and the calibration page (HR and admins).
Thin: the figures are apps.reports.xmatrix's and apps.reports.calibration's."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .calibration import MIN_PEOPLE, calibration, can_view_calibration
from .forms import ReportFilterForm
from .xmatrix import STRENGTH_SYMBOLS, STRENGTH_WORDS, Strength, xmatrix


def _picked_cycle(request):
    """The cycle picker and the cycle it names; an unknown cycle is an error next to the field (400)."""
    picker = ReportFilterForm(request.GET or None)
    if picker.is_bound and not picker.is_valid():
        return picker, None, False
    return picker, (picker.cleaned_data.get("cycle") if picker.is_bound else None), True


def _legend() -> list[tuple[str, str]]:
    return [(STRENGTH_SYMBOLS[s], STRENGTH_WORDS[s]) for s in sorted(Strength, reverse=True)]


@login_required
def xmatrix_page(request):
    picker, cycle, valid = _picked_cycle(request)
    context = {"picker": picker, "cycle": cycle, "legend": _legend()}
    if not valid:
        return render(request, "reports/xmatrix.html", context, status=400)
    matrix = xmatrix(request.user, cycle)
    rows = [(row, row.cells(matrix.intents)) for row in matrix.rows]
    context.update(matrix=matrix, rows=rows)
    return render(request, "reports/xmatrix.html", context)


@login_required
def calibration_page(request):
    if not can_view_calibration(request.user):
        raise PermissionDenied("The calibration of reviews is for HR and admins.")
    picker, cycle, valid = _picked_cycle(request)
    context = {"picker": picker, "cycle": cycle, "min_people": MIN_PEOPLE}
    if not valid:
        return render(request, "reports/calibration.html", context, status=400)
    context["result"] = calibration(cycle)
    return render(request, "reports/calibration.html", context)
