from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "apps.recognition"
    label = "recognition"

    def ready(self) -> None:
        from apps.goals import signals

        from . import receivers

        # Goals tell what happened through signals (goals may not import us): wins are kept in the writer's transaction.
        signals.goal_changed.connect(receivers.on_goal_changed, dispatch_uid="recognition.goal_changed")
        signals.metric_progressed.connect(receivers.on_metric_progressed, dispatch_uid="recognition.metric_progressed")
