"""Organisation pages for HR: the people import (upload → preview → confirm). Thin: the rules are in
apps.org.importing, access in apps.goals.permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from apps.org import permissions

from . import import_uploads, importing
from .forms import PeopleFileForm
from .importing import ImportPlan

PROBLEMS_SHOWN = 1000  # every problem when a file has a few; the command lists them all
CHANGES_SHOWN = 50  # per kind of change in the preview


def _require_org_manager(request) -> None:
    if not permissions.can_manage_org(request.user):
        raise PermissionDenied("Only HR and admins import people.")


@login_required
def people_import(request):
    _require_org_manager(request)
    form = PeopleFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = import_uploads.keep(owner=request.user, name=upload.name, data=upload.read())
        return redirect("org:people-import-preview", token=token)
    return render(request, "org/import_upload.html", {"form": form})


@login_required
def people_import_preview(request, token: str):
    """GET: what the upload would change, or its problems. POST: import it (checked again, in one transaction)."""
    _require_org_manager(request)
    upload = import_uploads.fetch(owner=request.user, token=token)
    if upload is None:
        messages.error(request, "That upload has expired or was already imported: upload the file again.")
        return redirect("org:people-import")
    if request.method == "POST":
        plan = importing.import_people(actor=request.user, data=upload.data, filename=upload.name)
        if plan.applied:
            import_uploads.discard(owner=request.user, token=token)
            messages.success(request, f"Imported {upload.name}: {plan.summary()}")
            return redirect("org:people-import")
        messages.error(request, "Nothing was imported: the file no longer fits the organisation as it is now.")
    else:
        plan = importing.plan_import(actor=request.user, data=upload.data, filename=upload.name)
    return render(request, "org/import_preview.html", _preview(plan, upload.name, token))


def _preview(plan: ImportPlan, filename: str, token: str) -> dict:
    return {
        "plan": plan,
        "filename": filename,
        "token": token,
        "counts": plan.counts,
        "problems": plan.problems[:PROBLEMS_SHOWN],
        "new_units": ["/".join(path) for path in plan.new_units[:CHANGES_SHOWN]],
        "creates": [_created(plan, change) for change in plan.creates[:CHANGES_SHOWN]],
        "updates": [_changed(plan, change) for change in plan.updates[:CHANGES_SHOWN]],
        "deactivations": [_changed(plan, change) for change in plan.deactivations[:CHANGES_SHOWN]],
        "shown": CHANGES_SHOWN,
    }


def _created(plan: ImportPlan, change) -> dict:
    values = {column: new for column, _, new in plan.describe(change)}
    return {
        "row": change.row,
        "employee_id": change.employee_id,
        "username": plan.usernames[change.employee_id],
        **values,
    }


def _changed(plan: ImportPlan, change) -> dict:
    return {"row": change.row, "employee_id": change.employee_id, "name": change.name, "fields": plan.describe(change)}
