"""reports/calibration/: a cycle's review scores per manager beside the organisation's distribution, outliers flagged
(apps.reports.calibration). HR and admins only; aggregates of five people or more, never one person's figures."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..calibration import MIN_PEOPLE, Calibration, calibration, can_view_calibration
from .xmatrix import CycleQuerySerializer


class CanViewCalibration(drf_permissions.BasePermission):
    message = "Only HR and admins see the calibration of reviews."

    def has_permission(self, request, view) -> bool:
        return can_view_calibration(request.user)


class CalibrationBucketSerializer(serializers.Serializer):
    low = serializers.FloatField(help_text="The lowest score of the bucket (included).")
    high = serializers.FloatField(help_text="The highest score of the bucket (excluded, except 1 in the last).")
    count = serializers.IntegerField(help_text="Reviews with a score in it.")


class CalibrationOrganisationSerializer(serializers.Serializer):
    people = serializers.IntegerField(help_text="People with a review covered.")
    reviews = serializers.IntegerField(help_text="Reviews covered.")
    mean = serializers.FloatField(
        allow_null=True, help_text=f"The mean score, in [0, 1]; null with fewer than {MIN_PEOPLE} people."
    )
    stddev = serializers.FloatField(
        allow_null=True, help_text=f"The standard deviation of the scores; null with fewer than {MIN_PEOPLE} people."
    )
    histogram = CalibrationBucketSerializer(
        many=True, help_text=f"Scores in five buckets of 0.2; empty with fewer than {MIN_PEOPLE} people."
    )


class CalibrationManagerSerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager_id", help_text="The manager (id of people/).")
    name = serializers.CharField(help_text="The manager's name.")
    people = serializers.IntegerField(help_text="Their people with a review covered (at least min_people).")
    reviews = serializers.IntegerField(help_text="Those people's reviews.")
    mean = serializers.FloatField(help_text="The mean score of those reviews, in [0, 1].")
    difference = serializers.FloatField(help_text="mean − the organisation's mean.")
    flag = serializers.ChoiceField(
        choices=["above", "below"],
        allow_null=True,
        help_text="above or below when the mean differs from the organisation's by more than one standard "
        "deviation; null otherwise.",
    )
    histogram = CalibrationBucketSerializer(many=True, help_text="Their scores in five buckets of 0.2.")


class CalibrationSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(allow_null=True, help_text="The cycle asked for (id); null: the active cycles.")
    cycle_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The cycles whose reviews count.")
    min_people = serializers.IntegerField(help_text="The fewest people a figure is shown for.")
    shown = serializers.BooleanField(help_text=f"Whether the organisation has the {MIN_PEOPLE} people to show figures.")
    organisation = CalibrationOrganisationSerializer(help_text="The organisation's distribution.")
    managers = CalibrationManagerSerializer(
        many=True,
        help_text="Each manager (of the reviewed goals' owners, as the organisation stands now) with at least "
        "min_people people, by name.",
    )
    not_shown = serializers.IntegerField(help_text="Managers left out for having fewer than min_people people.")
    people_without_manager = serializers.IntegerField(
        help_text="Reviewed people without a manager: in the organisation's figures only."
    )

    def to_representation(self, result: Calibration) -> dict:
        org = result.organisation
        view = {
            "cycle": result.cycle.pk if result.cycle else None,
            "cycle_ids": result.cycle_ids,
            "min_people": result.min_people,
            "shown": result.shown,
            "organisation": {
                "people": org.people,
                "reviews": org.reviews,
                "mean": org.mean,
                "stddev": result.stddev,
                "histogram": org.histogram,
            },
            "managers": result.managers,
            "not_shown": result.not_shown,
            "people_without_manager": result.people_without_manager,
        }
        return super().to_representation(view)


class CalibrationView(APIView):
    permission_classes = (drf_permissions.IsAuthenticated, CanViewCalibration)

    @extend_schema(
        summary="Calibration of review scores",
        description="The review scores of a cycle (and the cycles inside it; default: every active cycle) per "
        "manager — the manager of each reviewed goal's owner, as the organisation stands now — beside the "
        "organisation's mean, standard deviation and histogram. A manager whose mean differs from the "
        "organisation's by more than one standard deviation is flagged. Groups of fewer than five people are not "
        "shown (only counted), nor is the organisation's figure below five people: no individual's score or "
        "reflection is ever given. HR and admins only.",
        parameters=[CycleQuerySerializer],
        responses=CalibrationSerializer,
    )
    def get(self, request: Request) -> Response:
        query = CycleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(CalibrationSerializer(calibration(query.validated_data.get("cycle"))).data)
