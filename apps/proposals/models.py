"""Proposals (DESIGN.md "Proposal", issue 14 part 1): catchball — a goal suggested upward under a parent.

Proposal      a goal someone suggests under a parent they can see (or a draft of theirs sent up for agreement);
              the parent's owner accepts it (a goal is created, or the draft published), asks for changes, or
              declines. It counts nowhere until accepted: before that no goal row exists.
ProposalStep  one turn of the conversation: who did what (submitted, changes_requested, resubmitted, accepted,
              declined) with their comment, kept and shown on the proposal.
"""

from django.conf import settings
from django.db import models

from apps.goals.models import Layer


class Proposal(models.Model):
    """A goal suggested under `parent`, owned by `proposer` once accepted (`goal` is then the goal it became)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    why = models.TextField(blank=True)
    layer = models.CharField(max_length=16, choices=Layer.choices)
    parent = models.ForeignKey("goals.Goal", on_delete=models.PROTECT, related_name="proposals")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The latest answer's comment (a request for changes, a decline, an optional word on acceptance).
    comment = models.TextField(blank=True)
    # Optional metrics the goal starts with: [{name, unit, start, target, display_unit, weight}], checked by
    # apps.proposals.services with metric_create's rules; numbers kept as strings (decimals).
    metrics = models.JSONField(default=list, blank=True)
    # Catchball for translations: an existing draft of the proposer's, sent up for the parent owner's agreement;
    # accepting publishes it instead of creating a goal.
    draft = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.PROTECT, related_name="draft_proposals"
    )
    # The goal it became, once accepted.
    goal = models.OneToOneField("goals.Goal", null=True, blank=True, on_delete=models.PROTECT, related_name="proposal")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("parent", "status")), models.Index(fields=("proposer", "status"))]
        constraints = [
            models.UniqueConstraint(
                fields=("draft",),
                condition=models.Q(status__in=("pending", "changes_requested")),
                name="one_open_proposal_per_draft",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(goal__isnull=False),
                name="accepted_proposal_has_goal",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CHANGES_REQUESTED)


class ProposalStep(models.Model):
    """One turn of a proposal's conversation, with its comment; never changed once written."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "proposed it"
        CHANGES_REQUESTED = "changes_requested", "asked for changes"
        RESUBMITTED = "resubmitted", "resubmitted it"
        ACCEPTED = "accepted", "accepted it"
        DECLINED = "declined", "declined it"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} (proposal {self.proposal_id})"
