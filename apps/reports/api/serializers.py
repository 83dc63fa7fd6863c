"""The alignment summary's JSON shape (and its documentation)."""

from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.cycles.models import Cycle
from apps.goals.models import Layer, Motivation

from ..selectors import AlignmentSummary, OrphanReason

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class AlignmentQuerySerializer(serializers.Serializer):
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        help_text="A cycle (id): the summary covers it and the cycles inside it. Default: every active cycle.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text=f"How many rows each list shows in JSON (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}); "
        "`count` is always the full number. The CSV and XLSX downloads hold every row.",
    )


class GoalRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The goal's id.")
    title = serializers.CharField(help_text="The goal's title.")
    layer = serializers.ChoiceField(choices=Layer.choices, help_text="The goal's layer.")
    owner = serializers.IntegerField(source="owner_id", help_text="Its owner (id of people/).")
    unit = serializers.IntegerField(source="unit_id", help_text="Its unit (id).")
    cycle = serializers.IntegerField(source="cycle_id", help_text="Its cycle (id).")


class OrphanedGoalSerializer(GoalRowSerializer):
    reason = serializers.ChoiceField(
        choices=[
            (OrphanReason.NO_PARENT, "A personal goal linked to no goal"),
            (OrphanReason.INTENT_NOT_PUBLISHED, "The root intent above it is a draft or archived"),
        ],
        help_text="no_parent: a personal goal linked to nothing; intent_not_published: its root intent is a draft "
        "or archived.",
    )


class StaleGoalSerializer(GoalRowSerializer):
    last_activity = serializers.DateTimeField(help_text="Its latest check-in, or its creation if it has none.")


class PersonRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The person's id.")
    username = serializers.CharField(help_text="Their username.")
    name = serializers.CharField(help_text="Their name.")
    unit = serializers.IntegerField(source="unit_id", allow_null=True, help_text="Their unit (id).")


def _rows(row_serializer: type[serializers.Serializer], help_text: str) -> serializers.Serializer:
    class Rows(serializers.Serializer):
        count = serializers.IntegerField(help_text="How many there are in all.")
        results = row_serializer(many=True, help_text="The first of them, up to `limit`.")

    Rows.__name__ = row_serializer.__name__.replace("Serializer", "") + "ListSerializer"
    return Rows(help_text=help_text)


class GoalsPerLayerSerializer(serializers.Serializer):
    intent = serializers.IntegerField(help_text="Strategic intents.")
    translational = serializers.IntegerField(help_text="Translational goals.")
    operational = serializers.IntegerField(help_text="Operational goals.")
    personal = serializers.IntegerField(help_text="Personal goals.")


class MotivationAggregateSerializer(serializers.Serializer):
    own = serializers.IntegerField(allow_null=True, help_text="Personal goals whose owners chose them.")
    expected = serializers.IntegerField(allow_null=True, help_text="Personal goals expected of their owners.")
    pressure = serializers.IntegerField(allow_null=True, help_text="Personal goals held under pressure to deliver.")


class AlignmentSummarySerializer(serializers.Serializer):
    cycles = serializers.ListField(
        child=serializers.IntegerField(), source="cycle_ids", help_text="The cycles covered (ids)."
    )
    today = serializers.DateField(help_text="The day the figures are for.")
    stale_after_days = serializers.IntegerField(help_text="A goal with no check-in for longer than this is stale.")
    goals_per_layer = GoalsPerLayerSerializer(help_text="Goals in use per layer.")
    goals_total = serializers.IntegerField(help_text="Goals in use in all.")
    orphaned_goals = _rows(
        OrphanedGoalSerializer,
        "Active goals with no path to a published intent: personal goals linked to no goal, goals whose root intent "
        "is a draft or archived.",
    )
    people_without_goals = _rows(PersonRowSerializer, "Active people who own no goal in use in these cycles.")
    stale_goals = _rows(StaleGoalSerializer, "Active goals with no check-in for more than stale_after_days days.")
    motivation = MotivationAggregateSerializer(
        help_text=f"Personal goals per motivation ({', '.join(Motivation.values)}); null where fewer than five "
        "people stand behind the figure, so that no one's private motivation can be singled out."
    )

    def to_representation(self, summary: AlignmentSummary) -> dict:
        limit = self.context.get("limit", DEFAULT_LIMIT)
        lists = {
            name: {"count": queryset.count(), "results": list(queryset[:limit]) if limit else []}
            for name, queryset in (
                ("orphaned_goals", summary.orphaned_goals),
                ("people_without_goals", summary.people_without_goals),
                ("stale_goals", summary.stale_goals),
            )
        }
        view = {
            "cycle_ids": summary.cycle_ids,
            "today": summary.today,
            "stale_after_days": summary.stale_after_days,
            "goals_per_layer": summary.goals_per_layer,
            "goals_total": summary.goals_total,
            "motivation": summary.motivation,
            **lists,
        }
        return super().to_representation(view)
