"""Goals, their metrics and check-ins over the API. Serializers check the shape of the input and call the services; the
cascade rules, the history and the rollup trigger are the services' (apps.goals.services)."""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.core.validation import MAX_WEIGHT
from apps.cycles.models import Cycle
from apps.org.models import Person, Unit

from .. import permissions, services
from ..models import CheckIn, Goal, Health, Metric, Motivation, ReflectionRead
from ..selectors import goal_health


class VisibleGoalField(IdRelatedField):
    """A goal by id, among the goals the caller may see: any other id is "does not exist" (400)."""

    def get_queryset(self):
        request = self.context.get("request")
        visible = permissions.visible_goals_q(getattr(request, "user", None))
        # A goal's current parent may be echoed back in a write even when the caller cannot see it.
        instance = getattr(self.parent, "instance", None)
        if visible and isinstance(instance, Goal) and instance.parent_id:  # (an empty Q already sees all)
            visible |= Q(pk=instance.parent_id)
        return Goal.objects.filter(visible).select_related("cycle")


PRIVATE_HELP = (
    " On a personal goal this is private: null unless you are its owner, in the owner's manager chain, or an admin;"
    " only the owner writes it (anyone else's value is a 403 naming the field). In a write, null leaves it unchanged."
)


class GoalSerializer(serializers.ModelSerializer):
    """One goal of the cascade."""

    parent = VisibleGoalField(
        required=False,
        allow_null=True,
        help_text="The goal this one contributes to (id); null for an intent or a stand-alone personal goal. "
        "Set when the goal is created; change it with POST goals/{id}/move/.",
    )
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        help_text="The cycle the goal runs in (id): the parent's cycle or a cycle inside it.",
    )
    unit = IdRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        help_text="The organisation unit the goal is for (id). Defaults to the owner's unit.",
    )
    owner = IdRelatedField(
        queryset=Person.objects.all(),
        required=False,
        help_text="The person who owns the goal (id of people/). Defaults to you.",
    )
    why = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Why this goal matters." + PRIVATE_HELP
    )
    identity = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Personal goals: who the owner wants to become through it (empty on other layers)." + PRIVATE_HELP,
    )
    motivation = serializers.ChoiceField(
        choices=Motivation.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Personal goals: where the motivation comes from — own, expected (of me) or pressure "
        "(to deliver); empty on other layers." + PRIVATE_HELP,
    )
    weight = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=MAX_WEIGHT,
        help_text="How much this goal counts in its parent's rollup, relative to its siblings (default 1).",
    )
    health = serializers.SerializerMethodField(
        help_text="on_track, at_risk or off_track: progress against the elapsed share of the cycle, unless the "
        "owner set it in their latest check-in; null (no colour) for drafts, cancelled goals and goals not started "
        "yet: no activity (last_activity_at) and still within 14 days, or a tenth of the cycle if longer, of their "
        "creation or their cycle's start, the later."
    )
    alignment_gap = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="measured_progress − rollup_progress: positive when the outcome runs ahead of the work below "
        "(null unless both exist).",
    )

    class Meta:
        model = Goal
        fields = (
            "id",
            "title",
            "description",
            "why",
            "layer",
            "parent",
            "cycle",
            "unit",
            "owner",
            "weight",
            "status",
            "progress_source",
            "manual_progress",
            "progress",
            "measured_progress",
            "rollup_progress",
            "health",
            "identity",
            "motivation",
            "alignment_gap",
            "last_checkin_at",
            "last_activity_at",
            "archived_at",
            "carried_from",
            "created",
            "updated",
        )
        read_only_fields = (
            "id",
            "progress",
            "measured_progress",
            "rollup_progress",
            "last_checkin_at",
            "last_activity_at",
            "archived_at",
            "carried_from",
            "created",
            "updated",
        )
        extra_kwargs = {
            "id": {"help_text": "The goal's id."},
            "title": {"help_text": "What the goal is, in a line."},
            "description": {"help_text": "More about the goal: scope, definitions, links."},
            "layer": {
                "help_text": "intent (a root), translational (what a unit contributes), operational (day-to-day "
                "measures) or personal (a leaf). Fixed when the goal is created."
            },
            "status": {
                "help_text": "draft (seen only by its owner, leaders and admins), active, achieved, missed "
                "or cancelled (cancelled goals do not count in their parent's rollup)."
            },
            "progress_source": {
                "help_text": "What `progress` follows: metrics, children, manual, or auto (metrics if any, else "
                "children if any, else manual)."
            },
            "manual_progress": {
                "help_text": "Progress entered by hand, in [0, 1]; used when progress_source is manual."
            },
            "progress": {"help_text": "The goal's progress in [0, 1], per progress_source; what its parent counts."},
            "measured_progress": {
                "help_text": "Weighted mean of the metrics' progress, in [0, 1]; null without metrics."
            },
            "rollup_progress": {
                "help_text": "Weighted mean of the progress of the children that are not cancelled, in [0, 1]; "
                "null without children. Recomputed in the background after a change."
            },
            "last_checkin_at": {"help_text": "When the latest check-in on this goal or its metrics was recorded."},
            "last_activity_at": {
                "help_text": "How fresh the goal is: its latest check-in or, for a goal without metrics of its own, "
                "the latest check-in anywhere below it, whichever is later; null before any. Health and staleness "
                "read it. Updated with the rollup."
            },
            "archived_at": {"help_text": "When the goal was archived; null while it is in use."},
            "carried_from": {
                "help_text": "The goal of an earlier cycle this one continues (goals/{id}/carry-over/); null for a "
                "goal set in its own cycle."
            },
            "created": {"help_text": "When the goal was created."},
            "updated": {"help_text": "When the goal was last changed."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=Health.choices, allow_null=True))
    def get_health(self, goal: Goal) -> str | None:
        return goal_health(goal, today=self.context.get("today") or timezone.localdate())

    def to_representation(self, goal: Goal) -> dict:
        data = super().to_representation(goal)
        if not permissions.private_fields_visible(self._user, goal):
            for name in permissions.PRIVATE_FIELDS:
                data[name] = None
        elif permissions.reflection_read_by_other(self._user, goal.layer, goal.owner_id, data):
            self.context.get("reflection_reads", set()).add(goal.pk)  # recorded by the view, once per request
        return data

    @property
    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            return self._with_create_defaults(attrs)
        # In a write, null leaves a private field as it is: a caller who reads null cannot erase it.
        for name in permissions.PRIVATE_FIELDS:
            if name in attrs and attrs[name] is None:
                del attrs[name]
        return attrs

    def _with_create_defaults(self, attrs: dict) -> dict:
        for name in permissions.PRIVATE_FIELDS:
            if attrs.get(name) is None:
                attrs[name] = ""
        attrs.setdefault("owner", self._user)
        if attrs.get("unit") is None:
            if attrs["owner"].unit_id is None:
                raise serializers.ValidationError({"unit": ["The owner belongs to no unit: name the goal's unit."]})
            attrs["unit"] = attrs["owner"].unit
        return attrs

    def create(self, validated_data: dict) -> Goal:
        return services.goal_create(actor=self._user, **validated_data)

    def update(self, goal: Goal, validated_data: dict) -> Goal:
        fields = {name: value for name, value in validated_data.items() if name in services.EDITABLE_FIELDS}
        # Echoing the layer or the parent back unchanged is fine; changing them is the service's to refuse.
        if "layer" in validated_data and validated_data["layer"] != goal.layer:
            fields["layer"] = validated_data["layer"]
        if "parent" in validated_data and getattr(validated_data["parent"], "pk", None) != goal.parent_id:
            fields["parent"] = validated_data["parent"]
        return services.goal_update(actor=self._user, goal=goal, **fields)


class GoalTreeSerializer(GoalSerializer):
    """A goal with its descendants nested under `children` (for the schema; apps.goals.api.tree assembles the tree).
    The markers of a cut are present only where something was left out, so they are not required."""

    children_count = serializers.IntegerField(
        required=False, help_text="Only on a goal whose `children` are not all here: how many it has."
    )
    children_next = serializers.CharField(
        required=False, help_text="Only on a goal whose `children` are not all here: the URL that answers the rest."
    )
    truncated = serializers.BooleanField(
        required=False, help_text="Only on the root, when the answer left goals out (see `children_next`)."
    )

    class Meta(GoalSerializer.Meta):
        fields = (*GoalSerializer.Meta.fields, "children", "children_count", "children_next", "truncated")


GoalTreeSerializer._declared_fields["children"] = GoalTreeSerializer(
    many=True, read_only=True, help_text="The goals directly under this one that you may see, each with its own."
)


class GoalMoveSerializer(serializers.Serializer):
    parent = VisibleGoalField(
        allow_null=True,
        help_text="The new parent goal (id), checked against the cascade rules; null detaches a personal goal.",
    )


# --- Metrics and check-ins ---------------------------------------------------------------

# The stored precision: 16 digits before the point, 4 after (more decimals are rounded).
MAX_VALUE = Decimal("9999999999999999.9999")


def value_field(help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        coerce_to_string=False,
        max_value=MAX_VALUE,
        min_value=-MAX_VALUE,
        help_text=help_text,
        **kwargs,
    )


class MetricSerializer(serializers.ModelSerializer):
    """A measurable result of a goal (a key result, in OKR terms)."""

    goal = VisibleGoalField(help_text="The goal this metric measures (id). Fixed when the metric is created.")
    start = value_field("The value when the goal was set.")
    target = value_field("The value that means done. Lower than start for a metric that should decrease.")
    current = value_field("The latest value; defaults to start. Check-ins move it.", required=False)
    weight = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=MAX_WEIGHT,
        help_text="How much this metric counts in its goal's measured progress, relative to the others (default 1).",
    )

    class Meta:
        model = Metric
        fields = (
            "id",
            "goal",
            "name",
            "unit",
            "display_unit",
            "start",
            "target",
            "current",
            "weight",
            "progress",
            "archived_at",
        )
        read_only_fields = ("id", "progress", "archived_at")
        extra_kwargs = {
            "id": {"help_text": "The metric's id."},
            "name": {"help_text": "What is measured."},
            "unit": {"help_text": "How the values read: percent, number or currency."},
            "display_unit": {
                "help_text": 'What pages and exports show with the values, at most 16 characters: a currency ("$", '
                '"€", "USD") before the amount, anything else ("days", "people") after it. Empty: none (default).'
            },
            "progress": {
                "help_text": "(current − start) / (target − start), clamped to [0, 1]; when target = start, 1 once "
                "current has reached the target, else 0."
            },
            "archived_at": {"help_text": "When the metric was archived; null while it is in use."},
        }

    @property
    def _user(self):
        return getattr(self.context.get("request"), "user", None)

    def create(self, validated_data: dict) -> Metric:
        return services.metric_create(actor=self._user, **validated_data)

    def update(self, metric: Metric, validated_data: dict) -> Metric:
        fields = {name: value for name, value in validated_data.items() if name in services.METRIC_FIELDS}
        if "goal" in validated_data and validated_data["goal"].pk != metric.goal_id:
            fields["goal"] = validated_data["goal"]  # the service refuses it, naming the field
        return services.metric_update(actor=self._user, metric=metric, **fields)


class CheckInFields(serializers.ModelSerializer):
    """What every check-in says, on a metric or on the goal itself: a confidence, a note and the owner's health."""

    confidence = serializers.IntegerField(
        min_value=0, max_value=10, help_text="How sure the author is of reaching the target: 0 (not at all) to 10."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What happened, in words.")
    health = serializers.ChoiceField(
        choices=Health.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="The owner's own health for the goal (on_track, at_risk, off_track); empty: computed.",
    )
    reflection = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="What worked, what didn't: read only by the goal's owner, their manager chain and the check-in's "
        "author; null for everyone else (HR and admins included).",
    )

    def to_representation(self, checkin: CheckIn) -> dict:
        data = super().to_representation(checkin)
        if not self._reflection_visible(checkin):
            data["reflection"] = None
        return data

    def _reflection_visible(self, checkin: CheckIn) -> bool:
        """One answer per goal for a list (the views pass it in the context), else asked of this check-in."""
        known = self.context.get("reflection_visible")
        user = getattr(self.context.get("request"), "user", None)
        if checkin.author_id == getattr(user, "pk", None):
            return True
        if known is not None:
            return known
        return permissions.checkin_reflection_visible(user, checkin.goal, checkin.author_id)


class CheckInSerializer(CheckInFields):
    """A dated update of a metric's value, with a confidence and a note; the history is kept."""

    value = value_field("The metric's new value.")

    class Meta:
        model = CheckIn
        fields = ("id", "metric", "goal", "value", "confidence", "note", "reflection", "health", "author", "created")
        read_only_fields = ("id", "metric", "goal", "author", "created")
        extra_kwargs = {
            "id": {"help_text": "The check-in's id."},
            "metric": {"help_text": "The metric checked in on (id)."},
            "goal": {"help_text": "The metric's goal (id)."},
            "author": {"help_text": "Who recorded it (id of people/)."},
            "created": {"help_text": "When it was recorded."},
        }

    def create(self, validated_data: dict) -> CheckIn:
        return services.checkin_record(
            actor=self.context["request"].user, metric=self.context["metric"], **validated_data
        )


class ReflectionReadSerializer(serializers.ModelSerializer):
    """A read of your personal goal's private reflection by someone else."""

    reader_name = serializers.CharField(source="reader.name", help_text="The reader's name.")

    class Meta:
        model = ReflectionRead
        fields = ("reader", "reader_name", "channel", "read_at")
        read_only_fields = fields
        extra_kwargs = {
            "reader": {"help_text": "Who read it (id of people/)."},
            "channel": {"help_text": "Where: api, page (the goal page) or admin (the Django admin)."},
            "read_at": {"help_text": "When (reads by the same person the same way within an hour count once)."},
        }


class GoalCheckInSerializer(CheckInFields):
    """A check-in on the goal itself (for goals without metrics): confidence, a note, the owner's health and, where
    the goal's progress is entered by hand, its new progress. The history is kept beside metric check-ins."""

    progress = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="The goal's new progress in [0, 1]; only where it is entered by hand (progress_source manual, or "
        "auto without metrics or goals under it). Null: unchanged.",
    )

    class Meta:
        model = CheckIn
        fields = (
            "id",
            "goal",
            "metric",
            "progress",
            "value",
            "confidence",
            "note",
            "reflection",
            "health",
            "author",
            "created",
        )
        read_only_fields = ("id", "goal", "metric", "value", "author", "created")
        extra_kwargs = {
            "id": {"help_text": "The check-in's id."},
            "goal": {"help_text": "The goal (id)."},
            "metric": {"help_text": "The metric checked in on (id); null for a check-in on the goal itself."},
            "value": {"help_text": "The metric's new value; null for a check-in on the goal itself."},
            "author": {"help_text": "Who recorded it (id of people/)."},
            "created": {"help_text": "When it was recorded."},
        }

    def create(self, validated_data: dict) -> CheckIn:
        return services.goal_checkin_record(
            actor=self.context["request"].user, goal=self.context["goal"], **validated_data
        )
