"""apps.goals.permissions: the role table, the per-object checks and the queryset filter agree."""

import pytest

from apps.goals import permissions
from apps.goals.models import Goal, Layer
from apps.org import permissions as org_permissions
from apps.org import services as org_services
from apps.org.models import Person
from apps.reports import permissions as report_permissions
from tests.cast import CHANGEABLE, GOALS, PRIVATE_VISIBLE, ROLES, VISIBLE, build_cast
from tests.factories import GoalFactory, PersonFactory, UnitFactory


@pytest.fixture
def cast(db):
    return build_cast()


def fresh(person: Person) -> Person:
    """A new copy: the Access kept on a person object must not carry over between checks of different states."""
    return Person.objects.get(pk=person.pk)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_goals(cast, role):
    viewer = cast.person(role)
    seen = {name for name in GOALS if permissions.can_view_goal(viewer, cast.goal(name))}
    assert seen == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_queryset_filter_agrees_with_the_object_check(cast, role):
    viewer = fresh(cast.person(role))
    by_id = {cast.goal(name).pk: name for name in GOALS}
    listed = {by_id[pk] for pk in permissions.visible_goals(viewer).values_list("pk", flat=True)}
    assert listed == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_exactly_its_goals(cast, role):
    viewer = cast.person(role)
    changeable = {name for name in GOALS if permissions.can_change_goal(viewer, cast.goal(name))}
    assert changeable == CHANGEABLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_private_fields_are_for_the_owner_and_their_manager_chain(cast, role):
    viewer = cast.person(role)
    personal = {"personal", "draft_personal", "other_personal"}
    readable = {name for name in personal if permissions.private_fields_visible(viewer, cast.goal(name))}
    assert readable == PRIVATE_VISIBLE[role]


def test_why_of_a_cascade_goal_is_public(cast):
    assert permissions.private_fields_visible(cast.hr, cast.trans)


def test_anonymous_sees_and_changes_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not permissions.visible_goals(anonymous).exists()
    assert not permissions.can_view_goal(anonymous, cast.intent)
    assert not permissions.can_change_goal(anonymous, cast.intent)
    assert not permissions.can_create_goal(anonymous, layer=Layer.PERSONAL, unit=cast.team, owner=cast.employee)


def create_check(cast, role, layer, unit, owner, parent=None):
    return permissions.can_create_goal(
        cast.person(role), layer=layer, unit=getattr(cast, unit), owner=cast.person(owner), parent=parent
    )


@pytest.mark.parametrize(
    ("role", "layer", "unit", "owner", "allowed"),
    [
        ("employee", Layer.PERSONAL, "team", "employee", True),
        ("employee", Layer.PERSONAL, "team", "other_employee", False),
        ("employee", Layer.OPERATIONAL, "team", "employee", False),
        ("manager", Layer.TRANSLATIONAL, "team", "employee", True),
        ("manager", Layer.OPERATIONAL, "ops_team", "manager", False),
        ("manager", Layer.INTENT, "company", "manager", False),
        ("manager", Layer.PERSONAL, "team", "employee", False),
        ("leader", Layer.INTENT, "company", "leader", True),
        ("leader", Layer.OPERATIONAL, "team", "employee", True),
        ("leader", Layer.TRANSLATIONAL, "ops", "leader", False),
        ("leader", Layer.PERSONAL, "team", "employee", True),
        ("hr", Layer.TRANSLATIONAL, "people_unit", "hr", False),
        ("hr", Layer.PERSONAL, "people_unit", "hr", True),
        ("admin", Layer.TRANSLATIONAL, "ops", "other_employee", True),
    ],
)
def test_who_may_create_which_goal(cast, role, layer, unit, owner, allowed):
    assert create_check(cast, role, layer, unit, owner) is allowed


def test_nobody_creates_under_a_goal_they_cannot_see(cast):
    assert not create_check(cast, "manager", Layer.TRANSLATIONAL, "team", "manager", parent=cast.draft_intent)
    assert create_check(cast, "leader", Layer.TRANSLATIONAL, "team", "manager", parent=cast.draft_intent)


def test_leading_a_unit_makes_anyone_a_manager_there(cast):
    """An employee who leads a unit changes its cascade goals and reads its people's personal goals."""
    lead = PersonFactory(username="team_lead", role=Person.Role.EMPLOYEE, unit=cast.ops)
    org_services.unit_update(actor=None, unit=cast.ops_team, lead=lead)
    lead = fresh(lead)
    operational = GoalFactory(layer=Layer.OPERATIONAL, parent=cast.other_trans, unit=cast.ops_team, owner=lead)
    assert permissions.can_change_goal(lead, operational)
    assert not permissions.can_change_goal(lead, cast.other_trans)  # Operations itself is not theirs
    assert permissions.can_view_goal(lead, cast.other_personal)
    assert permissions.private_fields_visible(lead, cast.other_personal)


def test_having_reports_makes_anyone_a_manager_of_them(cast):
    mentor = PersonFactory(username="mentor", role=Person.Role.HR, unit=cast.people_unit)
    org_services.person_update(actor=None, person=cast.other_employee, manager=mentor)
    mentor = fresh(mentor)
    assert permissions.private_fields_visible(mentor, cast.other_personal)


def test_indirect_reports_are_in_the_chain(cast):
    grand = PersonFactory(username="grand", role=Person.Role.EMPLOYEE, unit=cast.company)
    org_services.person_update(actor=None, person=cast.leader, manager=grand)
    grand = fresh(grand)
    assert permissions.can_view_goal(grand, cast.personal)  # employee → manager → leader → grand
    assert permissions.private_fields_visible(grand, cast.personal)
    assert not permissions.can_view_goal(grand, cast.draft_personal)


def test_a_personal_goal_in_another_unit_is_judged_by_its_owners_unit(cast):
    """The chain follows the owner's unit, not the unit the goal names."""
    goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.oper, unit=cast.ops_team, owner=cast.employee, why="mine")
    assert permissions.private_fields_visible(cast.manager, goal)
    assert not permissions.private_fields_visible(cast.other_employee, goal)


def test_metric_owner_checks_in_but_does_not_change_the_metric(cast):
    assert permissions.can_record_checkin(cast.employee, cast.oper_metric)
    assert not permissions.can_change_metric(cast.employee, cast.oper_metric)
    assert permissions.can_change_metric(cast.manager, cast.oper_metric)
    assert not permissions.can_record_checkin(cast.other_employee, cast.oper_metric)
    assert not permissions.can_record_checkin(cast.hr, cast.personal_metric)


@pytest.mark.parametrize("role", ROLES)
def test_metrics_are_visible_with_their_goal(cast, role):
    viewer = fresh(cast.person(role))
    metrics = {cast.oper_metric.pk: "oper", cast.personal_metric.pk: "personal", cast.other_metric.pk: "other_personal"}
    listed = {metrics[pk] for pk in permissions.visible_metrics(viewer).values_list("pk", flat=True)}
    assert listed == VISIBLE[role] & set(metrics.values())


@pytest.mark.parametrize(("role", "allowed"), [(r, r in ("admin", "hr")) for r in ROLES])
def test_only_hr_and_admins_manage_the_organisation_and_see_reports(cast, role, allowed):
    assert org_permissions.can_manage_org(cast.person(role)) is allowed
    assert report_permissions.can_view_alignment_report(cast.person(role)) is allowed


def test_only_an_admin_makes_or_changes_an_admin(cast):
    assert not org_permissions.can_assign_role(cast.hr, Person.Role.ADMIN)
    assert org_permissions.can_assign_role(cast.hr, Person.Role.MANAGER)
    assert org_permissions.can_assign_role(cast.admin, Person.Role.ADMIN)
    assert not org_permissions.can_change_person(cast.hr, cast.admin)
    assert org_permissions.can_change_person(cast.hr, cast.employee)
    assert not org_permissions.can_change_person(cast.leader, cast.employee)


def test_checks_read_the_organisation_once_per_actor(cast, django_assert_max_num_queries):
    manager = fresh(cast.manager)
    goals = list(Goal.objects.select_related("owner"))
    # reports (1), units led with their subtrees (2), own unit and led units with their subtrees (2)
    with django_assert_max_num_queries(5):
        for _ in range(3):
            for goal in goals:
                permissions.can_view_goal(manager, goal)
                permissions.can_change_goal(manager, goal)
                permissions.private_fields_visible(manager, goal)


def test_a_unit_lead_without_reports_reaches_nested_units(cast):
    lead = PersonFactory(username="division_lead", role=Person.Role.EMPLOYEE, unit=cast.company)
    org_services.unit_update(actor=None, unit=cast.ops, lead=lead)
    deep = UnitFactory(name="Deep", parent=cast.ops_team)
    worker = PersonFactory(username="worker", unit=deep)
    goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.other_trans, unit=deep, owner=worker, why="x")
    assert permissions.private_fields_visible(fresh(lead), goal)


@pytest.mark.parametrize("role", ROLES)
def test_the_personal_goals_filter_agrees_with_the_visible_goals_filter(cast, role):
    """visible_personal_goals_q (personal goals by owner alone) lists exactly the personal goals visible_goals_q does,
    also for the lead of a unit who is no one's manager."""
    lead = PersonFactory(role="employee")
    cast.ops_team.lead = lead
    cast.ops_team.save()
    for viewer in (cast.person(role), lead, cast.leader, cast.hr):
        viewer = fresh(viewer)
        personal = Goal.objects.filter(layer=Layer.PERSONAL)
        expected = set(permissions.visible_goals(viewer, personal).values_list("pk", flat=True))
        by_owner = set(personal.filter(permissions.visible_personal_goals_q(viewer)).values_list("pk", flat=True))
        assert by_owner == expected, viewer.username
