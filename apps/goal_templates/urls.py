"""Pages of apps.goal_templates."""

from django.urls import path

from . import views

app_name = "goal_templates"
urlpatterns = [
    path("templates/", views.template_list, name="list"),
    path("templates/new/", views.template_new, name="new"),
    path("templates/<int:pk>/", views.template_detail, name="detail"),
    path("templates/<int:pk>/archive/", views.template_archive, name="archive"),
    path("templates/<int:pk>/parent-options/", views.parent_options, name="parent-options"),
    path("templates/unit-options/", views.unit_options, name="unit-options"),
    path("templates/from-goal/<int:goal_pk>/", views.template_from_goal, name="from-goal"),
]
