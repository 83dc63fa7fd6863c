"""POST /api/v1/checkins/batch/: many check-ins in one request, all or nothing, one rollup (apps.goals.batch).

The body is a JSON list of items; the answer lists the check-ins in the same order, and each goal they moved with
its figures as they stand (`rollup_pending` while a worker has not rolled it up yet: read it again until false).
Refusals line up with the request: `items[i]` holds item i's errors by field, `{}` for an item without a fault.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..batch import FORBIDDEN, MAX_ITEMS, NOT_FOUND, BatchRefused, checkins_record_batch, pending_goal_ids
from ..models import Goal, Health
from ..selectors import goal_health
from .serializers import GoalCheckInSerializer, value_field


class CheckInBatchItemSerializer(serializers.Serializer):
    """One check-in of a batch: on a metric (`metric`, `value`) or on a goal itself (`goal`, `progress`?)."""

    metric = serializers.IntegerField(
        required=False, min_value=1, help_text="The metric checked in on (id). Either this or `goal`."
    )
    goal = serializers.IntegerField(
        required=False, min_value=1, help_text="The goal checked in on itself (id), for goals without metrics."
    )
    value = value_field("The metric's new value (metric items only; required there).", required=False)
    progress = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="Goal items only: the goal's new progress in [0, 1], where it is entered by hand. Null: unchanged.",
    )
    health = serializers.ChoiceField(
        choices=Health.choices, required=False, allow_blank=True, help_text="The owner's health; empty: computed."
    )
    confidence = serializers.IntegerField(min_value=0, max_value=10, help_text="0 (not at all sure) to 10.")
    note = serializers.CharField(required=False, allow_blank=True, help_text="What happened, in words.")
    reflection = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What worked, what didn't: read only by the goal's owner, their manager chain and the author.",
    )


class GoalFiguresSerializer(serializers.ModelSerializer):
    """A goal's figures after the batch, as they stand when the answer is written."""

    health = serializers.SerializerMethodField(help_text="on_track, at_risk, off_track, or null (not started).")
    rollup_pending = serializers.SerializerMethodField(
        help_text="True while the background rollup has not recomputed this goal yet: read goals/{id}/ again."
    )

    class Meta:
        model = Goal
        fields = (
            "id",
            "progress",
            "measured_progress",
            "rollup_progress",
            "health",
            "last_checkin_at",
            "rollup_pending",
        )
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The goal's id."},
            "progress": {"help_text": "What the goal shows and its parent counts, in [0, 1]."},
            "measured_progress": {"help_text": "From its metrics, in [0, 1]; null without metrics."},
            "rollup_progress": {"help_text": "From the goals under it, in [0, 1]; null without any."},
            "last_checkin_at": {"help_text": "Its latest check-in: one of this batch's."},
        }

    def get_health(self, goal: Goal) -> str | None:
        return goal_health(goal, today=self.context["today"])

    def get_rollup_pending(self, goal: Goal) -> bool:
        return goal.pk in self.context["pending"]


class BatchCheckInSerializer(GoalCheckInSerializer):
    """A check-in the batch recorded: on a metric (`value`) or on the goal itself (`progress`, maybe)."""

    value = value_field(
        "The metric's new value; null for a check-in on the goal itself.", read_only=True, allow_null=True
    )


class CheckInBatchSerializer(serializers.Serializer):
    checkins = BatchCheckInSerializer(many=True, help_text="The check-ins recorded, in the order of the request.")
    goals = GoalFiguresSerializer(many=True, help_text="Each goal checked in on (itself or through a metric).")

    class Meta:
        fields = ("checkins", "goals")


class CheckInBatchInvalidSerializer(serializers.Serializer):
    """Bad input: nothing was recorded."""

    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is wrong with the list as a whole."
    )
    items = serializers.ListField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        required=False,
        help_text="One object per item of the request, in its order: `{field: [messages]}`, `{}` for a good item.",
    )


class CheckInBatchRefusedSerializer(serializers.Serializer):
    """Nothing was recorded: an item names what you may not see (404) or not check in on (403)."""

    detail = serializers.CharField(help_text="What went wrong, in words.")
    items = serializers.ListField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        required=False,
        help_text="One object per item of the request, in its order: `{field: [messages]}`, `{}` for a good item.",
    )


def _item_errors(refusal: BatchRefused) -> list[dict]:
    key = api_settings.NON_FIELD_ERRORS_KEY
    return [
        {key if name == NON_FIELD_ERRORS else name: list(messages) for name, messages in item.items()}
        for item in refusal.items
    ]


class CheckInBatchView(APIView):
    @extend_schema(
        operation_id="checkins_batch_create",
        summary="Check in on many metrics and goals at once",
        description=(
            f"A JSON list of check-ins (at most {MAX_ITEMS}): "
            '`{"metric": id, "value", "confidence", "note"?}` or '
            '`{"goal": id, "progress"?, "health"?, "confidence", "note"?}`, each checked as its single '
            "endpoint checks it (metrics/{id}/checkins/, goals/{id}/checkins/). All or nothing: one bad item and "
            "nothing is recorded. A metric or a goal appears at most once. Errors line up with the request in "
            "`items` (`{}` for a good item): 400 for bad input (every item's faults at once), 404 when an item "
            "names a metric or goal you may not see (or none), 403 when you may see it but not check in on it. "
            "The goals roll up once, in the background: `goals` carries their figures, and `rollup_pending` says "
            "whether to read them again."
        ),
        request=CheckInBatchItemSerializer(many=True),
        responses={
            201: CheckInBatchSerializer,
            400: CheckInBatchInvalidSerializer,
            403: CheckInBatchRefusedSerializer,
            404: CheckInBatchRefusedSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        try:
            checkins = checkins_record_batch(actor=request.user, items=request.data)
        except BatchRefused as refusal:
            raise _api_error(refusal) from None
        goal_ids = {checkin.goal_id for checkin in checkins}
        goals = Goal.objects.filter(pk__in=goal_ids).select_related("cycle").order_by("pk")
        context = {"today": timezone.localdate(), "pending": pending_goal_ids(goal_ids), "request": request}
        answer = CheckInBatchSerializer({"checkins": checkins, "goals": goals}, context=context)
        return Response(answer.data, status=status.HTTP_201_CREATED)


def _api_error(refusal: BatchRefused):
    if refusal.kind == NOT_FOUND:
        return NotFound({"detail": refusal.message, "items": _item_errors(refusal)})
    if refusal.kind == FORBIDDEN:
        return PermissionDenied({"detail": refusal.message, "items": _item_errors(refusal)})
    if not refusal.items:
        return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [refusal.message]})
    return ValidationError({"items": _item_errors(refusal)})
