from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("people/import/", views.people_import, name="people-import"),
    path("people/import/<slug:token>/", views.people_import_preview, name="people-import-preview"),
]
