from django.urls import path

from . import views

app_name = "one_on_ones"

urlpatterns = [
    path("one-on-ones/", views.series_list, name="list"),
    path("one-on-ones/<int:pk>/", views.series_page, name="series"),
    path("one-on-ones/<int:pk>/agenda/", views.agenda_add, name="agenda-add"),
    path("one-on-ones/<int:pk>/shared-notes/", views.shared_notes, name="shared-notes"),
    path("one-on-ones/<int:pk>/private-note/", views.private_note, name="private-note"),
    path("one-on-ones/<int:pk>/action-items/", views.action_item_add, name="action-item-add"),
    path("one-on-ones/action-items/<int:pk>/done/", views.action_item_done, name="action-item-done"),
]
