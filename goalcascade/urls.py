from allauth.account import urls as allauth_account_urls
from allauth.socialaccount import urls as allauth_socialaccount_urls
from allauth.urls import build_provider_urlpatterns
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated

from apps.goals.views import home
from apps.org import sso

from .health import healthz

# Single sign-on (docs/sso.md): allauth carries the providers' round trips under accounts/sso/. Its own pages
# (login, logout, the sign-up and error pages) lead to the login page instead, under the names allauth links by.
to_login = RedirectView.as_view(pattern_name="login", query_string=True)
sso_urlpatterns = [
    *(path(str(route.pattern), to_login, name=route.name) for route in allauth_account_urls.urlpatterns),
    *(path(f"3rdparty/{route.pattern}", to_login, name=route.name) for route in allauth_socialaccount_urls.urlpatterns),
    *build_provider_urlpatterns(),
]

# The schema and docs describe every endpoint: for signed-in people only, unless PUBLIC_API_DOCS=true.
docs_access = [AllowAny] if settings.PUBLIC_API_DOCS else [IsAuthenticated]
docs_page = SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=docs_access)
if not settings.PUBLIC_API_DOCS:
    docs_page = login_required(docs_page)  # a person who is not signed in is sent to the login page first

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("apps.goals.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.org.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.one_on_ones.urls")),
    path("", include("apps.recognition.urls")),
    path("", include("apps.search.urls")),
    path("", include("apps.proposals.urls")),
    path("", include("apps.reviews.urls")),
    path("", include("apps.goal_templates.urls")),
    path("accounts/login/", sso.LoginView.as_view(), name="login"),
    path("accounts/sso/", include(sso_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("goalcascade.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=docs_access), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP to allow.
    path("api/docs/", docs_page, name="api-docs"),
]
