"""The cycles API: a thin viewset over apps.cycles.services."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet
from apps.org.api.permissions import ManagesOrg

from .. import permissions, services
from ..filters import CycleFilterSet
from ..models import Cycle
from .serializers import CycleSerializer


class ClosesCycles(drf_permissions.BasePermission):
    message = "Only admins, HR and leaders close a cycle."

    def has_permission(self, request, view) -> bool:
        return permissions.can_close_cycle(request.user)


@extend_schema_view(
    list=extend_schema(summary="List cycles", description="Every planning cycle, earliest first. Paginated."),
    retrieve=extend_schema(summary="Read a cycle"),
    create=extend_schema(summary="Create a cycle", description="HR and admins."),
    update=extend_schema(summary="Replace a cycle's fields", description="HR and admins."),
    partial_update=extend_schema(summary="Change some of a cycle's fields", description="HR and admins."),
)
class CycleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = CycleSerializer
    filterset_class = CycleFilterSet
    permission_classes = (*ApiViewSet.permission_classes, ManagesOrg)

    def get_queryset(self) -> QuerySet[Cycle]:
        return Cycle.objects.order_by("start", "name", "pk")

    def get_permissions(self):
        if self.action == "close":
            return [permission() for permission in (*ApiViewSet.permission_classes, ClosesCycles)]
        return super().get_permissions()

    @extend_schema(
        summary="Close a cycle",
        description="Admins, HR and leaders. The cycle closes once every goal of it that is active, achieved or missed "
        "(and not archived) has a review or has been carried over into a later cycle; drafts and cancelled goals need "
        "neither. Otherwise a 400 says how many goals are missing and names the first few. Closing a closed cycle "
        "changes nothing.",
        request=None,
        responses={200: CycleSerializer, 400: OpenApiResponse(description="What still stands in the way.")},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        cycle = services.cycle_close(actor=request.user, cycle=self.get_object())
        return Response(CycleSerializer(cycle, context=self.get_serializer_context()).data)
