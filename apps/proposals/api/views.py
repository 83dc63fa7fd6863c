"""proposals/ (DESIGN.md, the API contract's next additions): catchball over the API.

A proposal is found by its proposer, the parent goal's owner and that owner's manager chain, and admins; for
anyone else it does not exist (404). The parent's owner answers (accept, request-changes, decline, accept-many);
the proposer edits and resubmits. A step the caller's role may not take is a 403, a step the proposal's status
does not allow a 400 naming the rule.
"""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet

from .. import selectors, services
from ..filters import ProposalFilterSet
from ..models import Proposal, ProposalStep
from .serializers import (
    AcceptManyAnswerSerializer,
    AcceptManySerializer,
    CommentSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
    RequiredCommentSerializer,
)

NOT_YOURS = "Seen by its proposer, the parent goal's owner and their manager chain, and admins; 404 for anyone else."


def _answer_schema(summary: str, description: str, request=CommentSerializer):
    return extend_schema(summary=summary, description=description, request=request, responses=ProposalSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List the proposals you may see",
        description="`?waiting=true`: the ones waiting for your answer; `?mine=true`: the ones you made. " + NOT_YOURS,
    ),
    retrieve=extend_schema(summary="Read a proposal and its conversation", description=NOT_YOURS),
    create=extend_schema(
        summary="Propose a goal under a parent you can see",
        description="A translational or operational goal, checked by the cascade rules; it counts nowhere until the "
        "parent's owner accepts it. With `draft`, a draft of yours is sent up for agreement instead.",
    ),
    partial_update=extend_schema(
        summary="Change your proposal", description="The proposer, while it is pending or changes were requested."
    ),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    http_method_names = ("get", "post", "patch", "head", "options")

    def get_queryset(self) -> QuerySet[Proposal]:
        steps = Prefetch("steps", queryset=ProposalStep.objects.order_by("created", "id"))
        return selectors.proposals_visible_to(self.request.user).prefetch_related(steps)

    def _answer(self, proposal: Proposal) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        if data.get("draft") is None:
            data.pop("draft", None)
            parent = data.get("parent")
            if parent is not None:
                data.setdefault("cycle", parent.cycle)
            data.setdefault("unit", self.request.user.unit)
        serializer.instance = services.proposal_create(actor=self.request.user, **data)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        proposal = self.get_object()
        serializer = ProposalUpdateSerializer(
            proposal, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.proposal_update(actor=request.user, proposal=proposal, **serializer.validated_data)
        return self._answer(proposal)

    @_answer_schema(
        "Accept a proposal", "The parent's owner (or an admin): the goal is created, owned by the proposer."
    )
    @action(detail=True, methods=["post"], serializer_class=CommentSerializer, filter_backends=())
    def accept(self, request: Request, pk=None) -> Response:
        return self._step(services.proposal_accept, CommentSerializer)

    @_answer_schema(
        "Ask for changes",
        "The parent's owner, with a comment; the proposer edits and resubmits.",
        RequiredCommentSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="request-changes",
        serializer_class=RequiredCommentSerializer,
        filter_backends=(),
    )
    def request_changes(self, request: Request, pk=None) -> Response:
        return self._step(services.proposal_request_changes, RequiredCommentSerializer)

    @_answer_schema("Decline a proposal", "The parent's owner, with a comment.", RequiredCommentSerializer)
    @action(detail=True, methods=["post"], serializer_class=RequiredCommentSerializer, filter_backends=())
    def decline(self, request: Request, pk=None) -> Response:
        return self._step(services.proposal_decline, RequiredCommentSerializer)

    @_answer_schema("Resubmit a proposal", "The proposer, after changes were requested: it waits for an answer again.")
    @action(detail=True, methods=["post"], serializer_class=CommentSerializer, filter_backends=())
    def resubmit(self, request: Request, pk=None) -> Response:
        return self._step(services.proposal_resubmit, CommentSerializer)

    def _step(self, service, serializer_class) -> Response:
        proposal = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data.get("comment", "")
        proposal = service(actor=self.request.user, proposal=proposal, comment=comment)
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(
        summary="Accept several proposals at once",
        description="All or none: when one cannot be accepted nothing is, and each failure is named under `ids`. "
        "Ids you may not see are named as not found.",
        request=AcceptManySerializer,
        responses=AcceptManyAnswerSerializer,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="accept-many",
        serializer_class=AcceptManySerializer,
        filter_backends=(),
        pagination_class=None,
    )
    def accept_many(self, request: Request) -> Response:
        serializer = AcceptManySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["ids"]))
        found = {p.pk: p for p in selectors.proposals_visible_to(request.user).filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise ValidationError({"ids": [f"No proposal you may see has the id(s) {', '.join(missing)}."]})
        accepted = services.proposals_accept_many(actor=request.user, proposals=[found[pk] for pk in ids])
        fresh = self.get_queryset().filter(pk__in=[p.pk for p in accepted])
        return Response({"accepted": ProposalSerializer(fresh, many=True).data}, status=status.HTTP_200_OK)
