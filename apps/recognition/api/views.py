"""people/{id}/coaching-profile/, wins/ and recognitions/ (DESIGN.md, the API contract's next additions)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.validation import MAX_ID
from apps.goals.permissions import visible_goals
from apps.org.models import Person

from .. import permissions, selectors, services
from ..models import CoachingProfile
from .serializers import CoachingProfileSerializer, RecognitionSerializer, WinSerializer


def _readable_person(request: Request, pk: int) -> Person:
    """The person whose profile the caller may read: 404 otherwise (peers, HR, admins), so nothing is told."""
    person = get_object_or_404(Person, pk=pk) if pk <= MAX_ID else None
    if person is None or not permissions.can_read_profile(request.user, person):
        raise NotFound()
    return person


class CoachingProfileView(APIView):
    """How a person likes to be worked with: written by them, read by them and their manager chain."""

    @extend_schema(summary="Read a coaching profile", responses=CoachingProfileSerializer)
    def get(self, request: Request, pk: int) -> Response:
        person = _readable_person(request, pk)
        profile = selectors.profile_of(person) or CoachingProfile(person=person)
        return Response(CoachingProfileSerializer(profile).data)

    @extend_schema(
        summary="Write your coaching profile",
        description="Only the person writes it (their manager chain: 403). Empty answers mean not said.",
        request=CoachingProfileSerializer,
        responses=CoachingProfileSerializer,
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._write(request, pk, partial=False)

    @extend_schema(
        summary="Change some answers of your coaching profile",
        request=CoachingProfileSerializer,
        responses=CoachingProfileSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._write(request, pk, partial=True)

    def _write(self, request: Request, pk: int, *, partial: bool) -> Response:
        person = _readable_person(request, pk)
        serializer = CoachingProfileSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        profile = services.coaching_profile_update(actor=request.user, person=person, **serializer.validated_data)
        return Response(CoachingProfileSerializer(profile).data)


@extend_schema(
    summary="The wins you may see",
    description="Goals achieved, metrics past 50 % and 100 %, and recognitions, newest first (your team's first "
    "if your coaching profile prefers team recognition). Paginated.",
)
class WinListView(generics.ListAPIView):
    serializer_class = WinSerializer

    def get_queryset(self):
        return selectors.wins_visible_to(self.request.user)


class RecognitionView(APIView):
    @extend_schema(
        summary="Recognise someone",
        description="For a contribution, optionally on a goal you may see; the person is notified.",
        request=RecognitionSerializer,
        responses={201: WinSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = RecognitionSerializer(data=request.data)
        serializer.fields["goal"].queryset = visible_goals(request.user)  # a hidden goal "does not exist"
        serializer.is_valid(raise_exception=True)
        win = services.recognition_create(actor=request.user, **serializer.validated_data)
        return Response(WinSerializer(win).data, status=status.HTTP_201_CREATED)
