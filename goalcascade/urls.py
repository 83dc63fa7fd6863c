from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from apps.goals import views as goal_views


def healthz(_request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", goal_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
