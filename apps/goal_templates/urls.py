"""Pages of apps.goal_templates."""

app_name = "goal_templates"
urlpatterns: list = []
