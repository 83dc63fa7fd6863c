from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.goals.models import Goal
from apps.org.models import Person

from ..models import MAX_STRENGTHS, MESSAGE_LENGTH, STRENGTH_LENGTH, CoachingProfile, Visibility, Win
from ..services import check_strengths


class StrengthsField(serializers.ListField):
    """Checked by the service's one rule, so an error is a flat list of messages, never nested per item."""

    def to_internal_value(self, data) -> list[str]:
        try:
            return check_strengths(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["strengths"]) from None


class CoachingProfileSerializer(serializers.ModelSerializer):
    """How the person likes to be worked with, in their own words: descriptive, never a score."""

    strengths = StrengthsField(
        child=serializers.CharField(),
        required=False,
        help_text=f"At most {MAX_STRENGTHS} short texts of at most {STRENGTH_LENGTH} characters.",
    )
    advice = serializers.SerializerMethodField(help_text="Delivery advice for each answer given (read-only).")

    class Meta:
        model = CoachingProfile
        fields = ("person", "communication", "decisions", "recognition", "strengths", "feedback_note", "advice")
        read_only_fields = ("person", "advice")
        extra_kwargs = {
            "person": {"help_text": "Whose profile (id of people/)."},
            "communication": {"help_text": "direct or tactful; empty: not said."},
            "decisions": {"help_text": "facts or feelings; empty: not said."},
            "recognition": {"help_text": "individual or team; empty: not said."},
            "feedback_note": {"help_text": "A free note on how they like feedback."},
        }

    def get_advice(self, profile: CoachingProfile) -> list[str]:
        from ..coaching import advice

        return advice(profile)


class WinSerializer(serializers.ModelSerializer):
    """A goal achieved, a metric past 50 % or 100 % (milestone), or a recognition."""

    class Meta:
        model = Win
        fields = ("id", "kind", "goal", "person", "text", "created")
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The win's id."},
            "kind": {"help_text": "goal_achieved, milestone (a metric past 50 % or 100 %) or recognition."},
            "created": {"help_text": "When it happened."},
            "goal": {"help_text": "The goal (id), or null."},
            "person": {"help_text": "Whose win (id of people/)."},
            "text": {"help_text": "What happened, or the recognition's message."},
        }


class RecognitionSerializer(serializers.Serializer):
    to = IdRelatedField(queryset=Person.objects.filter(is_active=True), help_text="Whom you recognise (id of people/).")
    goal = IdRelatedField(
        queryset=Goal.objects.all(), required=False, allow_null=True, help_text="A goal you may see (id), optional."
    )
    message = serializers.CharField(max_length=MESSAGE_LENGTH, help_text="What they did, at most 500 characters.")
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text="public: everyone; manager: the person and their manager chain; private: the person only "
        "(the sender always sees their own).",
    )
