"""The review of a goal at its cycle's close (DESIGN.md "Review")."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Review(models.Model):
    """At a cycle's close, per goal: a final score, whether it supported the outcome above it, the owner's reflection,
    and the manager's sign-off."""

    class Relevance(models.TextChoices):
        SUPPORTED = "supported", "Supported the outcome above"
        PARTLY = "partly", "Partly supported it"
        DID_NOT = "did_not", "Did not support it"

    goal = models.OneToOneField("goals.Goal", on_delete=models.PROTECT, related_name="review")
    score = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    relevance = models.CharField(max_length=16, choices=Relevance.choices)
    reflection = models.TextField(blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_signed_off"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("goal", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="review_score_in_0_1"),
        ]

    def __str__(self) -> str:
        return f"Review of goal #{self.goal_id}"
