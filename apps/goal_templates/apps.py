from django.apps import AppConfig


class GoalTemplatesConfig(AppConfig):
    name = "apps.goal_templates"
    label = "goal_templates"
    verbose_name = "Goal templates"

    def ready(self) -> None:
        from apps.goals.panels import register_panel

        from .views import save_as_template_panel

        # The goal page belongs to goals, which may not import templates: templates add their section to it.
        register_panel(save_as_template_panel, order=300)
