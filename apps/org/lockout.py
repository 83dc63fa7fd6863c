"""What a locked-out sign-in answers (django-axes calls `locked_out`): the login page with the reason, or for the
API the usual error shape — both 429, with Retry-After."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from .sso import sso_buttons


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-ins for this username from your address: try again in {minutes} minutes, "
        "or reset your password."
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"non_field_errors": [lockout_message()]}, status=429)
    else:
        form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
        form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([lockout_message()])})  # shown, not validated
        context = {"form": form, "password_login": settings.PASSWORD_LOGIN, "sso_buttons": sso_buttons(request)}
        response = TemplateResponse(request, "registration/login.html", context, status=429).render()
    response["Retry-After"] = retry_after
    return response


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins that come with a request (the pages, the API, the admin). A sign-in
    without one (a shell, a management command, Django's test client) has no client address to count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
