from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"

    def ready(self) -> None:
        from apps.goals import signals

        from . import receivers

        # Goals tell what happened through signals (goals may not import us); we store it in the sender's transaction.
        signals.goal_changed.connect(receivers.on_goal_changed, dispatch_uid="notifications.goal_changed")
        signals.comment_posted.connect(receivers.on_comment_posted, dispatch_uid="notifications.comment_posted")
