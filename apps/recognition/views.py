"""Pages: your coaching profile, a report's profile for their manager chain, and recognising someone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.goals.forms import add_service_errors
from apps.goals.permissions import visible_goals
from apps.org.models import Person

from . import permissions, selectors, services
from .coaching import advice
from .forms import CoachingProfileForm, RecognitionForm


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


@login_required
def recognise(request):
    goals = visible_goals(request.user).filter(archived_at__isnull=True).order_by("title")
    form = RecognitionForm(request.POST or None, goals=goals, initial={"to": request.GET.get("to")})
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"You recognised {form.cleaned_data['to']}.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "recognition/recognise.html", {"form": form}, status=status)
