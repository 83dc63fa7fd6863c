"""More API routes of apps.reports, included under /api/v1/ by goalcascade.api_urls (beside the router there)."""

from django.urls import path

from .calibration import CalibrationView
from .xmatrix import XMatrixView

urlpatterns: list = [
    path("reports/xmatrix/", XMatrixView.as_view(), name="xmatrix-report"),
    path("reports/calibration/", CalibrationView.as_view(), name="calibration-report"),
]
