from django.apps import AppConfig


class GoalTemplatesConfig(AppConfig):
    name = "apps.goal_templates"
    label = "goal_templates"
    verbose_name = "Goal templates"

    def ready(self) -> None:
        from apps.goals.demo import register_demo_extra
        from apps.goals.panels import register_panel

        from . import demo
        from .views import save_as_template_panel

        # The goal page belongs to goals, which may not import templates: templates add their section to it.
        register_panel(save_as_template_panel, order=300)
        register_demo_extra(demo.seed)
