from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "apps.goals"
    label = "goals"

    def ready(self) -> None:
        from apps.cycles import hooks

        from . import rules

        # Cycles may not know goals (the apps depend one way): goals tell cycles what a move must respect.
        hooks.register_move_check(rules.check_goals_fit_moved_cycle)
