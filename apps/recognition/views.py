"""Pages: your coaching profile, a report's profile for their manager chain, and recognising someone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from apps.core import picker
from apps.goals.forms import add_service_errors
from apps.goals.permissions import visible_goals
from apps.org.models import Person

from . import permissions, selectors, services
from .coaching import advice
from .forms import NO_GOAL, CoachingProfileForm, RecognitionForm, goal_finder


@login_required
def my_coaching(request):
    profile = selectors.profile_of(request.user)
    if request.method == "POST":
        form = CoachingProfileForm(request.POST)
        if form.is_valid():
            try:
                services.coaching_profile_update(actor=request.user, person=request.user, **form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your coaching profile is saved.")
                return redirect("recognition:my-coaching")
        return render(request, "recognition/my_coaching.html", {"form": form}, status=400)
    initial = {}
    if profile is not None:
        initial = {name: getattr(profile, name) for name in ("communication", "decisions", "recognition")}
        initial |= {"strengths": "\n".join(profile.strengths), "feedback_note": profile.feedback_note}
    context = {"form": CoachingProfileForm(initial=initial), "advice": advice(profile)}
    return render(request, "recognition/my_coaching.html", context)


@login_required
def person_coaching(request, pk: int):
    """A person's profile with delivery advice, for them and their manager chain; 404 for anyone else."""
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_read_profile(request.user, person):
        raise Http404
    profile = selectors.profile_of(person)
    context = {"person": person, "profile": profile, "advice": advice(profile)}
    return render(request, "recognition/person_coaching.html", context)


def _goals(viewer):
    """The goals a recognition may name: those the sender may see, in use."""
    return visible_goals(viewer).filter(archived_at__isnull=True).select_related("owner").order_by("title", "pk")


@login_required
def recognise(request):
    # The pickers' Find buttons (without JavaScript) post the form to show other matches: it comes back as typed.
    finding, queries = picker.found(request, "to", "goal")
    data = None if finding else request.POST or None
    initial = request.POST.dict() if finding else {"to": request.GET.get("to")}
    form = RecognitionForm(data, goals=_goals(request.user), queries=queries, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.recognition_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"You recognised {form.cleaned_data['to']}.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "recognition/recognise.html", {"form": form}, status=status)


@login_required
@require_GET
def goal_options(request):
    """The goal picker's matches as one types (?goal_q=, ?goal= the one picked so far): goals the viewer may see."""
    query = picker.clean_query(request.GET.get("goal_q", ""))
    options, summary = goal_finder().options(_goals(request.user), query, request.GET.get("goal"))
    nothing_checked = not any(option.checked for option in options)
    context = {
        "name": "goal",
        "options": options,
        "summary": summary,
        "empty_label": NO_GOAL,
        "nothing_checked": nothing_checked,
    }
    return render(request, "widgets/_search_options.html", context)
