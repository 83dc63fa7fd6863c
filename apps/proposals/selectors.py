"""Reads of proposals, already filtered to what the viewer may see (apps.proposals.permissions)."""

from django.db.models import QuerySet

from apps.goals.models import Goal

from .models import Proposal, ProposalStep
from .permissions import visible_proposals_q

OPEN = (Proposal.Status.PENDING, Proposal.Status.CHANGES_REQUESTED)


def proposals_visible_to(person) -> QuerySet[Proposal]:
    """Every proposal `person` may see, with what a list row shows (one query)."""
    return (
        Proposal.objects.filter(visible_proposals_q(person))
        .select_related("parent__owner", "proposer", "cycle", "unit", "decided_by")
        .order_by("-created", "-id")
    )


def waiting_for(person) -> QuerySet[Proposal]:
    """The proposals waiting for `person`'s answer: pending, under a goal they own."""
    return proposals_visible_to(person).filter(parent__owner_id=person.pk, status=Proposal.Status.PENDING)


def proposed_by(person) -> QuerySet[Proposal]:
    return proposals_visible_to(person).filter(proposer_id=person.pk)


def steps_of(proposal: Proposal) -> QuerySet[ProposalStep]:
    """The conversation, oldest first, with who spoke (one query)."""
    return proposal.steps.select_related("actor").order_by("created", "id")


def waiting_count_under(goal: Goal) -> int:
    """How many proposals wait for an answer under `goal` (one query; for its owner's goal page)."""
    return Proposal.objects.filter(parent_id=goal.pk, status=Proposal.Status.PENDING).count()
