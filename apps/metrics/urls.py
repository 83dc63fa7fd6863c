from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("metrics/<int:pk>/checkin/", views.checkin_record, name="checkin"),
]
