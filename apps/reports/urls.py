from django.urls import path

from . import pages, views

app_name = "reports"

urlpatterns = [
    path("alignment/", views.alignment, name="alignment"),
    path("alignment/units/<int:pk>/", views.alignment_unit, name="alignment-unit"),
    path("alignment/print/", views.alignment_print, name="alignment-print"),
    path("alignment/exports/", views.export_create, name="export-create"),
    path("alignment/exports/<int:pk>/", views.export_status, name="export"),
    path("xmatrix/", pages.xmatrix_page, name="xmatrix"),
    path("reports/calibration/", pages.calibration_page, name="calibration"),
]
