from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from apps.cycles.models import Cycle
        from apps.goals import signals
        from apps.org.signals import organisation_changed

        from . import receivers

        # The stored report figures follow the rollup job and the writes it does not show (apps.reports.stored).
        signals.goals_rolled_up.connect(receivers.on_goals_rolled_up, dispatch_uid="reports.goals_rolled_up")
        signals.goal_changed.connect(receivers.on_goal_changed, dispatch_uid="reports.goal_changed")
        organisation_changed.connect(receivers.on_organisation_changed, dispatch_uid="reports.organisation_changed")
        post_save.connect(receivers.on_cycle_saved, sender=Cycle, dispatch_uid="reports.cycle_saved")
