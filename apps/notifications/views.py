"""Notification pages: the list with mark-read, the preferences, and the one-click unsubscribe. Thin: the rules are
in services (and apps.org.services for a team's check-in cadence)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.org import permissions as org_permissions
from apps.org import services as org_services
from apps.org.models import Unit

from . import digests, selectors, services
from .filters import NotificationFilterSet
from .forms import CadenceForm, PreferenceForm

PAGE = 50


@login_required
def notification_list(request):
    notifications = NotificationFilterSet(request.GET, queryset=selectors.notifications_of(request.user)).qs
    page = Paginator(notifications, PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": request.GET.get("unread")})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=pk)
    services.notification_mark_read(person=request.user, notification=notification)
    if request.POST.get("next") == "follow" and notification.url:
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(person=request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    preference = services.preference_for(request.user)
    initial = {name: getattr(preference, name) for name in services.PREFERENCE_FIELDS}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(person=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your preferences are saved.")
            return redirect("notifications:preferences")
    units = [(unit, CadenceForm(initial={"checkin_cadence_days": unit.checkin_cadence_days})) for unit in _led(request)]
    return render(request, "notifications/preferences.html", {"form": form, "units": units})


def _led(request) -> list[Unit]:
    """The units whose check-in cadence the person may set: those they lead (and HR and admins: none listed here,
    they use the admin or the API)."""
    return list(Unit.objects.filter(lead=request.user).order_by("name"))


@login_required
@require_POST
def unit_cadence(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    if not org_permissions.can_set_checkin_cadence(request.user, unit):
        raise PermissionDenied("Only the unit's lead, HR and admins set its check-in cadence.")
    form = CadenceForm(request.POST)
    if form.is_valid():
        org_services.unit_set_checkin_cadence(
            actor=request.user, unit=unit, days=form.cleaned_data["checkin_cadence_days"]
        )
        messages.success(request, f"{unit}: check-ins every {form.cleaned_data['checkin_cadence_days']} days.")
    else:
        messages.error(request, f"{unit}: {' '.join(form.errors.get('checkin_cadence_days', []))}")
    return redirect("notifications:preferences")


# One-click unsubscribe (RFC 8058): the mail reader POSTs to the link with no session and no CSRF token; the
# signature in the link is the proof. GET (a person clicking it) shows a page that asks first.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    person = digests.person_from_token(token)
    if person is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.digest_unsubscribe(person=person)
        return render(request, "notifications/unsubscribe.html", {"done": True, "person": person})
    return render(request, "notifications/unsubscribe.html", {"person": person})
