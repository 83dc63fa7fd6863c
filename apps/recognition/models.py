"""Coaching profiles, wins and recognition (DESIGN.md "Whose words are whose", issue 13)."""

from django.conf import settings
from django.db import models

MAX_STRENGTHS = 10
STRENGTH_LENGTH = 100
MESSAGE_LENGTH = 500


class Communication(models.TextChoices):
    DIRECT = "direct", "Direct"
    TACTFUL = "tactful", "Tactful"


class Decisions(models.TextChoices):
    FACTS = "facts", "Facts"
    FEELINGS = "feelings", "Feelings"


class RecognitionStyle(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    TEAM = "team", "Team"


class CoachingProfile(models.Model):
    """How a person likes to be worked with: written by them alone, read by them and their manager chain.
    Descriptive, never a score. Empty answers mean "not said"."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_profile")
    communication = models.CharField(max_length=16, choices=Communication.choices, blank=True, default="")
    decisions = models.CharField(max_length=16, choices=Decisions.choices, blank=True, default="")
    recognition = models.CharField(max_length=16, choices=RecognitionStyle.choices, blank=True, default="")
    strengths = models.JSONField(default=list, blank=True)
    feedback_note = models.TextField(blank=True, default="")
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Coaching profile #{self.pk}"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone"
    MANAGER = "manager", "The person and their manager chain"
    PRIVATE = "private", "The person only"


class Win(models.Model):
    """Something to celebrate: a goal achieved, a metric crossing 50 % or 100 %, or someone's recognition.

    Goal wins are seen by whoever sees the goal; a recognition by whom its visibility names (and its sender)."""

    class Kind(models.TextChoices):
        GOAL_ACHIEVED = "goal_achieved", "Goal achieved"
        MILESTONE = "milestone", "Milestone"
        RECOGNITION = "recognition", "Recognition"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wins")
    goal = models.ForeignKey("goals.Goal", null=True, blank=True, on_delete=models.CASCADE, related_name="wins")
    metric = models.ForeignKey("goals.Metric", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    milestone = models.PositiveSmallIntegerField(null=True, blank=True)  # 50 or 100 (per cent), milestones only
    text = models.CharField(max_length=MESSAGE_LENGTH)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="recognitions_sent"
    )
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created", "-id")
        constraints = [
            # A metric crosses each milestone once, whatever its later ups and downs; a goal is achieved once.
            models.UniqueConstraint(
                fields=("metric", "milestone"), condition=models.Q(kind="milestone"), name="win_milestone_once"
            ),
            models.UniqueConstraint(
                fields=("goal",), condition=models.Q(kind="goal_achieved"), name="win_achieved_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
