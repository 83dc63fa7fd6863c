"""The cycles API: a thin viewset over apps.cycles.services."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from apps.core.api.viewsets import ApiViewSet
from apps.org.api.permissions import ManagesOrg

from ..filters import CycleFilterSet
from ..models import Cycle
from .serializers import CycleSerializer


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
