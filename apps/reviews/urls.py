"""Pages of apps.reviews: the cycle's close."""

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("review/", views.index, name="index"),
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle"),
    path("cycles/<int:pk>/review/goals/<int:goal_pk>/", views.review_save, name="save"),
    path("cycles/<int:pk>/close/", views.close, name="close"),
    path("reviews/<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path("goals/<int:pk>/carry-over/", views.carry_over, name="carry-over"),
]
