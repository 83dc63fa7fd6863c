"""Reviews and carry-overs over the API: shape checks here, the rules in apps.reviews.services and
apps.goals.carryover."""

from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.cycles.models import Cycle
from apps.goals.api.serializers import VisibleGoalField

from .. import permissions
from ..models import Review

REFLECTION_HELP = (
    "The owner's reflection on the goal, in their own words: read by the owner, their manager chain and admins; null "
    "for everyone else. Only the owner writes it; in a write, null or absent leaves it as it is."
)


class ReviewSerializer(serializers.ModelSerializer):
    """The look back at one goal at its cycle's close: a final score, whether it supported the outcome above it
    (relevance), the owner's reflection, and the sign-off of someone in the owner's manager chain."""

    goal = VisibleGoalField(
        help_text="The goal reviewed (id of goals/): one review per goal; writing it again changes it."
    )
    score = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="The final score, 0–1. Absent or null when written: the goal's progress as it stands (prefilled).",
    )
    relevance = serializers.ChoiceField(
        choices=Review.Relevance.choices,
        help_text="Whether the goal supported the outcome above it: supported, partly or did_not.",
    )
    reflection = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=10_000, help_text=REFLECTION_HELP
    )

    class Meta:
        model = Review
        fields = (
            "id",
            "goal",
            "score",
            "relevance",
            "reflection",
            "author",
            "signed_off_by",
            "signed_off_at",
            "updated",
        )
        read_only_fields = ("id", "author", "signed_off_by", "signed_off_at", "updated")
        extra_kwargs = {
            "id": {"help_text": "The review's id."},
            "author": {"help_text": "Who wrote it last (id of people/)."},
            "signed_off_by": {"help_text": "Who signed it off (id of people/); null while it waits for a sign-off."},
            "signed_off_at": {"help_text": "When it was signed off; null while it waits."},
            "updated": {"help_text": "When it last changed."},
        }

    def to_representation(self, review: Review) -> dict:
        data = super().to_representation(review)
        user = getattr(self.context.get("request"), "user", None)
        if not permissions.reflection_visible_in_list(user, review):
            data["reflection"] = None
        return data


class ReviewUpdateSerializer(ReviewSerializer):
    """A change to a review: its goal is fixed; what is absent stays as it is."""

    goal = serializers.IntegerField(source="goal_id", read_only=True, help_text="The goal reviewed (id of goals/).")
    score = serializers.FloatField(required=False, help_text="The final score, 0–1. Absent: it stays as it is.")
    relevance = serializers.ChoiceField(
        choices=Review.Relevance.choices, required=False, help_text="supported, partly or did_not."
    )

    class Meta(ReviewSerializer.Meta):
        read_only_fields = ("id", "goal", "author", "signed_off_by", "signed_off_at", "updated")


class CarryOverSerializer(serializers.Serializer):
    """Where a goal continues."""

    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        help_text="The later cycle (id of cycles/) in which the goal and its open subtree continue.",
    )
