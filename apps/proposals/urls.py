"""Pages of apps.proposals."""

from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/accept-selected/", views.accept_selected, name="accept-selected"),
    path("proposals/new/", views.proposal_new, name="new"),
    path("proposals/send-up/<int:goal_pk>/", views.proposal_send_up, name="send-up"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="answer"),
    path("proposals/<int:pk>/resubmit/", views.proposal_resubmit, name="resubmit"),
]
