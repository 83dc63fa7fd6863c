"""Organisation pages for HR: the people import (upload → check in the background → confirm → import in the
background). Thin: the rules are in apps.org.importing, access in apps.org.permissions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from apps.org import permissions

from .forms import PeopleFileForm
from .importing import jobs
from .models import ImportJob

RECENT_JOBS = 10


def _require_org_manager(request) -> None:
    if not permissions.can_manage_org(request.user):
        raise PermissionDenied("Only HR and admins import people.")


@login_required
def people_import(request):
    _require_org_manager(request)
    form = PeopleFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.import_job_create(actor=request.user, data=upload.read(), filename=upload.name, dry_run=True)
        return redirect("org:people-import-job", pk=job.pk)
    recent = permissions.visible_import_jobs(request.user).filter(requested_by=request.user)[:RECENT_JOBS]
    return render(request, "org/import_upload.html", {"form": form, "recent": recent})


@login_required
def people_import_job(request, pk: int):
    """GET: the check's or import's progress, then its outcome. POST on a clean check: import the same file."""
    _require_org_manager(request)
    job = get_object_or_404(permissions.visible_import_jobs(request.user), pk=pk)
    if request.method == "POST" and _confirmable(job):
        started = jobs.import_job_again(actor=request.user, job=job, dry_run=False)
        return redirect("org:people-import-job", pk=started.pk)
    template = "org/_import_job_status.html" if request.htmx else "org/import_job.html"
    context = {"job": job, "result": job.result, "confirmable": _confirmable(job), "shown": jobs.CHANGES_KEPT}
    return render(request, template, context)


def _confirmable(job: ImportJob) -> bool:
    return (
        job.dry_run and job.status == ImportJob.Status.DONE and bool(job.result.get("has_changes")) and bool(job.file)
    )
