"""reports/xmatrix/: a cycle's intents × the translational goals that serve them × their metrics × owners, with the
strength of each tie (apps.reports.xmatrix). Everyone signed in reads it, as far as they may see the goals."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import IdRelatedField
from apps.cycles.models import Cycle

from ..xmatrix import Strength, XMatrix, xmatrix


class CycleQuerySerializer(serializers.Serializer):
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        help_text="A cycle (id): the report covers it and the cycles inside it. Default: every active cycle.",
    )


class XMatrixIntentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The intent's id (goals/).")
    title = serializers.CharField(help_text="Its title.")
    owner = serializers.IntegerField(source="owner_id", help_text="Its owner (id of people/).")
    owner_name = serializers.CharField(source="owner", help_text="Its owner's name (or username).")
    cycle = serializers.IntegerField(source="cycle_id", help_text="Its cycle (id).")
    status = serializers.CharField(help_text="Its status (a draft shows only to those who may see drafts).")


class XMatrixMetricSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The metric's id (metrics/).")
    name = serializers.CharField(help_text="What is measured.")
    current = serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=False, help_text="The latest value."
    )
    target = serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=False, help_text="The value that means done."
    )
    unit = serializers.CharField(help_text="percent, number or currency.")
    display_unit = serializers.CharField(help_text='What pages show with the values ("$", "days"…); may be empty.')
    progress = serializers.FloatField(help_text="The metric's progress, a number in [0, 1].")


class XMatrixTieSerializer(serializers.Serializer):
    intent = serializers.IntegerField(source="intent_id", help_text="The intent (id, one of `intents`).")
    strength = serializers.ChoiceField(
        choices=[s.label for s in sorted(Strength, reverse=True)],
        source="strength.label",
        help_text="strong: the goal (or `via`) sits under the intent; medium: a `contributes` link to it; weak: a "
        "`supports` link to it.",
    )
    via = serializers.IntegerField(
        source="via_id",
        allow_null=True,
        help_text="The translational goal above this one that holds the tie (id); null when the tie is the goal's "
        "own. Per intent the strongest tie is given, the nearest among equally strong ones.",
    )


class XMatrixGoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The translational goal's id (goals/).")
    title = serializers.CharField(help_text="Its title.")
    owner = serializers.IntegerField(source="owner_id", help_text="Its owner (id of people/).")
    owner_name = serializers.CharField(source="owner", help_text="Its owner's name (or username).")
    unit = serializers.IntegerField(source="unit_id", help_text="Its unit (id of units/).")
    unit_name = serializers.CharField(source="unit.name", help_text="Its unit's name.")
    parent = serializers.IntegerField(source="parent_id", help_text="Its cascade parent (id).")
    cycle = serializers.IntegerField(source="cycle_id", help_text="Its cycle (id).")
    status = serializers.CharField(help_text="Its status.")
    progress = serializers.FloatField(help_text="Its progress, a number in [0, 1].")
    metrics = XMatrixMetricSerializer(many=True, source="metrics_shown", help_text="Its metrics in use.")
    ties = XMatrixTieSerializer(many=True, source="ties_shown", help_text="Its ties to the intents, strongest first.")


class XMatrixSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(allow_null=True, help_text="The cycle asked for (id); null: the active cycles.")
    cycle_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The cycles whose translational goals are covered."
    )
    intents = XMatrixIntentSerializer(
        many=True,
        help_text="The columns: intents of the cycles covered and of the cycles containing them, that you may see.",
    )
    goals = XMatrixGoalSerializer(
        many=True,
        help_text="The rows: translational goals of the cycles covered with a tie to one of the intents, grouped "
        "under the intent whose cascade they belong to, in cascade order.",
    )

    def to_representation(self, matrix: XMatrix) -> dict:
        goals = []
        for row in matrix.rows:
            row.goal.metrics_shown = row.metrics
            row.goal.ties_shown = sorted(row.ties.values(), key=lambda tie: (-tie.strength, tie.intent_id))
            goals.append(row.goal)
        view = {
            "cycle": matrix.cycle.pk if matrix.cycle else None,
            "cycle_ids": matrix.cycle_ids,
            "intents": matrix.intents,
            "goals": goals,
        }
        return super().to_representation(view)


class XMatrixView(APIView):
    @extend_schema(
        summary="The X-matrix of a cycle",
        description="Strategic intents × the translational goals that serve them × their metrics × owners, with the "
        "strength of each tie: the cascade parent is strong, a `contributes` link medium, a `supports` link weak. "
        "A translational goal under another one serves what its ancestors serve (`via` names the ancestor). "
        "Everyone signed in reads it, as far as they may see the goals; archived goals never show.",
        parameters=[CycleQuerySerializer],
        responses=XMatrixSerializer,
    )
    def get(self, request: Request) -> Response:
        query = CycleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matrix = xmatrix(request.user, query.validated_data.get("cycle"))
        return Response(XMatrixSerializer(matrix).data)
