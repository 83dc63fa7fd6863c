from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("people/import/", views.people_import, name="people-import"),
    path("people/import/jobs/<int:pk>/", views.people_import_job, name="people-import-job"),
]
