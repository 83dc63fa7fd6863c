from django.urls import path, re_path
from django.views.generic import RedirectView

from . import accounts, views

app_name = "org"

urlpatterns = [
    path("people/import/", views.people_import, name="people-import"),
    path("people/import/jobs/<int:pk>/", views.people_import_job, name="people-import-job"),
    path("people/not-activated/", views.people_not_activated, name="people-not-activated"),
    path("people/<int:pk>/invite/", views.person_invite, name="person-invite"),
    path("people/options/", views.people_options, name="people-options"),
    path("units/options/", views.units_options, name="units-options"),
    # Getting in (apps.org.accounts). Django's own reset pages (accounts/password_reset/, accounts/reset/…, from
    # django.contrib.auth.urls) skip people without a password: they lead here instead.
    path("accounts/password/reset/", accounts.password_reset, name="password-reset"),
    path("accounts/password/reset/done/", accounts.password_reset_done, name="password-reset-done"),
    path("accounts/password/reset/complete/", accounts.password_reset_complete, name="password-reset-complete"),
    path(
        "accounts/password/reset/<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="password-reset-confirm"
    ),
    path("accounts/invitation/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
    re_path(r"^accounts/(?:password_reset|reset)/", RedirectView.as_view(pattern_name="org:password-reset")),
]
