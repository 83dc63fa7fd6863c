"""Proposals over the API: shape checks here, the rules (cascade, who answers, which status) in
apps.proposals.services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.core.validation import MAX_ID
from apps.cycles.models import Cycle
from apps.goals.api.serializers import VisibleGoalField
from apps.goals.models import Layer, Metric
from apps.org.models import Unit

from ..models import Proposal, ProposalStep
from ..services import MAX_METRICS

MAX_BULK = 500


class ProposalMetricSerializer(serializers.Serializer):
    """A metric the goal starts with once accepted; checked by the same rules as POST metrics/."""

    name = serializers.CharField(help_text="What is measured.")
    unit = serializers.ChoiceField(choices=Metric.Unit.choices, required=False, help_text="percent, number, currency.")
    start = serializers.DecimalField(max_digits=20, decimal_places=4, help_text="The value it starts from.")
    target = serializers.DecimalField(max_digits=20, decimal_places=4, help_text="The value it aims for.")
    display_unit = serializers.CharField(required=False, allow_blank=True, help_text='Shown with values: "$", "days"…')
    weight = serializers.FloatField(required=False, help_text="Its weight among the goal's metrics (default 1).")


@extend_schema_field(ProposalMetricSerializer(many=True))
class MetricsField(serializers.JSONField):
    """The proposal's metrics as a list; apps.proposals.services checks each with metric_create's rules."""


class ProposalStepSerializer(serializers.ModelSerializer):
    """One turn of the conversation."""

    class Meta:
        model = ProposalStep
        fields = ("actor", "action", "comment", "created")
        extra_kwargs = {
            "actor": {"help_text": "Who took the step (id of people/)."},
            "action": {"help_text": "submitted, changes_requested, resubmitted, accepted or declined."},
            "comment": {"help_text": "What they said."},
            "created": {"help_text": "When."},
        }


class ProposalSerializer(serializers.ModelSerializer):
    """A goal proposed under a parent; it becomes a goal (`goal`) only when the parent's owner accepts it."""

    title = serializers.CharField(required=False, help_text="The proposed goal's title (default: the draft's).")
    description = serializers.CharField(required=False, allow_blank=True, help_text="What it is about.")
    why = serializers.CharField(required=False, allow_blank=True, help_text="Why it matters.")
    layer = serializers.ChoiceField(
        choices=[(Layer.TRANSLATIONAL, "Translational goal"), (Layer.OPERATIONAL, "Operational goal")],
        required=False,
        help_text="translational or operational (personal goals are created and linked by their owner directly).",
    )
    parent = VisibleGoalField(required=False, allow_null=True, help_text="The goal it is proposed under (id).")
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(), required=False, help_text="The cycle (id); default: the parent's."
    )
    unit = IdRelatedField(queryset=Unit.objects.all(), required=False, help_text="The unit (id); default: yours.")
    metrics = MetricsField(required=False, help_text=f"Up to {MAX_METRICS} metrics the goal starts with.")
    draft = VisibleGoalField(
        required=False,
        allow_null=True,
        help_text="Catchball: a draft goal of yours sent up for the parent owner's agreement; accepting publishes "
        "it. Its layer, parent, cycle and unit are the proposal's.",
    )
    steps = ProposalStepSerializer(many=True, read_only=True, help_text="The conversation, oldest first.")

    class Meta:
        model = Proposal
        fields = (
            "id",
            "title",
            "description",
            "why",
            "layer",
            "parent",
            "cycle",
            "unit",
            "proposer",
            "status",
            "comment",
            "goal",
            "metrics",
            "draft",
            "decided_by",
            "decided_at",
            "created",
            "updated",
            "steps",
        )
        read_only_fields = ("id", "proposer", "status", "comment", "goal", "decided_by", "decided_at", "created")
        validators = []  # one open proposal per draft: apps.proposals.services says so, naming the rule
        extra_kwargs = {
            "id": {"help_text": "The proposal's id."},
            "proposer": {"help_text": "Who proposed it (id of people/); they own the goal once accepted."},
            "status": {"help_text": "pending, changes_requested, accepted or declined."},
            "comment": {"help_text": "The latest answer's comment."},
            "goal": {"help_text": "The goal it became (id of goals/), once accepted; null before."},
            "decided_by": {"help_text": "Who gave the latest answer (id of people/)."},
            "decided_at": {"help_text": "When."},
            "created": {"help_text": "When it was proposed."},
            "updated": {"help_text": "When it last changed."},
        }


class ProposalUpdateSerializer(ProposalSerializer):
    """The proposer's changes while it waits or changes were requested."""

    class Meta(ProposalSerializer.Meta):
        read_only_fields = (*ProposalSerializer.Meta.read_only_fields, "draft")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, help_text="What you say with this step.")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="Required: say what should change, or why not."
    )


class FlatListField(serializers.ListField):
    """A list whose bad items are named in flat messages ("Item 2: …"), keeping the API's {field: [messages]}."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            messages = [
                f"Item {int(index) + 1}: {message}" for index, errors in exc.detail.items() for message in errors
            ]
            raise serializers.ValidationError(messages) from None


class AcceptManySerializer(serializers.Serializer):
    ids = FlatListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_BULK,
        help_text=f"The proposals to accept (ids, at most {MAX_BULK}): all of them, or none when one fails.",
    )


class AcceptManyAnswerSerializer(serializers.Serializer):
    accepted = ProposalSerializer(many=True, help_text="The proposals accepted, each with the goal it became.")
