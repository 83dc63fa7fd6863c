"""links/ (DESIGN.md, the API contract's next additions): secondary ties between goals beside the cascade parent.

Shape checks here; the rules (no self, no ancestor or descendant, no loop, one link per pair, cycles, weight) and who
may are apps.goals.links. A link is found only by whoever may see both its goals (404 otherwise); a goal the caller
may not see "does not exist" in a write (400 naming the field), as everywhere in the goals API.
"""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet
from apps.core.filters import IdFilter

from .. import links, selectors
from ..models import GoalLink
from .serializers import VisibleGoalField

FIELDS = ("id", "source", "target", "kind", "weight")
HELP = {
    "id": "The link's id.",
    "kind": "`contributes`: the source's progress counts in the target's rollup with `weight`; `supports`: shown "
    "only, never counted.",
    "weight": "How much the source counts in the target's rollup (contributes links): a finite number ≥ 0, default 1.",
}


class KindField(serializers.ChoiceField):
    """`contributes` or `supports` (documented as LinkKindEnum: settings.SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES)."""

    def __init__(self, **kwargs):
        super().__init__(choices=GoalLink.Kind.choices, **kwargs)


class LinkSerializer(serializers.ModelSerializer):
    """A link from one goal (the source) to another (the target) beside the cascade parent."""

    source = VisibleGoalField(help_text="The goal that contributes or supports (id); fixed once linked.")
    target = VisibleGoalField(help_text="The goal it contributes to or supports (id); fixed once linked.")
    kind = KindField(help_text=HELP["kind"])
    weight = serializers.FloatField(required=False, default=1.0, help_text=HELP["weight"])

    class Meta:
        model = GoalLink
        fields = FIELDS
        read_only_fields = ("id",)
        extra_kwargs = {"id": {"help_text": HELP["id"]}}


class LinkUpdateSerializer(serializers.ModelSerializer):
    """A link's kind and weight; its two goals are fixed (remove the link and create another one)."""

    kind = KindField(required=False, help_text=HELP["kind"])
    weight = serializers.FloatField(required=False, help_text=HELP["weight"])

    class Meta:
        model = GoalLink
        fields = FIELDS
        read_only_fields = ("id", "source", "target")
        extra_kwargs = {
            "id": {"help_text": HELP["id"]},
            "source": {"help_text": "The goal that contributes or supports (id); fixed."},
            "target": {"help_text": "The goal it contributes to or supports (id); fixed."},
        }

    def validate(self, attrs: dict) -> dict:
        fixed = sorted({"source", "target"} & set(getattr(self, "initial_data", {}) or {}))
        if fixed:
            raise serializers.ValidationError(
                {name: ["A link's goals are fixed: remove it and create another one."] for name in fixed}
            )
        return attrs


class LinkFilterSet(django_filters.FilterSet):
    source = IdFilter(field_name="source_id", help_text="Only links from this goal (id).")
    target = IdFilter(field_name="target_id", help_text="Only links to this goal (id).")
    kind = django_filters.ChoiceFilter(choices=GoalLink.Kind.choices, help_text="Only links of this kind.")

    class Meta:
        model = GoalLink
        fields = ()


SEEN = "Links both of whose goals you may see; any other is not found (404)."


@extend_schema_view(
    list=extend_schema(summary="List links between goals", description=SEEN + " Ordered by id."),
    retrieve=extend_schema(summary="Read a link", description=SEEN),
    create=extend_schema(
        summary="Link a goal to another",
        description="Whoever may change the source goal (and see the target) links it. Refused, naming the field: "
        "a goal to itself, to its own ancestors or descendants, a link that would close a loop through parents "
        "and other links, a second link between the same two goals (either way), an archived goal, a target whose "
        "cycle does not contain the source's, a weight below 0 or not finite.",
    ),
    partial_update=extend_schema(summary="Change a link's kind or weight", request=LinkUpdateSerializer),
    destroy=extend_schema(
        summary="Remove a link", description="Whoever may change the source goal; the change log keeps it."
    ),
)
class LinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    http_method_names = ("get", "post", "patch", "delete", "head", "options")
    filterset_class = LinkFilterSet

    def get_queryset(self) -> QuerySet[GoalLink]:
        return selectors.links_visible_to(self.request.user).select_related("source", "target").order_by("id")

    def get_serializer_class(self):
        return LinkUpdateSerializer if self.action == "partial_update" else LinkSerializer

    def perform_create(self, serializer) -> None:
        serializer.instance = links.link_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer) -> None:
        link = serializer.instance
        serializer.instance = links.link_update(actor=self.request.user, link=link, **serializer.validated_data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        links.link_delete(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
