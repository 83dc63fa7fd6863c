"""The rules of goal templates at the service level: who makes them, what they carry, and assignment."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.history import history_of
from apps.core.models import ObjectChange
from apps.goal_templates import services
from apps.goal_templates.models import GoalTemplate
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer, Metric, PendingRollup
from apps.goals.tree import find_drift
from apps.notifications.models import Notification
from apps.org import services as org_services
from tests.factories import CycleFactory, PersonFactory, UnitFactory

from .conftest import METRICS

pytestmark = pytest.mark.django_db


def errors(exc) -> dict:
    return exc.value.message_dict


# --- Creating templates ------------------------------------------------------------------------


def test_a_manager_creates_a_template_with_its_metrics(cast, template):
    assert (template.title, template.layer, template.created_by) == ("Sell more", Layer.PERSONAL, cast.manager)
    rows = list(template.metrics.values_list("name", "unit", "display_unit", "start", "target", "weight"))
    assert rows == [
        ("Calls made", "number", "calls", Decimal("0"), Decimal("100"), 2.0),
        ("Revenue", "currency", "$", Decimal("0"), Decimal("50000.5"), 1.0),
        ("Win rate", "percent", "", Decimal("10"), Decimal("30"), 1.0),
    ]


def test_creating_a_template_is_in_its_history(cast, template):
    change = history_of(template).get()
    assert change.action == ObjectChange.Action.CREATE and change.actor == cast.manager
    assert change.changes["title"] == [None, "Sell more"]
    assert [m["name"] for m in change.changes["metrics"][1]] == ["Calls made", "Revenue", "Win rate"]


@pytest.mark.parametrize("role", ["admin", "leader", "manager"])
def test_admins_leaders_and_managers_may_create_templates(cast, role):
    template = services.template_create(actor=cast.person(role), title="T", layer=Layer.OPERATIONAL)
    assert template.pk


@pytest.mark.parametrize("role", ["employee", "other_employee", "hr"])
def test_someone_without_reports_or_a_unit_to_lead_may_not_create_templates(cast, role):
    with pytest.raises(PermissionDenied):
        services.template_create(actor=cast.person(role), title="T", layer=Layer.OPERATIONAL)
    assert not GoalTemplate.objects.exists()


def test_whoever_leads_a_unit_may_create_templates_whatever_their_role(cast):
    org_services.unit_update(actor=None, unit=cast.ops_team, lead=cast.other_employee)
    assert services.template_create(actor=cast.other_employee, title="T", layer=Layer.OPERATIONAL).pk


def test_a_template_cannot_be_an_intent(cast):
    with pytest.raises(ValidationError) as error:
        services.template_create(actor=cast.manager, title="T", layer=Layer.INTENT)
    assert "layer" in errors(error)


def test_an_unknown_layer_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.template_create(actor=cast.manager, title="T", layer="galactic")
    assert "layer" in errors(error)


def test_a_template_needs_a_title(cast):
    with pytest.raises(ValidationError) as error:
        services.template_create(actor=cast.manager, title="  ", layer=Layer.OPERATIONAL)
    assert "title" in errors(error)


def test_a_personal_template_carries_no_why(cast):
    with pytest.raises(ValidationError) as error:
        services.template_create(actor=cast.manager, title="T", layer=Layer.PERSONAL, why="Because I say so.")
    assert "why" in errors(error)


def test_a_team_template_keeps_its_why(cast):
    template = services.template_create(actor=cast.manager, title="T", layer=Layer.OPERATIONAL, why="Customers wait.")
    assert template.why == "Customers wait."


@pytest.mark.parametrize(
    "metrics",
    [
        [{"start": 0, "target": 1}],  # no name
        [{"name": "M", "start": "lots", "target": 1}],
        [{"name": "M", "start": 0, "target": 1e30}],
        [{"name": "M", "start": 0}],
        [{"name": "M", "start": 0, "target": 1, "weight": -1}],
        [{"name": "M", "start": 0, "target": 1, "unit": "parsecs"}],
        [{"name": "M", "start": 0, "target": 1, "current": 5}],
        ["M"],
        "M",
        [{"name": "M", "start": 0, "target": 1}] * (services.MAX_METRICS + 1),
    ],
)
def test_a_bad_metric_is_refused_naming_metrics(cast, metrics):
    with pytest.raises(ValidationError) as error:
        services.template_create(actor=cast.manager, title="T", layer=Layer.OPERATIONAL, metrics=metrics)
    assert "metrics" in errors(error)
    assert not GoalTemplate.objects.exists()


# --- From a goal -------------------------------------------------------------------------------


def test_a_goal_is_saved_as_a_template_with_its_metrics_in_use(cast):
    goal_services.metric_archive(actor=None, metric=cast.oper_metric)
    goal_services.metric_create(actor=None, goal=cast.oper, name="Offers signed", start=0, target=3, unit="number")
    goal_services.goal_update(actor=None, goal=cast.oper, description="Grow the team.", why="We are short.")
    template = services.template_from_goal(actor=cast.manager, goal=cast.oper)
    assert (template.title, template.description, template.why, template.layer) == (
        "Hire three",
        "Grow the team.",
        "We are short.",
        Layer.OPERATIONAL,
    )
    assert list(template.metrics.values_list("name", flat=True)) == ["Offers signed"]


def test_a_personal_goal_saved_as_template_leaves_its_reflection_behind(cast):
    template = services.template_from_goal(actor=cast.manager, goal=cast.personal)
    assert template.why == ""
    assert template.layer == Layer.PERSONAL
    assert "To prove I can" not in str(history_of(template).get().changes)


def test_an_intent_cannot_be_saved_as_a_template(cast):
    with pytest.raises(ValidationError) as error:
        services.template_from_goal(actor=cast.leader, goal=cast.intent)
    assert "goal" in errors(error)


def test_a_goal_one_cannot_see_cannot_be_saved_as_a_template(cast):
    with pytest.raises(PermissionDenied):
        services.template_from_goal(actor=cast.manager, goal=cast.other_personal)


# --- Changing and archiving --------------------------------------------------------------------


def test_the_author_changes_title_and_metrics_with_history(cast, template):
    services.template_update(
        actor=cast.manager, template=template, title="Sell even more", metrics=[{"name": "M", "start": 1, "target": 2}]
    )
    template.refresh_from_db()
    assert template.title == "Sell even more"
    assert list(template.metrics.values_list("name", flat=True)) == ["M"]
    change = history_of(template).filter(action=ObjectChange.Action.UPDATE).get()
    assert change.changes["title"] == ["Sell more", "Sell even more"]
    assert [m["name"] for m in change.changes["metrics"][1]] == ["M"]


def test_someone_else_may_not_change_a_template(cast, template):
    with pytest.raises(PermissionDenied):
        services.template_update(actor=cast.leader, template=template, title="Mine now")


def test_an_admin_may_change_anyones_template(cast, template):
    services.template_update(actor=cast.admin, template=template, title="Fixed")
    assert GoalTemplate.objects.get().title == "Fixed"


def test_a_template_cannot_become_personal_while_it_has_a_why(cast):
    template = services.template_create(actor=cast.manager, title="T", layer=Layer.OPERATIONAL, why="Because.")
    with pytest.raises(ValidationError) as error:
        services.template_update(actor=cast.manager, template=template, layer=Layer.PERSONAL)
    assert "why" in errors(error)


def test_an_unknown_field_is_refused_on_update(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_update(actor=cast.manager, template=template, created_by=cast.leader)
    assert "created_by" in errors(error)


def test_archiving_a_template_keeps_it_with_history(cast, template):
    services.template_archive(actor=cast.manager, template=template)
    template.refresh_from_db()
    assert template.archived_at is not None
    assert history_of(template).filter(action=ObjectChange.Action.ARCHIVE).exists()


def test_an_archived_template_is_not_assigned(cast, template):
    services.template_archive(actor=cast.manager, template=template)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[cast.employee.pk], parent=cast.trans)
    assert "template" in errors(error)


def test_someone_else_may_not_archive_a_template(cast, template):
    with pytest.raises(PermissionDenied):
        services.template_archive(actor=cast.employee, template=template)


# --- Assigning ---------------------------------------------------------------------------------


def test_assigning_gives_each_person_a_goal_under_the_parent(cast, template):
    colleague = PersonFactory(username="colleague", unit=cast.team, manager=cast.manager)
    goals = services.template_assign(
        actor=cast.manager, template=template, people=[cast.employee.pk, colleague.pk], parent=cast.trans
    )
    assert [(g.owner, g.unit, g.parent, g.cycle, g.layer) for g in goals] == [
        (cast.employee, cast.team, cast.trans, cast.year, Layer.PERSONAL),
        (colleague, cast.team, cast.trans, cast.year, Layer.PERSONAL),
    ]
    assert {g.title for g in goals} == {"Sell more"}
    assert all(g.status == GoalStatus.ACTIVE and g.description == "Grow your book." for g in goals)


def test_each_assigned_goal_has_the_templates_metrics_starting_at_start(cast, template):
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.employee], parent=cast.trans)
    rows = list(goal.metrics.values_list("name", "unit", "display_unit", "start", "target", "current", "weight"))
    assert rows == [
        ("Calls made", "number", "calls", Decimal("0"), Decimal("100"), Decimal("0"), 2.0),
        ("Revenue", "currency", "$", Decimal("0"), Decimal("50000.5"), Decimal("0"), 1.0),
        ("Win rate", "percent", "", Decimal("10"), Decimal("30"), Decimal("10"), 1.0),
    ]


def test_each_assigned_goal_and_metric_is_in_the_history(cast, template):
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.employee], parent=cast.trans)
    change = history_of(goal).get()
    assert (change.action, change.actor, change.changes["owner"]) == (
        ObjectChange.Action.CREATE,
        cast.manager,
        [None, cast.employee.pk],
    )
    assert all(history_of(metric).filter(action=ObjectChange.Action.CREATE).exists() for metric in goal.metrics.all())


def test_assigned_goals_are_marked_for_one_rollup_each(cast, template):
    PendingRollup.objects.all().delete()
    goals = services.template_assign(
        actor=cast.manager, template=template, people=[cast.employee, cast.manager], parent=cast.trans
    )
    assert sorted(PendingRollup.objects.values_list("goal_id", flat=True)) == sorted(g.pk for g in goals)


def test_a_unit_gets_a_goal_owned_by_its_lead(cast):
    template = services.template_create(actor=cast.leader, title="Team goal", layer=Layer.OPERATIONAL)
    (goal,) = services.template_assign(actor=cast.leader, template=template, units=[cast.team.pk], parent=cast.trans)
    assert (goal.owner, goal.unit, goal.layer, goal.parent) == (cast.manager, cast.team, Layer.OPERATIONAL, cast.trans)


def test_a_unit_without_a_lead_is_refused_by_name(cast):
    template = services.template_create(actor=cast.admin, title="Team goal", layer=Layer.OPERATIONAL)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.admin, template=template, units=[cast.ops_team.pk], parent=cast.other_trans)
    assert "Ops team" in errors(error)["units"][0]


def test_duplicates_are_assigned_once(cast, template):
    goals = services.template_assign(
        actor=cast.manager, template=template, people=[cast.employee.pk, cast.employee.pk], parent=cast.trans
    )
    assert len(goals) == 1


def test_a_person_and_the_unit_they_lead_are_one_goal_when_they_are_the_same(cast):
    template = services.template_create(actor=cast.leader, title="Team goal", layer=Layer.OPERATIONAL)
    goals = services.template_assign(
        actor=cast.leader, template=template, people=[cast.manager.pk], units=[cast.team.pk], parent=cast.trans
    )
    assert len(goals) == 1


def test_unknown_people_are_refused_naming_their_ids(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_assign(
            actor=cast.manager, template=template, people=[cast.employee.pk, 999999], parent=cast.trans
        )
    assert "999999" in errors(error)["people"][0]
    assert not Goal.objects.filter(title="Sell more").exists()


def test_inactive_people_are_refused(cast, template):
    gone = PersonFactory(username="gone", unit=cast.team, manager=cast.manager, is_active=False)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[gone.pk], parent=cast.trans)
    assert str(gone.pk) in errors(error)["people"][0]


def test_unknown_units_are_refused_naming_their_ids(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.admin, template=template, units=[424242], parent=cast.trans)
    assert "424242" in errors(error)["units"][0]


@pytest.mark.parametrize("people", [["3"], [True], [0], [2**70], "12", None])
def test_what_is_not_an_id_is_refused(cast, template, people):
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=people, parent=cast.trans)
    assert "people" in errors(error)


def test_an_assignment_needs_someone(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, parent=cast.trans)
    assert "people" in errors(error)


def test_more_recipients_than_the_limit_are_refused(cast, template, monkeypatch):
    monkeypatch.setattr(services, "MAX_RECIPIENTS", 2)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.admin, template=template, people=[1, 2, 3], parent=cast.trans)
    assert "people" in errors(error)


def test_people_and_units_together_count_against_the_limit(cast, template, monkeypatch):
    monkeypatch.setattr(services, "MAX_RECIPIENTS", 2)
    with pytest.raises(ValidationError) as error:
        services.template_assign(
            actor=cast.admin,
            template=template,
            people=[cast.employee.pk, cast.manager.pk],
            units=[cast.team.pk],
            parent=cast.trans,
        )
    assert "non_field_errors" in errors(error)


def test_the_parent_follows_the_cascade_rules(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[cast.employee], parent=cast.personal)
    assert "parent" in errors(error)


def test_an_operational_template_needs_a_parent(cast):
    template = services.template_create(actor=cast.manager, title="T", layer=Layer.OPERATIONAL)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[cast.employee], cycle=cast.year)
    assert "parent" in errors(error)


def test_the_cycle_must_fit_in_the_parents(cast, template):
    other_year = CycleFactory(name="FY2030", start=date(2030, 1, 1), end=date(2030, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.template_assign(
            actor=cast.manager, template=template, people=[cast.employee], parent=cast.trans, cycle=other_year
        )
    assert "cycle" in errors(error)


def test_a_stand_alone_personal_assignment_needs_a_cycle(cast, template):
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[cast.employee])
    assert "cycle" in errors(error)


def test_a_personal_assignment_may_stand_alone_in_a_cycle(cast, template):
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.employee], cycle=cast.year)
    assert goal.parent is None and goal.cycle == cast.year


def test_a_manager_may_not_assign_to_someone_outside_their_chain(cast, template):
    with pytest.raises(PermissionDenied) as error:
        services.template_assign(
            actor=cast.manager, template=template, people=[cast.employee, cast.other_employee], parent=cast.trans
        )
    assert str(cast.other_employee.pk) in str(error.value)
    assert not Goal.objects.filter(title="Sell more").exists()


def test_a_manager_may_not_assign_to_a_unit_they_do_not_lead(cast, template):
    org_services.unit_update(actor=None, unit=cast.ops_team, lead=cast.other_employee)
    with pytest.raises(PermissionDenied):
        services.template_assign(actor=cast.manager, template=template, units=[cast.ops_team], parent=cast.trans)


def test_a_leader_assigns_down_their_chain_only(cast, template):
    assert services.template_assign(actor=cast.leader, template=template, people=[cast.employee], parent=cast.trans)
    with pytest.raises(PermissionDenied):
        services.template_assign(actor=cast.leader, template=template, people=[cast.other_employee], parent=cast.trans)


def test_an_admin_assigns_to_anyone(cast, template):
    (goal,) = services.template_assign(
        actor=cast.admin, template=template, people=[cast.other_employee], parent=cast.other_trans
    )
    assert goal.owner == cast.other_employee


def test_an_employee_may_not_assign(cast, template):
    with pytest.raises(PermissionDenied):
        services.template_assign(actor=cast.employee, template=template, people=[cast.employee], parent=cast.trans)


def test_a_person_without_a_unit_is_refused(cast, template):
    loose = PersonFactory(username="loose", unit=None, manager=cast.manager)
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[loose], parent=cast.trans)
    assert str(loose.pk) in errors(error)["people"][0]


def test_one_refusal_creates_nothing(cast, template):
    before = (Goal.objects.count(), Metric.objects.count(), ObjectChange.objects.count())
    with pytest.raises(PermissionDenied):
        services.template_assign(
            actor=cast.manager, template=template, people=[cast.employee, cast.other_employee], parent=cast.trans
        )
    assert (Goal.objects.count(), Metric.objects.count(), ObjectChange.objects.count()) == before


def test_a_team_template_copies_its_why_onto_the_goals(cast):
    template = services.template_create(actor=cast.leader, title="T", layer=Layer.OPERATIONAL, why="Customers wait.")
    (goal,) = services.template_assign(actor=cast.leader, template=template, people=[cast.employee], parent=cast.trans)
    assert goal.why == "Customers wait."


def test_assigned_personal_goals_carry_no_reflection(cast, template):
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.employee], parent=cast.trans)
    assert (goal.why, goal.identity, goal.motivation) == ("", "", "")


def test_each_owner_is_told_once_of_their_new_goal(cast, template):
    Notification.objects.all().delete()
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.employee], parent=cast.trans)
    notes = list(Notification.objects.filter(person=cast.employee))
    assert len(notes) == 1 and "Sell more" in notes[0].text and notes[0].goal_id == goal.pk


def test_nobody_is_told_of_a_goal_they_gave_themselves(cast, template):
    Notification.objects.all().delete()
    services.template_assign(actor=cast.manager, template=template, people=[cast.manager], parent=cast.trans)
    assert not Notification.objects.filter(person=cast.manager).exists()


def test_assigned_team_goals_leave_the_tree_consistent(cast):
    template = services.template_create(actor=cast.leader, title="T", layer=Layer.OPERATIONAL, metrics=METRICS)
    colleague = PersonFactory(username="colleague", unit=cast.team, manager=cast.manager)
    services.template_assign(actor=cast.leader, template=template, people=[cast.employee, colleague], parent=cast.trans)
    assert find_drift() == []
    assert Goal.objects.filter(title="T", tree_parent=cast.trans).count() == 2


def test_a_unit_elsewhere_in_the_admins_organisation_is_assignable(cast):
    region = UnitFactory(name="EMEA", parent=cast.sales)
    org_services.unit_update(actor=None, unit=region, lead=cast.employee)
    template = services.template_create(actor=cast.admin, title="T", layer=Layer.OPERATIONAL)
    (goal,) = services.template_assign(actor=cast.admin, template=template, units=[region], parent=cast.trans)
    assert (goal.owner, goal.unit) == (cast.employee, region)


def test_someone_with_reports_who_leads_no_unit_may_create_templates(cast):
    PersonFactory(username="intern", unit=cast.ops_team, manager=cast.other_employee)
    assert services.template_create(actor=cast.other_employee, title="T", layer=Layer.PERSONAL).pk


def test_a_manager_may_give_themselves_the_goal_outside_the_unit_they_lead(cast, template):
    region = UnitFactory(name="EMEA", parent=cast.sales)
    cast.manager.unit = region
    cast.manager.save()
    (goal,) = services.template_assign(actor=cast.manager, template=template, people=[cast.manager], parent=cast.trans)
    assert (goal.owner, goal.unit) == (cast.manager, region)


def test_a_closed_cycle_takes_no_new_goals_from_a_template(cast, template):
    closed = CycleFactory(name="FY2026", start=date(2026, 1, 1), end=date(2026, 12, 31), status="closed")
    with pytest.raises(ValidationError) as error:
        services.template_assign(actor=cast.manager, template=template, people=[cast.employee], cycle=closed)
    assert "cycle" in errors(error)
