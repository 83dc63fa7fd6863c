"""Writes for proposals (catchball): one place per rule, used by the pages, the API and the admin.

    proposal_create(...)          anyone, under a parent they can see, with the cascade rules a goal meets
    proposal_update(...)          the proposer, while pending or changes were requested
    proposal_accept(...)          the parent's owner (or an admin): the goal is created through apps.goals.services,
                                  owned by the proposer and active — or the proposer's draft is published
    proposal_request_changes(...) the parent's owner, with a comment; the proposer edits and resubmits
    proposal_decline(...)         the parent's owner, with a comment
    proposal_resubmit(...)        the proposer, after changes were requested
    proposals_accept_many(...)    bulk accept: all or nothing, naming each proposal that failed

Bad input raises ValidationError naming the field and the rule; a caller who may not do it gets PermissionDenied
(the API's 403). Every step is a ProposalStep (the conversation), a line in the history and a notification to the
other side.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import (
    MAX_NAME_LENGTH,
    check_known_fields,
    check_text,
)
from apps.cycles.models import Cycle
from apps.goals import rules
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer, Metric
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.org.models import Person, Unit

from . import permissions
from .models import Proposal, ProposalStep

Status = Proposal.Status
Action = ProposalStep.Action

# Which layers are proposed. Personal goals are not: their owner creates and links them on "My goals" already,
# and their why is private to them (DESIGN.md "Whose words are whose"). An intent is a root: nothing to propose under.
PROPOSABLE_LAYERS = (Layer.TRANSLATIONAL, Layer.OPERATIONAL)
MAX_METRICS = 10
METRIC_KEYS = ("name", "unit", "start", "target", "display_unit", "weight")
DISPLAY_UNIT_LENGTH = Metric._meta.get_field("display_unit").max_length
EDITABLE_FIELDS = ("title", "description", "why", "layer", "parent", "cycle", "unit", "metrics")
DRAFT_EDITABLE_FIELDS = ("title", "description", "why")


# --- Checks ------------------------------------------------------------------------------------------------------


def _check_title(title) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValidationError({"title": "A proposal needs a title."})
    return check_text(title, "title", MAX_NAME_LENGTH).strip()


def _check_layer(layer) -> str:
    if layer not in PROPOSABLE_LAYERS:
        raise ValidationError(
            {
                "layer": "A proposal is a translational or operational goal: a personal goal you create and link "
                "yourself on My goals, and a strategic intent has no parent to propose it under."
            }
        )
    return layer


def _check_parent(actor: Person, parent: Goal | None) -> Goal:
    if parent is None:
        raise ValidationError({"parent": "A proposal sits under a parent goal: choose the goal it contributes to."})
    if not permissions.can_propose_under(actor, parent):
        raise ValidationError({"parent": "You can only propose under a goal you can see."})
    return parent


def _check_metric(index: int, metric) -> dict:
    """One metric, by metric_create's rules (name, unit, start/target as numbers, display unit, weight)."""
    where = f"Metric {index + 1}"
    if not isinstance(metric, dict):
        raise ValidationError({"metrics": f"{where}: give name, unit, start, target, display_unit and weight."})
    unknown = sorted(set(metric) - set(METRIC_KEYS))
    if unknown:
        raise ValidationError({"metrics": f"{where}: unknown field(s) {', '.join(unknown)}."})
    try:
        checked = goal_services.metric_input_check(metric)
    except ValidationError as exc:
        messages = [f"{where}, {field}: {message}" for field, errs in exc.message_dict.items() for message in errs]
        raise ValidationError({"metrics": messages}) from None
    return {**checked, "start": str(checked["start"]), "target": str(checked["target"])}


def check_metrics(metrics) -> list[dict]:
    """The proposal's metrics, each checked as metric_create checks one; numbers stored as decimal strings."""
    if metrics is None:
        return []
    if not isinstance(metrics, list | tuple):
        raise ValidationError({"metrics": "A list of metrics, each {name, unit, start, target, display_unit, weight}."})
    if len(metrics) > MAX_METRICS:
        raise ValidationError({"metrics": f"At most {MAX_METRICS} metrics on one proposal."})
    return [_check_metric(index, metric) for index, metric in enumerate(metrics)]


def _check_comment(comment, *, required: bool) -> str:
    comment = check_text(comment, "comment").strip()
    if required and not comment:
        raise ValidationError({"comment": "Say why in a comment: asking for changes or declining needs one."})
    return comment


def _check_draft(actor: Person, draft: Goal) -> None:
    if draft.owner_id != actor.pk:
        raise ValidationError({"draft": "Only the owner of a draft sends it up for agreement."})
    if draft.status != GoalStatus.DRAFT or draft.archived_at is not None:
        raise ValidationError({"draft": "Only a draft in use is sent up for agreement: this goal is not a draft."})
    if draft.layer not in PROPOSABLE_LAYERS:
        raise ValidationError({"draft": "Only a translational or operational draft is sent up for agreement."})
    if Proposal.objects.filter(draft=draft, status__in=(Status.PENDING, Status.CHANGES_REQUESTED)).exists():
        raise ValidationError({"draft": "This draft already waits for an answer: one proposal at a time."})


def _require_status(proposal: Proposal, allowed: Iterable[str], doing: str) -> None:
    if proposal.status not in allowed:
        names = " or ".join(Status(status).label.lower() for status in allowed)
        raise ValidationError(
            {"status": f"Only a proposal that is {names} can be {doing}: this one is {proposal.get_status_display()}."}
        )


# --- Telling the other side --------------------------------------------------------------------------------------


def proposal_path(proposal: Proposal) -> str:
    try:
        return reverse("proposals:detail", args=[proposal.pk])
    except NoReverseMatch:
        return f"/proposals/{proposal.pk}/"


def _step(proposal: Proposal, actor: Person | None, action: str, comment: str = "") -> ProposalStep:
    step = ProposalStep.objects.create(proposal=proposal, actor=actor, action=action, comment=comment)
    _notify_other_side(proposal, step)
    return step


def _notify_other_side(proposal: Proposal, step: ProposalStep) -> None:
    """The proposer's steps wait for the parent's owner; the answers go to the proposer. Nobody hears of their own."""
    to_owner = step.action in (Action.SUBMITTED, Action.RESUBMITTED)
    person_id = proposal.parent.owner_id if to_owner else proposal.proposer_id
    if step.actor_id == person_id:
        return
    actor_name = str(step.actor) if step.actor else "Someone"
    if to_owner:
        kind, text = Notification.Kind.PROPOSAL_WAITING, f"{actor_name} proposes “{proposal.title}” under your goal."
    else:
        kind, text = (
            Notification.Kind.PROPOSAL_ANSWERED,
            f"{actor_name} {step.get_action_display()}: “{proposal.title}”.",
        )
    notify(
        person_id=person_id,
        kind=kind,
        text=text,
        key=f"proposal:{proposal.pk}:step:{step.pk}",
        url=proposal_path(proposal),
        goal_id=proposal.goal_id or proposal.parent_id,
    )


# --- Writes ------------------------------------------------------------------------------------------------------

HISTORY_FIELDS = ("title", "layer", "parent", "cycle", "unit", "proposer", "status", "draft")


@transaction.atomic
def proposal_create(
    *,
    actor: Person,
    title: str | None = None,
    description: str | None = None,
    why: str | None = None,
    layer: str | None = None,
    parent: Goal | None = None,
    cycle: Cycle | None = None,
    unit: Unit | None = None,
    metrics: Iterable[dict] = (),
    draft: Goal | None = None,
) -> Proposal:
    """Propose a goal under `parent`. With `draft` (a draft of the proposer's), send that draft up for agreement:
    its layer, parent, cycle and unit are the draft's, its title, description and why the default ones."""
    if draft is not None:
        _check_draft(actor, draft)
        if metrics:
            raise ValidationError({"metrics": "A draft sent up keeps its own metrics: change them on the draft."})
        layer, parent, cycle, unit = draft.layer, draft.parent, draft.cycle, draft.unit
        title = draft.title if title is None else title
        description = draft.description if description is None else description
        why = draft.why if why is None else why
    title = _check_title(title)
    layer = _check_layer(layer)
    parent = _check_parent(actor, parent)
    if cycle is None:
        raise ValidationError({"cycle": "Choose the cycle the goal runs in."})
    if unit is None:
        raise ValidationError({"unit": "Choose the unit the goal is for."})
    rules.check_placement(layer=layer, parent=parent, cycle=cycle)
    proposal = Proposal(
        title=title,
        description=check_text(description, "description"),
        why=check_text(why, "why"),
        layer=layer,
        parent=parent,
        cycle=cycle,
        unit=unit,
        proposer=actor,
        metrics=check_metrics(list(metrics) if isinstance(metrics, tuple) else metrics),
        draft=draft,
    )
    _insert(proposal)
    record_change(
        actor=actor,
        obj=proposal,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(proposal, HISTORY_FIELDS)),
    )
    _step(proposal, actor, Action.SUBMITTED)
    return proposal


def _insert(proposal: Proposal) -> None:
    """Save a new proposal; a draft sent up twice at once meets the one-open-proposal-per-draft constraint."""
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        if proposal.draft_id is None:
            raise
        raise ValidationError({"draft": "This draft already waits for an answer: one proposal at a time."}) from None


@transaction.atomic
def proposal_update(*, actor: Person, proposal: Proposal, **fields) -> Proposal:
    """The proposer changes their proposal while it waits or changes were requested; checked as on creation."""
    if not permissions.can_edit(actor, proposal):
        raise PermissionDenied("Only the proposer changes their proposal.")
    proposal = _lock(proposal)
    _require_status(proposal, (Status.PENDING, Status.CHANGES_REQUESTED), "changed")
    check_known_fields(fields, DRAFT_EDITABLE_FIELDS if proposal.draft_id else EDITABLE_FIELDS)
    if "title" in fields:
        fields["title"] = _check_title(fields["title"])
    for name in ("description", "why"):
        if name in fields:
            fields[name] = check_text(fields[name], name)
    if "layer" in fields:
        _check_layer(fields["layer"])
    if "parent" in fields:
        _check_parent(actor, fields["parent"])
    for name in ("cycle", "unit"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: f"Choose the {name} of the goal."})
    if "metrics" in fields:
        fields["metrics"] = check_metrics(fields["metrics"])
    if {"layer", "parent", "cycle"} & set(fields):
        rules.check_placement(
            layer=fields.get("layer", proposal.layer),
            parent=fields.get("parent", proposal.parent),
            cycle=fields.get("cycle", proposal.cycle),
        )
    before = snapshot(proposal, fields)
    for name, value in fields.items():
        setattr(proposal, name, value)
    changes = diff(before, snapshot(proposal, fields))
    if changes:
        proposal.save(update_fields=[*fields, "updated"])
        record_change(actor=actor, obj=proposal, action=ObjectChange.Action.UPDATE, changes=changes)
    return proposal


def _answer(*, actor: Person, proposal: Proposal, status: str, action: str, comment: str) -> Proposal:
    before = snapshot(proposal, ("status", "comment"))
    proposal.status, proposal.comment = status, comment
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["status", "comment", "decided_by", "decided_at", "goal", "updated"])
    changes = diff(before, snapshot(proposal, ("status", "comment", "goal")))
    record_change(actor=actor, obj=proposal, action=ObjectChange.Action.UPDATE, changes=changes)
    _step(proposal, actor, action, comment)
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    """The proposal as it now stands, locked: two answers at once cannot both pass the status check."""
    return Proposal.objects.select_for_update(of=("self",)).select_related("parent", "draft").get(pk=proposal.pk)


def _require_answerer(actor: Person, proposal: Proposal) -> None:
    if not permissions.can_answer(actor, proposal):
        raise PermissionDenied("Only the owner of the parent goal answers a proposal under it.")


@transaction.atomic
def proposal_accept(*, actor: Person, proposal: Proposal, comment: str = "") -> Proposal:
    """The goal is created through the goal services (the same rules as any goal), owned by the proposer, active —
    or, for a draft sent up, that draft is published with the proposal's words."""
    _require_answerer(actor, proposal)
    proposal = _lock(proposal)
    _require_status(proposal, (Status.PENDING,), "accepted")
    comment = _check_comment(comment, required=False)
    proposal.goal = _publish_draft(actor, proposal) if proposal.draft_id else _create_goal(actor, proposal)
    return _answer(actor=actor, proposal=proposal, status=Status.ACCEPTED, action=Action.ACCEPTED, comment=comment)


def _create_goal(actor: Person, proposal: Proposal) -> Goal:
    goal = goal_services.goal_create(
        actor=actor,
        title=proposal.title,
        layer=proposal.layer,
        cycle=proposal.cycle,
        unit=proposal.unit,
        owner=proposal.proposer,
        parent=proposal.parent,
        description=proposal.description,
        why=proposal.why,
        status=GoalStatus.ACTIVE,
    )
    # The metrics are the proposer's own words: created in their name (the acceptance is the proposal's history),
    # so the proposer is not also told that someone else changed a metric of their new goal.
    for metric in proposal.metrics:
        goal_services.metric_create(actor=proposal.proposer, goal=goal, **metric)
    return goal


def _publish_draft(actor: Person, proposal: Proposal) -> Goal:
    draft = Goal.objects.select_for_update().get(pk=proposal.draft_id)
    if draft.status != GoalStatus.DRAFT or draft.archived_at is not None:
        raise ValidationError({"draft": "The draft sent up is no longer a draft in use: it cannot be published."})
    if draft.parent_id != proposal.parent_id:
        raise ValidationError({"draft": "The draft was moved under another goal since: send it up again."})
    return goal_services.goal_update(
        actor=actor,
        goal=draft,
        title=proposal.title,
        description=proposal.description,
        why=proposal.why,
        status=GoalStatus.ACTIVE,
    )


@transaction.atomic
def proposal_request_changes(*, actor: Person, proposal: Proposal, comment: str) -> Proposal:
    _require_answerer(actor, proposal)
    proposal = _lock(proposal)
    _require_status(proposal, (Status.PENDING,), "sent back for changes")
    comment = _check_comment(comment, required=True)
    return _answer(
        actor=actor,
        proposal=proposal,
        status=Status.CHANGES_REQUESTED,
        action=Action.CHANGES_REQUESTED,
        comment=comment,
    )


@transaction.atomic
def proposal_decline(*, actor: Person, proposal: Proposal, comment: str) -> Proposal:
    _require_answerer(actor, proposal)
    proposal = _lock(proposal)
    _require_status(proposal, (Status.PENDING, Status.CHANGES_REQUESTED), "declined")
    comment = _check_comment(comment, required=True)
    return _answer(actor=actor, proposal=proposal, status=Status.DECLINED, action=Action.DECLINED, comment=comment)


@transaction.atomic
def proposal_resubmit(*, actor: Person, proposal: Proposal, comment: str = "") -> Proposal:
    """The proposer sends it back after changes were requested: it waits for the parent's owner again."""
    if not permissions.can_edit(actor, proposal):
        raise PermissionDenied("Only the proposer resubmits their proposal.")
    proposal = _lock(proposal)
    _require_status(proposal, (Status.CHANGES_REQUESTED,), "resubmitted")
    comment = _check_comment(comment, required=False)
    proposal.status = Status.PENDING
    proposal.save(update_fields=["status", "updated"])
    record_change(
        actor=actor,
        obj=proposal,
        action=ObjectChange.Action.UPDATE,
        changes={"status": [Status.CHANGES_REQUESTED, Status.PENDING]},
    )
    _step(proposal, actor, Action.RESUBMITTED, comment)
    return proposal


@transaction.atomic
def proposals_accept_many(*, actor: Person, proposals: Iterable[Proposal]) -> list[Proposal]:
    """Accept every proposal, or none: when one fails, nothing is accepted and each failure is named
    ({"ids": ["#12 …: status: …"]})."""
    accepted, errors = [], []
    for proposal in proposals:
        try:
            accepted.append(proposal_accept(actor=actor, proposal=proposal))
        except PermissionDenied as exc:
            errors.append(f"#{proposal.pk} “{proposal.title}”: {exc}")
        except ValidationError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in _messages(exc).items())
            errors.append(f"#{proposal.pk} “{proposal.title}”: {details}")
    if errors:
        raise ValidationError({"ids": errors})
    return accepted


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
