from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("me/coaching/", views.my_coaching, name="my-coaching"),
    path("people/<int:pk>/coaching/", views.person_coaching, name="person-coaching"),
    path("recognise/", views.recognise, name="recognise"),
    path("recognise/goal-options/", views.goal_options, name="goal-options"),
]
