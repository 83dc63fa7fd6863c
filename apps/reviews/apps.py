from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "apps.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from apps.core import history
        from apps.cycles import hooks
        from apps.goals import panels

        from . import closing
        from .models import Review
        from .panel import review_panel

        # Cycles may not know reviews (the apps depend one way): reviews tell cycles what closing asks.
        hooks.register_close_check(closing.close_problems)
        # The goal page shows the goal's review and where it was carried from or to.
        panels.register_panel(review_panel, order=50)

        # A review's reflection is its owner's words: the change log shows them to the owner alone.
        history.register_private_fields(Review, ("reflection",), _review_owner)


def _review_owner(review_id: int) -> int | None:
    from .models import Review

    return Review.objects.filter(pk=review_id).values_list("goal__owner_id", flat=True).first()
