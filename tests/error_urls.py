"""The app's URLs plus one page that fails, for tests/test_error_pages.py."""

from django.urls import path

from goalcascade.urls import urlpatterns as app_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a page")


urlpatterns = [*app_urlpatterns, path("broken/", broken)]
