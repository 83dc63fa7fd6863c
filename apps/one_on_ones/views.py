"""1:1 pages: my series (and starting one), and a meeting page — the prepared agenda, the coaching advice for the
manager, the agenda both add to, shared notes, action items and my private note. Works on a phone; every form is a
plain POST. Thin: the rules are in services, the reads in selectors and agenda."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.goals import services as goal_services
from apps.goals.models import ReflectionRead
from apps.org.models import Person

from . import agenda, selectors, services
from .forms import ActionItemForm, AgendaItemForm, PrivateNoteForm, SeriesForm, SharedNotesForm
from .models import Meeting, Series


def _candidates(person):
    """Whom `person` may start a series with from this page: their direct reports and their manager."""
    return Person.objects.filter(Q(manager_id=person.pk) | Q(pk=person.manager_id or 0), is_active=True).order_by(
        "name", "username"
    )


@login_required
def series_list(request):
    candidates = _candidates(request.user)
    form = SeriesForm(request.POST or None, candidates=candidates, initial={"next_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        manager, report = (other, request.user) if other.pk == request.user.manager_id else (request.user, other)
        try:
            series = services.series_create(
                actor=request.user,
                manager=manager,
                report=report,
                cadence_days=form.cleaned_data["cadence_days"],
                next_on=form.cleaned_data["next_on"],
            )
        except ValidationError as exc:
            form.add_error("other", exc.messages)
        else:
            messages.success(request, f"Your 1:1s with {other} are set up.")
            return redirect("one_on_ones:series", pk=series.pk)
    series = list(selectors.series_of(request.user))
    return render(request, "one_on_ones/list.html", {"series_list": series, "form": form, "can_start": candidates})


def _meeting_date(request, series: Series) -> date:
    try:
        return date.fromisoformat(request.GET.get("on") or request.POST.get("on") or "") or series.next_on
    except ValueError:
        return series.next_on


@login_required
def series_page(request, pk: int):
    series = get_object_or_404(selectors.series_of(request.user), pk=pk)
    on = _meeting_date(request, series)
    meeting = Meeting.objects.filter(series=series, date=on).prefetch_related("agenda_items__author").first()
    context = {
        "series": series,
        "on": on,
        "is_next": on == series.next_on,
        "meeting": meeting,
        "other": series.report if request.user.pk == series.manager_id else series.manager,
        "action_items": list(selectors.action_items_for(meeting)) if meeting else [],
        "past": list(series.meetings.exclude(date=on).order_by("-date")[:12]),
        "agenda_form": AgendaItemForm(),
        "notes_form": SharedNotesForm(initial={"shared_notes": meeting.shared_notes if meeting else ""}),
        "private_form": PrivateNoteForm(initial={"body": _private_body(meeting, request.user)}),
        "action_form": ActionItemForm(series=series, initial={"owner": request.user.pk}),
    }
    if on == series.next_on:
        prepared = agenda.prepare(series, request.user)
        goal_services.reflection_reads_record(
            reader=request.user, goal_ids=prepared.reflection_goal_ids, channel=ReflectionRead.Channel.PAGE
        )
        context["prepared"] = prepared
        context["advice"] = agenda.coaching_advice(series, request.user)
        if not meeting:
            context["action_items"] = prepared.action_items
    return render(request, "one_on_ones/meeting.html", context)


def _private_body(meeting: Meeting | None, person) -> str:
    note = selectors.private_note(meeting, person) if meeting else None
    return note.body if note else ""


def _back(series: Series, on: date):
    return redirect(f"{reverse('one_on_ones:series', args=[series.pk])}?on={on.isoformat()}")


def _post(request, pk: int, form_class, write, form_kwargs=None):
    """Open the meeting of the date posted (its first write creates it), validate the form, write, come back."""
    series = get_object_or_404(selectors.series_of(request.user), pk=pk)
    on = _meeting_date(request, series)
    form = form_class(request.POST, **(form_kwargs(series) if form_kwargs else {}))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(series, on)
    meeting = services.meeting_open(actor=request.user, series=series, on=on)
    try:
        write(meeting, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Saved.")
    return _back(series, on)


@login_required
@require_POST
def agenda_add(request, pk: int):
    return _post(
        request, pk, AgendaItemForm, lambda m, text: services.agenda_item_add(actor=request.user, meeting=m, text=text)
    )


@login_required
@require_POST
def shared_notes(request, pk: int):
    def write(meeting, shared_notes):
        services.shared_notes_update(actor=request.user, meeting=meeting, shared_notes=shared_notes)

    return _post(request, pk, SharedNotesForm, write)


@login_required
@require_POST
def private_note(request, pk: int):
    def write(meeting, body):
        services.private_note_save(author=request.user, meeting=meeting, body=body)

    return _post(request, pk, PrivateNoteForm, write)


@login_required
@require_POST
def action_item_add(request, pk: int):
    def write(meeting, **data):
        services.action_item_create(actor=request.user, meeting=meeting, **data)

    return _post(request, pk, ActionItemForm, write, form_kwargs=lambda series: {"series": series})


@login_required
@require_POST
def action_item_done(request, pk: int):
    item = get_object_or_404(selectors.action_items_of(request.user).select_related("meeting__series"), pk=pk)
    services.action_item_update(actor=request.user, item=item, done=request.POST.get("done") != "false")
    return _back(item.meeting.series, _meeting_date(request, item.meeting.series))
