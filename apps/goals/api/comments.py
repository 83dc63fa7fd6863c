"""goals/{id}/comments/: the comments on a goal the caller may see, and posting one (apps.goals.comments)."""

from functools import cached_property

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from apps.core.api.viewsets import ApiViewSet

from .. import permissions
from ..comments import MAX_MENTIONS, comment_post, comments_of
from ..models import Goal, GoalComment


class GoalCommentSerializer(serializers.ModelSerializer):
    """A comment on a goal. `@username` in its body mentions that person, if they may see the goal."""

    body = serializers.CharField(
        allow_blank=True,
        help_text="The comment, at most 10,000 characters. `@username` mentions (and notifies) that person when "
        f"they may see the goal; at most {MAX_MENTIONS} people in one comment.",
    )
    author_name = serializers.CharField(source="author", read_only=True, help_text="The author's name.")
    mentions = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="The people the comment mentions who may see the goal (ids of people/, ascending); other @names "
        "are plain text.",
    )

    class Meta:
        model = GoalComment
        fields = ("id", "goal", "author", "author_name", "body", "created", "mentions")
        read_only_fields = ("id", "goal", "author", "created")
        extra_kwargs = {
            "id": {"help_text": "The comment's id."},
            "goal": {"help_text": "The goal commented on (id)."},
            "author": {"help_text": "Who wrote it (id of people/)."},
            "created": {"help_text": "When it was posted."},
        }

    def validate(self, attrs: dict) -> dict:
        # A comment's goal is the one in the path and its author the caller: anything but `body` is refused by name.
        unknown = sorted(set(self.initial_data) - {"body"})
        if unknown:
            raise serializers.ValidationError({name: ["Only `body` is sent to post a comment."] for name in unknown})
        return attrs

    def create(self, validated_data: dict) -> GoalComment:
        goal = self.context["goal"]
        comment = comment_post(actor=self.context["request"].user, goal=goal, body=validated_data["body"])
        return comments_of(goal).get(pk=comment.pk)  # read back as the list shows it


GOAL_ID = OpenApiParameter("goal_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The goal's id.")


@extend_schema_view(
    list=extend_schema(
        summary="A goal's comments",
        description="The comments on a goal you may see, oldest first. Paginated.",
        parameters=[GOAL_ID],
    ),
    create=extend_schema(
        summary="Comment on a goal",
        description="Anyone who may see the goal comments on it; an archived goal takes no comments (400 naming "
        "`goal`). Each `@username` of a person who may see the goal mentions them: they are listed in `mentions` "
        "and notified. Other names, and addresses such as a@b.com, stay plain text.",
        parameters=[GOAL_ID],
    ),
)
class GoalCommentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = GoalCommentSerializer
    filter_backends = ()

    @cached_property
    def goal(self) -> Goal:
        """The goal in the path, if the caller may see it (404 otherwise, whether or not it exists)."""
        goals = permissions.visible_goals(self.request.user).select_related("owner")
        return get_object_or_404(goals, pk=self.kwargs["goal_id"])

    def get_queryset(self) -> QuerySet[GoalComment]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a goal
            return GoalComment.objects.none()
        return comments_of(self.goal)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if self.action == "create" and not getattr(self, "swagger_fake_view", False):
            context["goal"] = self.goal
        return context
