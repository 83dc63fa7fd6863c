"""Pages of apps.reviews."""

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle"),
]
