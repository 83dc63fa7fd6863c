"""Getting in: the password-reset pages and the invitation's set-password page (/accounts/…).

The reset form answers the same for every address — known, unknown or deactivated — and mails only active people,
with a password or without one (Django's own form silently skips people without a usable password: ours does not).
It is throttled per client address with the API's "auth" scope, and each mailbox gets at most
PASSWORD_RESET_MAILS_PER_HOUR (apps.org.invitations). An invitation link and a reset link lead to the same
set-password flow (Django's PasswordResetConfirmView), each with its own token and wording; the person is signed in
once the password is set.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.core.api.throttling import AuthRateThrottle

from . import invitations, tokens

TOO_MANY = "Too many requests from your address: please wait a minute and try again."


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="The address your GoalCascade account uses.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


@never_cache
@csrf_protect
def password_reset(request):
    form = PasswordResetForm(request.POST or None)
    context = {"form": form, "password_login": settings.PASSWORD_LOGIN}
    if request.method == "POST":
        throttle = AuthRateThrottle()
        if not throttle.allow_request(request, None):
            form.is_valid()
            form.add_error(None, TOO_MANY)
            response = render(request, "registration/password_reset_form.html", context, status=429)
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
        if form.is_valid():
            invitations.password_reset_request(email=form.cleaned_data["email"])
            return redirect("org:password-reset-done")
    return render(request, "registration/password_reset_form.html", context)


def password_reset_done(request):
    return render(request, "registration/password_reset_done.html", {"password_login": settings.PASSWORD_LOGIN})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A reset link's page: choose a new password, then be signed in."""

    template_name = "registration/password_reset_confirm.html"
    token_generator = tokens.reset_tokens
    post_reset_login = True
    post_reset_login_backend = "apps.org.sso.PasswordBackend"
    success_url = reverse_lazy("org:password-reset-complete")
    invitation = False

    @classmethod
    def as_view(cls, **initkwargs):
        return sensitive_post_parameters("new_password1", "new_password2")(super().as_view(**initkwargs))

    def dispatch(self, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:  # the link would sign someone in past single sign-on
            context = {"validlink": False, "password_login": False, "invitation": self.invitation}
            return render(self.request, self.template_name, context, status=403)
        return super().dispatch(*args, **kwargs)

    def get_user(self, uidb64):
        """Only an active person's link works."""
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, password_login=True, **kwargs)


class InvitationView(SetPasswordView):
    """An invitation's page: set your password, then be signed in and welcomed."""

    token_generator = tokens.invitation_tokens
    success_url = reverse_lazy("home")
    invitation = True

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set: welcome to GoalCascade.")
        return response


def password_reset_complete(request):
    return render(request, "registration/password_reset_complete.html")
