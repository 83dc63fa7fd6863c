"""Every role × every endpoint × list, read, create, update, move, archive.

The expectations come from the role table (tests/cast.py spells it out per goal of the cast):
what a role may not see answers 404, what it sees but may not change answers 403, and every
list holds exactly what the role may see.
"""

import pytest

from apps.goals.models import Goal, Layer
from tests.cast import CHANGEABLE, GOALS, ROLES, VISIBLE

HAS_LIVE_CHILDREN = {"intent", "trans", "other_trans", "oper"}
METRICS = {"oper_metric": "oper", "personal_metric": "personal", "other_metric": "other_personal"}
ORG_MANAGERS = {"admin", "hr"}


def goal_url(cast, name: str, suffix: str = "") -> str:
    return f"/api/v1/goals/{cast.goal(name).pk}/{suffix}"


def expected(role: str, name: str, ok: int) -> int:
    if name not in VISIBLE[role]:
        return 404
    return ok if name in CHANGEABLE[role] else 403


# --- Goals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_goal_list_holds_exactly_what_the_role_sees(as_role, cast, role):
    response = as_role(role).get("/api/v1/goals/", {"page_size": 500})
    assert response.status_code == 200
    names = {goal.pk: name for name in GOALS if (goal := cast.goal(name))}
    assert {names[row["id"]] for row in response.json()["results"]} == VISIBLE[role]
    assert response.json()["count"] == len(VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_goal_read(as_role, cast, role):
    client = as_role(role)
    for name in GOALS:
        for suffix in ("", "tree/", "ancestors/"):
            status = client.get(goal_url(cast, name, suffix)).status_code
            assert status == (200 if name in VISIBLE[role] else 404), (name, suffix, status)


@pytest.mark.parametrize("role", ROLES)
def test_goal_update(as_role, cast, role):
    client = as_role(role)
    for name in GOALS:
        status = client.patch(goal_url(cast, name), {"description": "Changed"}, format="json").status_code
        assert status == expected(role, name, 200), (name, status)


@pytest.mark.parametrize("role", ROLES)
def test_goal_move(as_role, cast, role):
    """A move to the goal's own parent changes nothing: what is tested is who may ask."""
    client = as_role(role)
    for name in GOALS:
        parent = cast.goal(name).parent_id
        status = client.post(goal_url(cast, name, "move/"), {"parent": parent}, format="json").status_code
        assert status == expected(role, name, 200), (name, status)


@pytest.mark.parametrize("role", ROLES)
def test_goal_archive_and_restore(as_role, cast, role):
    client = as_role(role)
    for name in GOALS:
        ok = 400 if name in HAS_LIVE_CHILDREN else 204  # goals with live children are refused (rule, not role)
        status = client.delete(goal_url(cast, name)).status_code
        assert status == expected(role, name, ok), (name, status)
        status = client.post(goal_url(cast, name, "restore/")).status_code
        assert status == expected(role, name, 200), (name, status)


CREATE_CASES = {
    # (layer, parent, unit, owner)
    "intent": (Layer.INTENT, None, "company", "leader"),
    "team_goal": (Layer.OPERATIONAL, "trans", "team", "employee"),
    "ops_goal": (Layer.OPERATIONAL, "other_trans", "ops", "other_employee"),
    "own_personal": (Layer.PERSONAL, "oper", "team", None),
    "others_personal": (Layer.PERSONAL, "oper", "team", "someone_else"),
}
CREATE_ALLOWED = {
    "admin": set(CREATE_CASES),
    "leader": {"intent", "team_goal", "own_personal", "others_personal"},
    "manager": {"team_goal", "own_personal"},
    "employee": {"own_personal"},
    "other_employee": {"own_personal"},
    "hr": {"own_personal"},
}


@pytest.mark.parametrize("role", ROLES)
def test_goal_create(as_role, cast, role):
    client = as_role(role)
    for case, (layer, parent, unit, owner) in CREATE_CASES.items():
        data = {"title": case, "layer": layer, "cycle": cast.year.pk, "unit": getattr(cast, unit).pk}
        if owner == "someone_else":
            owner = "employee" if role == "other_employee" else "other_employee"
        data |= {"parent": cast.goal(parent).pk if parent else None, "owner": cast.person(owner or role).pk}
        status = client.post("/api/v1/goals/", data, format="json").status_code
        assert status == (201 if case in CREATE_ALLOWED[role] else 403), (case, status)


# --- Metrics and check-ins -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_metric_list_holds_exactly_the_metrics_of_visible_goals(as_role, cast, role):
    rows = as_role(role).get("/api/v1/metrics/").json()["results"]
    names = {getattr(cast, metric).pk: goal for metric, goal in METRICS.items()}
    assert {names[row["id"]] for row in rows} == VISIBLE[role] & set(METRICS.values())


@pytest.mark.parametrize("role", ROLES)
def test_metric_read_update_archive(as_role, cast, role):
    client = as_role(role)
    for metric, goal in METRICS.items():
        url = f"/api/v1/metrics/{getattr(cast, metric).pk}/"
        assert client.get(url).status_code == (200 if goal in VISIBLE[role] else 404)
        assert client.get(f"{url}checkins/").status_code == (200 if goal in VISIBLE[role] else 404)
        assert client.patch(url, {"name": "Renamed"}, format="json").status_code == expected(role, goal, 200)
        assert client.delete(url).status_code == expected(role, goal, 204)


@pytest.mark.parametrize("role", ROLES)
def test_metric_create(as_role, cast, role):
    client = as_role(role)
    for goal in ("trans", "personal", "other_personal"):
        data = {"goal": cast.goal(goal).pk, "name": "New", "start": 0, "target": 10}
        status = client.post("/api/v1/metrics/", data, format="json").status_code
        # A goal the caller cannot see is "does not exist" in the body: 400, naming the field.
        assert status == (400 if goal not in VISIBLE[role] else 201 if goal in CHANGEABLE[role] else 403), goal


CHECKIN_ALLOWED = {role: {goal for goal in METRICS.values() if goal in CHANGEABLE[role]} for role in ROLES}
CHECKIN_ALLOWED["employee"] |= {"oper"}  # the owner of the operational goal checks in on its metric


@pytest.mark.parametrize("role", ROLES)
def test_checkin(as_role, cast, role):
    client = as_role(role)
    for metric, goal in METRICS.items():
        url = f"/api/v1/metrics/{getattr(cast, metric).pk}/checkins/"
        status = client.post(url, {"value": 1, "confidence": 5}, format="json").status_code
        if goal not in VISIBLE[role]:
            assert status == 404, metric
        else:
            assert status == (201 if goal in CHECKIN_ALLOWED[role] else 403), (metric, status)


# --- Units, people, cycles, reports ----------------------------------------------------------


ORG = {
    "units": lambda cast, n: {"name": f"Unit {n}", "parent": cast.company.pk},
    "people": lambda cast, n: {"username": f"new{n}", "role": "employee"},
    "cycles": lambda cast, n: {"name": f"Cycle {n}", "start": "2030-01-01", "end": "2030-12-31"},
}
ORG_TARGETS = {"units": "team", "people": "employee", "cycles": "year"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", sorted(ORG))
def test_organisation(as_role, cast, role, resource):
    client = as_role(role)
    url = f"/api/v1/{resource}/"
    target = getattr(cast, ORG_TARGETS[resource])
    listed = client.get(url, {"page_size": 500}).json()
    model = type(target)
    assert listed["count"] == model.objects.count()  # everyone reads the whole organisation
    assert client.get(f"{url}{target.pk}/").status_code == 200
    allowed = role in ORG_MANAGERS
    assert client.post(url, ORG[resource](cast, role), format="json").status_code == (201 if allowed else 403)
    change = {"name": f"Renamed by {role}"}
    assert client.patch(f"{url}{target.pk}/", change, format="json").status_code == (200 if allowed else 403)
    assert client.delete(f"{url}{target.pk}/").status_code == (405 if allowed else 403)


@pytest.mark.parametrize("role", ROLES)
def test_alignment_report(as_role, cast, role):
    status = as_role(role).get("/api/v1/reports/alignment/").status_code
    assert status == (200 if role in ORG_MANAGERS else 403)


def test_nothing_was_deleted(as_role, cast):
    for role in ROLES:
        for name in GOALS:
            as_role(role).delete(goal_url(cast, name))
    assert Goal.objects.count() == len(GOALS)
