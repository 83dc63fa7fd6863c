"""reviews/ and goals/{id}/carry-over/ (DESIGN.md, the API contract's next additions): thin views over
apps.reviews.services and apps.goals.carryover.

A review is found by whoever may see its goal, except HR, who reads reviews only in aggregates (the calibration
report); its reflection is null for anyone but the owner, their manager chain and admins.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.viewsets import ApiViewSet
from apps.goals import carryover
from apps.goals import permissions as goal_permissions
from apps.goals import services as goal_services
from apps.goals.api.serializers import GoalSerializer
from apps.goals.api.views import with_goal_reads
from apps.goals.models import Goal, ReflectionRead

from .. import selectors, services
from ..filters import ReviewFilterSet
from ..models import Review
from .serializers import CarryOverSerializer, ReviewSerializer, ReviewUpdateSerializer

NOT_YOURS = "Reviews of goals you may not see are not found (404); HR reads reviews only in aggregates."


@extend_schema_view(
    list=extend_schema(
        summary="List reviews",
        description="The reviews of goals you may see, filtered by goal, cycle or signed_off. Paginated. " + NOT_YOURS,
    ),
    retrieve=extend_schema(summary="Read a review", description=NOT_YOURS),
    create=extend_schema(
        summary="Write the review of a goal",
        description="By the goal's owner or whoever may change the goal; the reflection by the owner alone. One review "
        "per goal: writing it again changes it (200). The goal must be in use, not a draft, in a cycle not closed; a "
        "signed-off review changes only once its sign-off is withdrawn.",
        responses={201: ReviewSerializer, 200: ReviewSerializer},
    ),
    partial_update=extend_schema(summary="Change a review", request=ReviewUpdateSerializer, responses=ReviewSerializer),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    http_method_names = ("get", "post", "patch", "delete", "head", "options")

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.reviews_visible_to(self.request.user).order_by("pk")

    def _reloaded(self, review: Review) -> Review:
        # Unfiltered: the writer may see the review; the answer is shaped per reader by the serializer anyway.
        return (
            Review.objects.select_related("goal__owner")
            .annotate(owner_unit_id=F("goal__owner__unit_id"))
            .get(pk=review.pk)
        )

    def _answer(self, review: Review, code: int = status.HTTP_200_OK) -> Response:
        return Response(ReviewSerializer(self._reloaded(review), context=self.get_serializer_context()).data, code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = ReviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = Review.objects.filter(goal=data["goal"]).exists()
        review = services.review_save(
            actor=request.user,
            goal=data["goal"],
            relevance=data["relevance"],
            reflection=data.get("reflection"),
            score=data.get("score"),
        )
        return self._answer(review, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        review = self.get_object()
        serializer = ReviewUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = services.review_save(
            actor=request.user,
            goal=review.goal,
            relevance=data.get("relevance", review.relevance),
            reflection=data.get("reflection"),
            score=data.get("score", review.score),
        )
        return self._answer(review)

    @extend_schema(
        methods=["POST"],
        summary="Sign a review off",
        description="By someone in the goal owner's manager chain, or an admin; never by the owner. Once signed off, "
        "the review no longer changes unless the sign-off is withdrawn.",
        request=None,
        responses=ReviewSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Withdraw a sign-off",
        description="By whoever may sign the review off, while its cycle is open: the review may then change again.",
        request=None,
        responses=ReviewSerializer,
    )
    @action(detail=True, methods=["post", "delete"], url_path="sign-off")
    def sign_off(self, request: Request, pk=None) -> Response:
        review = self.get_object()
        if request.method == "DELETE":
            review = services.review_withdraw_sign_off(actor=request.user, review=review)
        else:
            review = services.review_sign_off(actor=request.user, review=review)
        return self._answer(review)


class GoalCarryOverView(APIView):
    """goals/{id}/carry-over/: the goal and its open subtree continue in a later cycle."""

    serializer_class = CarryOverSerializer

    @extend_schema(
        summary="Carry a goal over into a later cycle",
        description="The goal and its open subtree (not archived; draft or active — an achieved, missed or cancelled "
        "goal ends its branch) are re-created in `cycle` with `carried_from` pointing at the originals, metrics as "
        "they stand; the originals stay in their cycle with their history and count as carried over when it closes. "
        "The copy hangs under the old parent if its cycle holds the new one, else under the parent's carried copy; a "
        "personal goal otherwise stands alone. By whoever may change the goal. Answers the new goal.",
        request=CarryOverSerializer,
        responses={201: GoalSerializer, 400: OpenApiResponse(description="A rule refused it, named by field.")},
    )
    def post(self, request: Request, pk: int) -> Response:
        goal = get_object_or_404(goal_permissions.visible_goals(request.user).select_related("cycle"), pk=pk)
        if not carryover.can_carry_over(request.user, goal):
            raise PermissionDenied("Only those who may change the goal carry it over.")
        serializer = CarryOverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = carryover.goal_carry_over(actor=request.user, goal=goal, cycle=serializer.validated_data["cycle"])
        reads: set[int] = set()
        context = {"request": request, "today": timezone.localdate(), "reflection_reads": reads}
        data = GoalSerializer(with_goal_reads(Goal.objects.all()).get(pk=copy.pk), context=context).data
        if reads:
            goal_services.reflection_reads_record(
                reader=request.user, goal_ids=reads, channel=ReflectionRead.Channel.API
            )
        return Response(data, status=status.HTTP_201_CREATED)
