from allauth.account import urls as allauth_account_urls
from allauth.socialaccount import urls as allauth_socialaccount_urls
from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

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

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("apps.goals.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.org.urls")),
    path("accounts/login/", sso.LoginView.as_view(), name="login"),
    path("accounts/sso/", include(sso_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("goalcascade.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
