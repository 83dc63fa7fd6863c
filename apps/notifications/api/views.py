"""notifications/ and me/preferences/ (DESIGN.md, the API contract's next additions): always the caller's own."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.viewsets import ApiViewSet

from .. import selectors, services
from ..filters import NotificationFilterSet
from ..models import Notification
from .serializers import NotificationSerializer, PreferenceSerializer, ReadAllSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List your notifications",
        description="Yours only, newest first. Paginated. `?unread=true` lists the unread ones.",
    ),
    retrieve=extend_schema(summary="Read one of your notifications", description="Another's is not found (404)."),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notifications_of(self.request.user)

    @extend_schema(summary="Mark a notification read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        notification = services.notification_mark_read(person=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all your notifications read", request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=(), pagination_class=None)
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(person=request.user)})


class PreferencesView(APIView):
    """Your time zone, quiet hours, email digest and check-in reminders."""

    @extend_schema(summary="Read your preferences", responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(services.preference_for(request.user)).data)

    @extend_schema(
        summary="Change some of your preferences",
        description="Quiet hours are both set or both null. Bad input answers 400 naming the field, changing nothing.",
        request=PreferenceSerializer,
        responses=PreferenceSerializer,
    )
    def patch(self, request: Request) -> Response:
        serializer = PreferenceSerializer(services.preference_for(request.user), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preference = services.preference_update(person=request.user, **serializer.validated_data)
        return Response(PreferenceSerializer(preference).data)
