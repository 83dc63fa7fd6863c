from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "apps.goals"
    label = "goals"

    def ready(self) -> None:
        from apps.core import history
        from apps.cycles import hooks

        from . import rules
        from .models import PRIVATE_FIELDS, Goal

        # Cycles may not know goals (the apps depend one way): goals tell cycles what a move must respect.
        hooks.register_move_check(rules.check_goals_fit_moved_cycle)
        # A personal goal's reflection stays its owner's in the change log too.
        history.register_private_fields(Goal, PRIVATE_FIELDS, _personal_goal_owner)


def _personal_goal_owner(goal_id: int) -> int | None:
    from .models import Goal, Layer

    return Goal.objects.filter(pk=goal_id, layer=Layer.PERSONAL).values_list("owner_id", flat=True).first()
