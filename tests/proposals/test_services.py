"""The rules of proposals (catchball), at the service level."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.history import history_of
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer
from apps.notifications.models import Notification
from apps.proposals import permissions, selectors, services
from apps.proposals.models import Proposal, ProposalStep

pytestmark = pytest.mark.django_db

METRIC = {"name": "Webinars held", "unit": "number", "start": 0, "target": 12, "display_unit": "", "weight": 1}


def _error(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# --- Creating -------------------------------------------------------------------------------------------------


def test_a_proposal_waits_and_creates_no_goal(cast, propose):
    goals_before = Goal.objects.count()
    proposal = propose()
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.goal is None
    assert Goal.objects.count() == goals_before


def test_a_proposal_under_a_goal_the_proposer_cannot_see_is_refused(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(actor=cast.other_employee, parent=cast.personal, layer=Layer.OPERATIONAL)
    assert "can see" in _error(error, "parent")


def test_a_proposal_follows_the_cascade_rules_of_a_goal(cast, propose):
    # an operational goal never sits directly under an intent: the same message a goal gets
    with pytest.raises(ValidationError) as error:
        propose(parent=cast.intent)
    assert "Layers never go upward" in _error(error, "parent")


def test_a_proposal_needs_a_parent(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(parent=None)
    assert "parent" in error.value.message_dict


def test_a_personal_goal_is_not_proposed(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(layer=Layer.PERSONAL, parent=cast.oper)
    assert "My goals" in _error(error, "layer")


def test_a_proposal_needs_a_title(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(title="  ")
    assert "title" in error.value.message_dict


def test_a_proposal_in_a_cycle_outside_the_parents_is_refused(cast, propose):
    from tests.factories import CycleFactory

    with pytest.raises(ValidationError) as error:
        propose(cycle=CycleFactory(name="FY2030"))
    assert "cycle" in error.value.message_dict


def test_proposed_metrics_follow_metric_rules(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(metrics=[{**METRIC, "start": "lots"}])
    assert "Metric 1, start: Enter a number." in _error(error, "metrics")


def test_proposed_metrics_refuse_an_unknown_unit(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(metrics=[{**METRIC, "unit": "furlongs"}])
    assert "unit" in _error(error, "metrics")


def test_proposed_metrics_refuse_unknown_fields(cast, propose):
    with pytest.raises(ValidationError) as error:
        propose(metrics=[{**METRIC, "current": 5}])
    assert "current" in _error(error, "metrics")


def test_proposed_metrics_are_stored_as_checked(cast, propose):
    proposal = propose(metrics=[{**METRIC, "name": " Webinars held "}])
    assert proposal.metrics == [
        {
            "name": "Webinars held",
            "unit": "number",
            "start": "0.0000",
            "target": "12.0000",
            "display_unit": "",
            "weight": 1.0,
        }
    ]


def test_proposing_is_recorded_in_history_and_the_conversation(cast, proposal):
    assert [change.action for change in history_of(proposal)] == ["create"]
    assert list(proposal.steps.values_list("action", "actor")) == [(ProposalStep.Action.SUBMITTED, cast.employee.pk)]


def test_proposing_notifies_the_parents_owner(cast, proposal):
    note = Notification.objects.get(person=cast.manager)
    assert note.kind == Notification.Kind.PROPOSAL_WAITING
    assert note.url == f"/proposals/{proposal.pk}/"


def test_proposing_under_ones_own_goal_notifies_nobody(cast, propose):
    propose(actor=cast.manager)
    assert not Notification.objects.exists()


# --- Answering ------------------------------------------------------------------------------------------------


def test_accepting_creates_the_goal_owned_by_the_proposer_and_active(cast, proposal):
    accepted = services.proposal_accept(actor=cast.manager, proposal=proposal)
    goal = accepted.goal
    assert (goal.title, goal.owner, goal.parent, goal.layer, goal.status) == (
        "Run a partner webinar",
        cast.employee,
        cast.trans,
        Layer.OPERATIONAL,
        GoalStatus.ACTIVE,
    )
    assert (accepted.status, accepted.decided_by) == (Proposal.Status.ACCEPTED, cast.manager)


def test_accepting_creates_the_proposed_metrics(cast, propose):
    proposal = propose(metrics=[METRIC])
    goal = services.proposal_accept(actor=cast.manager, proposal=proposal).goal
    assert list(goal.metrics.values_list("name", "target")) == [("Webinars held", Decimal("12"))]


def test_accepting_notifies_the_proposer(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    note = Notification.objects.get(person=cast.employee)
    assert note.kind == Notification.Kind.PROPOSAL_ANSWERED


def test_the_proposer_cannot_accept_their_own_proposal(cast, proposal):
    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=cast.employee, proposal=proposal)


def test_the_proposer_who_owns_the_parent_may_accept(cast, propose):
    proposal = propose(actor=cast.manager)
    assert services.proposal_accept(actor=cast.manager, proposal=proposal).goal.owner == cast.manager


def test_the_owners_manager_may_not_answer(cast, proposal):
    with pytest.raises(PermissionDenied):
        services.proposal_request_changes(actor=cast.leader, proposal=proposal, comment="Sharper, please.")


def test_an_admin_may_accept(cast, proposal):
    assert services.proposal_accept(actor=cast.admin, proposal=proposal).status == Proposal.Status.ACCEPTED


def test_accepting_twice_is_refused_naming_the_rule(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    with pytest.raises(ValidationError) as error:
        services.proposal_accept(actor=cast.manager, proposal=proposal)
    assert "Only a proposal that is waiting for an answer can be accepted" in _error(error, "status")


def test_accepting_under_a_parent_archived_since_is_refused_and_changes_nothing(cast, proposal):
    parent = goal_services.goal_create(
        actor=None, title="Soon gone", layer=Layer.TRANSLATIONAL, cycle=cast.year, unit=cast.team,
        owner=cast.manager, parent=cast.intent, status=GoalStatus.ACTIVE,
    )  # fmt: skip
    proposal = services.proposal_create(
        actor=cast.employee, title="X", layer=Layer.OPERATIONAL, parent=parent, cycle=cast.year, unit=cast.team
    )
    goal_services.goal_archive(actor=None, goal=parent)
    goals_before = Goal.objects.count()
    with pytest.raises(ValidationError) as error:
        services.proposal_accept(actor=cast.manager, proposal=proposal)
    assert "archived" in _error(error, "parent")
    proposal.refresh_from_db()
    assert (proposal.status, Goal.objects.count()) == (Proposal.Status.PENDING, goals_before)


def test_asking_for_changes_needs_a_comment(cast, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment=" ")
    assert "comment" in error.value.message_dict


def test_declining_needs_a_comment(cast, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_decline(actor=cast.manager, proposal=proposal, comment="")
    assert "comment" in error.value.message_dict


def test_asking_for_changes_keeps_the_comment_and_tells_the_proposer(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="Say how many webinars.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.comment) == (Proposal.Status.CHANGES_REQUESTED, "Say how many webinars.")
    assert Notification.objects.filter(person=cast.employee, kind=Notification.Kind.PROPOSAL_ANSWERED).exists()


def test_a_proposal_with_changes_requested_cannot_be_accepted(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="More detail.")
    with pytest.raises(ValidationError) as error:
        services.proposal_accept(actor=cast.manager, proposal=proposal)
    assert "status" in error.value.message_dict


def test_a_declined_proposal_cannot_be_resubmitted(cast, proposal):
    services.proposal_decline(actor=cast.manager, proposal=proposal, comment="Not this year.")
    with pytest.raises(ValidationError) as error:
        services.proposal_resubmit(actor=cast.employee, proposal=proposal)
    assert "status" in error.value.message_dict


def test_a_pending_proposal_cannot_be_resubmitted(cast, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_resubmit(actor=cast.employee, proposal=proposal)
    assert "status" in error.value.message_dict


def test_only_the_proposer_resubmits(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="More detail.")
    with pytest.raises(PermissionDenied):
        services.proposal_resubmit(actor=cast.manager, proposal=proposal)


def test_the_whole_conversation_is_kept_in_order(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    services.proposal_update(actor=cast.employee, proposal=proposal, title="Run 12 partner webinars")
    services.proposal_resubmit(actor=cast.employee, proposal=proposal, comment="Twelve.")
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    assert [(step.action, step.comment) for step in selectors.steps_of(proposal)] == [
        ("submitted", ""),
        ("changes_requested", "How many?"),
        ("resubmitted", "Twelve."),
        ("accepted", ""),
    ]
    assert Proposal.objects.get(pk=proposal.pk).goal.title == "Run 12 partner webinars"


def test_every_step_is_in_the_history(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    services.proposal_resubmit(actor=cast.employee, proposal=proposal)
    services.proposal_decline(actor=cast.manager, proposal=proposal, comment="Not now.")
    statuses = [change.changes.get("status") for change in history_of(proposal).order_by("time", "id")]
    assert statuses == [
        [None, "pending"],
        ["pending", "changes_requested"],
        ["changes_requested", "pending"],
        ["pending", "declined"],
    ]


def test_resubmitting_notifies_the_parents_owner_again(cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    services.proposal_resubmit(actor=cast.employee, proposal=proposal)
    assert Notification.objects.filter(person=cast.manager, kind=Notification.Kind.PROPOSAL_WAITING).count() == 2


# --- Editing --------------------------------------------------------------------------------------------------


def test_only_the_proposer_edits(cast, proposal):
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=cast.manager, proposal=proposal, title="Mine now")


def test_an_answered_proposal_cannot_be_edited(cast, proposal):
    services.proposal_decline(actor=cast.manager, proposal=proposal, comment="No.")
    with pytest.raises(ValidationError) as error:
        services.proposal_update(actor=cast.employee, proposal=proposal, title="Again")
    assert "status" in error.value.message_dict


def test_an_edit_follows_the_cascade_rules(cast, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_update(actor=cast.employee, proposal=proposal, parent=cast.intent)
    assert "Layers never go upward" in _error(error, "parent")


def test_an_edit_is_recorded_with_old_and_new_values(cast, proposal):
    services.proposal_update(actor=cast.employee, proposal=proposal, title="Run 12 webinars")
    assert history_of(proposal).first().changes == {"title": ["Run a partner webinar", "Run 12 webinars"]}


def test_an_edit_of_an_unknown_field_is_refused(cast, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_update(actor=cast.employee, proposal=proposal, status="accepted")
    assert "status" in error.value.message_dict


# --- Catchball for translations: a draft sent up ------------------------------------------------------------------


@pytest.fixture
def draft(cast):
    return goal_services.goal_create(
        actor=cast.manager, title="Open a Jakarta office", layer=Layer.TRANSLATIONAL, cycle=cast.year,
        unit=cast.team, owner=cast.manager, parent=cast.intent, status=GoalStatus.DRAFT,
    )  # fmt: skip


def test_a_draft_sent_up_takes_its_place_from_the_draft(cast, draft):
    proposal = services.proposal_create(actor=cast.manager, draft=draft)
    assert (proposal.title, proposal.parent, proposal.layer, proposal.unit) == (
        "Open a Jakarta office",
        cast.intent,
        Layer.TRANSLATIONAL,
        cast.team,
    )


def test_accepting_a_draft_publishes_it_instead_of_creating_a_goal(cast, draft):
    proposal = services.proposal_create(actor=cast.manager, draft=draft, title="Open a Jakarta office by Q3")
    goals_before = Goal.objects.count()
    accepted = services.proposal_accept(actor=cast.leader, proposal=proposal)
    draft.refresh_from_db()
    assert accepted.goal == draft
    assert (draft.status, draft.title, Goal.objects.count()) == (
        GoalStatus.ACTIVE,
        "Open a Jakarta office by Q3",
        goals_before,
    )


def test_only_the_drafts_owner_sends_it_up(cast, draft):
    with pytest.raises(ValidationError) as error:
        services.proposal_create(actor=cast.leader, draft=draft)
    assert "owner" in _error(error, "draft")


def test_a_published_goal_is_not_sent_up_as_a_draft(cast):
    with pytest.raises(ValidationError) as error:
        services.proposal_create(actor=cast.manager, draft=cast.trans)
    assert "not a draft" in _error(error, "draft")


def test_a_draft_waits_in_one_proposal_at_a_time(cast, draft):
    services.proposal_create(actor=cast.manager, draft=draft)
    with pytest.raises(ValidationError) as error:
        services.proposal_create(actor=cast.manager, draft=draft)
    assert "one proposal at a time" in _error(error, "draft")


# --- Bulk accept ----------------------------------------------------------------------------------------------


def test_accept_many_accepts_every_proposal(cast, propose):
    proposals = [propose(title="One"), propose(title="Two")]
    accepted = services.proposals_accept_many(actor=cast.manager, proposals=proposals)
    assert [p.status for p in accepted] == [Proposal.Status.ACCEPTED] * 2


def test_accept_many_accepts_none_when_one_fails_and_names_it(cast, propose):
    good, bad = propose(title="Good"), propose(title="Bad")
    services.proposal_decline(actor=cast.manager, proposal=bad, comment="No.")
    goals_before = Goal.objects.count()
    with pytest.raises(ValidationError) as error:
        services.proposals_accept_many(actor=cast.manager, proposals=[good, bad])
    messages = error.value.message_dict["ids"]
    assert len(messages) == 1 and messages[0].startswith(f"#{bad.pk}")
    good.refresh_from_db()
    assert (good.status, Goal.objects.count()) == (Proposal.Status.PENDING, goals_before)


# --- Visibility -----------------------------------------------------------------------------------------------

SEES = {"admin": True, "leader": True, "manager": True, "employee": True, "other_employee": False, "hr": False}


@pytest.mark.parametrize("role", SEES)
def test_who_sees_a_proposal(cast, proposal, role):
    person = cast.person(role)
    assert permissions.can_view_proposal(person, proposal) is SEES[role]
    assert selectors.proposals_visible_to(person).filter(pk=proposal.pk).exists() is SEES[role]


def test_a_leader_outside_the_parent_owners_chain_does_not_see_it(cast, propose):
    from apps.org.models import Person
    from tests.factories import PersonFactory

    outsider = PersonFactory(username="leader2", role=Person.Role.LEADER, unit=cast.ops)
    proposal = propose()
    assert not permissions.can_view_proposal(outsider, proposal)
    assert not selectors.proposals_visible_to(outsider).filter(pk=proposal.pk).exists()


def test_waiting_for_lists_the_pending_under_ones_goals(cast, propose):
    waiting, answered = propose(title="Waiting"), propose(title="Answered")
    services.proposal_decline(actor=cast.manager, proposal=answered, comment="No.")
    assert list(selectors.waiting_for(cast.manager)) == [waiting]
    assert list(selectors.waiting_for(cast.employee)) == []
