from django.apps import AppConfig


class GoalTemplatesConfig(AppConfig):
    name = "apps.goal_templates"
    label = "goal_templates"
    verbose_name = "Goal templates"
