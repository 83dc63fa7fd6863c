"""What apps.goals tells (apps.goals.signals), kept as wins in the sender's transaction."""

from apps.goals.models import GoalStatus

from . import services


def on_goal_changed(sender, *, goal, action, changes=None, **kwargs) -> None:
    """A goal set to achieved is a win (once, whoever set it)."""
    status = (changes or {}).get("status")
    if action == "updated" and status and status[1] == GoalStatus.ACHIEVED:
        services.goal_achieved_record(goal=goal)


def on_metric_progressed(sender, *, metric, before, after, **kwargs) -> None:
    services.milestones_record(metric=metric, before=before, after=after)
