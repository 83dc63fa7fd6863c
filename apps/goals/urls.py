from django.urls import path

from .views import cascade, checkin, comments, goal, links, personal, picker, strategy, weekly

app_name = "goals"

urlpatterns = [
    path("map/", cascade.strategy_map, name="map"),
    path("map/children/<int:pk>/", cascade.map_children, name="map-children"),
    path("map/<int:cycle_pk>/unlinked/", cascade.map_unlinked, name="map-unlinked"),
    path("map/<int:cycle_pk>/intents/", cascade.map_intents, name="map-intents"),
    path("map/units/", cascade.map_units, name="map-units"),
    path("strategy/", strategy.strategy, name="strategy"),
    path("strategy/new/", strategy.intent_new, name="intent-new"),
    path("my-goals/", personal.my_goals, name="mine"),
    path("my-goals/new/", personal.personal_new, name="personal-new"),
    path("goals/parent-options/", picker.parent_options, name="parent-options"),
    path("goals/<int:pk>/", goal.goal_detail, name="detail"),
    path("goals/<int:pk>/edit/", goal.goal_edit, name="edit"),
    path("goals/<int:pk>/move/", goal.goal_move, name="move"),
    path("goals/<int:pk>/archive/", goal.goal_archive, name="archive"),
    path("goals/<int:pk>/restore/", goal.goal_restore, name="restore"),
    path("goals/<int:pk>/publish/", strategy.goal_publish, name="publish"),
    path("goals/<int:pk>/translate/", goal.goal_translate, name="translate"),
    path("goals/<int:pk>/metrics/new/", goal.metric_add, name="metric-add"),
    path("metrics/<int:pk>/checkin/", checkin.checkin_record, name="checkin"),
    path("goals/<int:pk>/checkin/", checkin.goal_checkin_record, name="goal-checkin"),
    path("check-in/", weekly.weekly_checkin, name="weekly-checkin"),
    path("check-in/figures/", weekly.weekly_figures, name="weekly-figures"),
    path("goals/<int:pk>/comments/", comments.goal_comment_post, name="comment"),
    path("goals/<int:pk>/links/new/", links.link_add, name="link-add"),
    path("links/<int:pk>/remove/", links.link_remove, name="link-remove"),
]
