"""Organisation pages for HR: the people import (upload → check in the background → confirm → import in the
background). Thin: the rules are in apps.org.importing, access in apps.org.permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core.picker import clean_query
from apps.org import invitations, permissions, picker

from .forms import ConfirmImportForm, PeopleFileForm
from .importing import jobs
from .models import AccountMail, ImportJob, Person, Unit

RECENT_JOBS = 10
NOT_ACTIVATED_PAGE = 100


def _require_org_manager(request) -> None:
    if not permissions.can_manage_org(request.user):
        raise PermissionDenied("Only HR and admins import people.")


@login_required
def people_import(request):
    _require_org_manager(request)
    form = PeopleFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, allow_new_root = form.cleaned_data["file"], form.cleaned_data["allow_new_root"]
        job = jobs.import_job_create(
            actor=request.user, data=upload.read(), filename=upload.name, dry_run=True, allow_new_root=allow_new_root
        )
        return redirect("org:people-import-job", pk=job.pk)
    recent = permissions.visible_import_jobs(request.user).filter(requested_by=request.user)[:RECENT_JOBS]
    root = Unit.objects.filter(parent=None).order_by("pk").values_list("name", flat=True).first()
    context = {"form": form, "recent": recent, "example_path": f"{root or 'Acme'}/Sales/APAC"}
    return render(request, "org/import_upload.html", context)


@login_required
def people_import_job(request, pk: int):
    """GET: the check's or import's progress, then its outcome. POST on a clean check: import the same file."""
    _require_org_manager(request)
    job = get_object_or_404(permissions.visible_import_jobs(request.user), pk=pk)
    expected = job.result.get("confirmation_count")
    confirm = ConfirmImportForm(request.POST if request.method == "POST" else None, expected=expected)
    if request.method == "POST" and _confirmable(job) and confirm.is_valid():
        typed = confirm.cleaned_data["confirm_deactivations"]
        started = jobs.import_job_again(actor=request.user, job=job, dry_run=False, confirm_deactivations=typed)
        return redirect("org:people-import-job", pk=started.pk)
    template = "org/_import_job_status.html" if request.htmx else "org/import_job.html"
    context = {
        "job": job,
        "result": job.result,
        "confirm": confirm,
        "confirmable": _confirmable(job),
        "shown": jobs.CHANGES_KEPT,
        "mails": invitations.import_job_mails(job),
    }
    return render(request, template, context, status=400 if confirm.errors else 200)


def _confirmable(job: ImportJob) -> bool:
    return (
        job.dry_run and job.status == ImportJob.Status.DONE and bool(job.result.get("has_changes")) and bool(job.file)
    )


@login_required
def people_not_activated(request):
    """HR's list of the people who cannot get in yet (invitable), with their last invitation; POST resends to all."""
    _require_org_manager(request)
    if request.method == "POST":
        count = invitations.invitations_request_pending(actor=request.user)
        messages.success(request, f"{count} invitation{'' if count == 1 else 's'} on the way.")
        return redirect("org:people-not-activated")
    sent = Q(account_mails__kind=AccountMail.Kind.INVITATION, account_mails__outcome=AccountMail.Outcome.SENT)
    people = (
        invitations.invitable()
        .select_related("unit")
        .annotate(last_invited=Max("account_mails__finished_at", filter=sent))
        .order_by("name", "username")
    )
    page = Paginator(people, NOT_ACTIVATED_PAGE).get_page(request.GET.get("page"))
    return render(request, "org/not_activated.html", {"page": page, "pause_hours": 1})


@login_required
@require_POST
def person_invite(request, pk: int):
    """Resend one person's invitation (the not-activated page's button)."""
    _require_org_manager(request)
    person = get_object_or_404(Person, pk=pk)
    try:
        invitations.invitation_request(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"An invitation to {person} is on the way ({person.email}).")
    return redirect("org:people-not-activated")


# --- Pickers: people and units found by searching (apps.org.picker) ------------------------------------------------


def _picker_options(request, candidates, finder):
    """?name=<the field> (radio buttons named like it), ?<name>_q= the words typed, ?<name>= the one picked so far."""
    name = request.GET.get("name", "")
    if not picker.FIELD_NAME.match(name):
        return HttpResponseBadRequest("Say which field: ?name=<a field name in lower case>.")
    query = clean_query(request.GET.get(f"{name}_q", ""))
    options, summary = finder.options(candidates, query, request.GET.get(name))
    context = {"name": name, "options": options, "summary": summary, "empty_label": None, "nothing_checked": False}
    return render(request, "widgets/_search_options.html", context)


@login_required
@require_GET
def people_options(request):
    """Active people whose name or username holds every word typed: at most MATCH_LIMIT radio buttons."""
    return _picker_options(request, picker.active_people(), picker.people_finder())


@login_required
@require_GET
def units_options(request):
    """Units whose name holds every word typed: at most MATCH_LIMIT radio buttons."""
    return _picker_options(request, picker.all_units(), picker.units_finder())
