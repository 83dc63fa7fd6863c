"""The metrics API: thin viewsets over apps.metrics.services, with apps.goals.permissions deciding access."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet
from apps.goals import permissions

from .. import services
from ..filters import MetricFilterSet
from ..models import Metric
from .serializers import CheckInSerializer, MetricSerializer


class MetricRules(drf_permissions.BasePermission):
    message = "Your role may not change this metric."

    def has_object_permission(self, request, view, metric: Metric) -> bool:
        if request.method in drf_permissions.SAFE_METHODS:
            return True
        if view.action == "checkins":
            self.message = "Only the goal's owner and those who may change the goal check in on its metrics."
            return permissions.can_record_checkin(request.user, metric)
        return permissions.can_change_metric(request.user, metric)


@extend_schema_view(
    list=extend_schema(
        summary="List metrics",
        description="The metrics of the goals you may see, archived ones left out unless `archived=true`. Paginated.",
    ),
    retrieve=extend_schema(summary="Read a metric"),
    create=extend_schema(
        summary="Add a metric to a goal",
        description="For whoever may change the goal. The goal's progress rolls up in the background.",
    ),
    update=extend_schema(summary="Replace a metric's fields", description="The goal is fixed."),
    partial_update=extend_schema(summary="Change some of a metric's fields"),
    destroy=extend_schema(
        summary="Archive a metric",
        description="Metrics are never deleted: this archives the metric and its check-in history is kept.",
        responses={204: OpenApiResponse(description="Archived (or already archived).")},
    ),
)
class MetricViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = MetricSerializer
    filterset_class = MetricFilterSet
    permission_classes = (*ApiViewSet.permission_classes, MetricRules)

    def get_queryset(self) -> QuerySet[Metric]:
        queryset = Metric.objects.select_related("goal__owner")
        return permissions.visible_metrics(self.request.user, queryset).order_by("pk")

    def perform_create(self, serializer: MetricSerializer) -> None:
        if not permissions.can_create_metric(self.request.user, serializer.validated_data["goal"]):
            raise PermissionDenied("Your role may not add metrics to this goal.")
        serializer.save()

    def perform_destroy(self, metric: Metric) -> None:
        services.metric_archive(actor=self.request.user, metric=metric)

    @extend_schema(
        methods=["GET"],
        summary="A metric's check-in history",
        description="Newest first. Paginated.",
        responses=CheckInSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Check in on a metric",
        description="Records the metric's new value with a confidence and a note; for the goal's owner and whoever "
        "may change the goal. The goal's progress and its ancestors' roll up in the background: read them "
        "again until they change.",
        request=CheckInSerializer,
        responses={201: CheckInSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=())
    def checkins(self, request: Request, pk=None) -> Response:
        metric = self.get_object()
        if request.method == "POST":
            serializer = CheckInSerializer(
                data=request.data, context={**self.get_serializer_context(), "metric": metric}
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(metric.checkins.order_by("-created", "-id"))
        return self.get_paginated_response(CheckInSerializer(page, many=True).data)
