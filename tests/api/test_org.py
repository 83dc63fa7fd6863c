"""units/, people/ and cycles/: everyone reads them; HR and admins change them, through the services."""

from datetime import date

import pytest

from apps.core.models import ObjectChange
from apps.org.models import Person, Unit
from tests.factories import CycleFactory, GoalFactory


def test_hr_creates_a_person_with_a_write_only_password(as_role, cast, client_for):
    data = {
        "username": "newbie",
        "name": "New Bie",
        "email": "newbie@example.com",
        "unit": cast.team.pk,
        "manager": cast.manager.pk,
        "role": "employee",
        "password": "a-long-enough-passphrase-9",
    }
    response = as_role("hr").post("/api/v1/people/", data, format="json")
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    assert (
        client_for().post("/api/v1/auth/token/", {"username": "newbie", "password": data["password"]}).json()["token"]
    )


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("password", "123", "too short"),
        ("email", "not-an-email", "valid email"),
        ("role", "king", "not a valid choice"),
        ("username", "employee", "already exists"),
        ("manager", 2**64, "does not exist"),
    ],
)
def test_bad_person_input_is_400(as_role, field, value, words):
    data = {"username": "someone", field: value}
    response = as_role("hr").post("/api/v1/people/", data, format="json")
    assert response.status_code == 400 and words in " ".join(response.json()[field]), response.content


def test_hr_cannot_make_an_admin_nor_change_one(as_role, cast):
    client = as_role("hr")
    assert client.post("/api/v1/people/", {"username": "boss", "role": "admin"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/people/{cast.employee.pk}/", {"role": "admin"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/people/{cast.admin.pk}/", {"name": "X"}, format="json").status_code == 403
    assert as_role("admin").patch(f"/api/v1/people/{cast.hr.pk}/", {"role": "admin"}, format="json").status_code == 200


def test_manager_loop_is_refused(as_role, cast):
    response = as_role("hr").patch(f"/api/v1/people/{cast.leader.pk}/", {"manager": cast.employee.pk}, format="json")
    assert response.status_code == 400 and "report to themselves" in response.json()["manager"][0]


def test_username_and_password_are_fixed_after_creation(as_role, cast):
    client = as_role("hr")
    url = f"/api/v1/people/{cast.employee.pk}/"
    assert "username" in client.patch(url, {"username": "renamed"}, format="json").json()
    assert "password" in client.patch(url, {"password": "another-long-one-77"}, format="json").json()


def test_hr_deactivates_a_person(as_role, cast):
    response = as_role("hr").patch(f"/api/v1/people/{cast.other_employee.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert not Person.objects.get(pk=cast.other_employee.pk).is_active


def test_people_filters(as_role, cast):
    client = as_role("employee")
    assert {p["username"] for p in client.get("/api/v1/people/", {"manager": cast.manager.pk}).json()["results"]} == {
        "employee"
    }
    assert [p["username"] for p in client.get("/api/v1/people/", {"search": "other_"}).json()["results"]] == [
        "other_employee"
    ]


def test_hr_creates_moves_and_renames_a_unit(as_role, cast):
    client = as_role("hr")
    response = client.post("/api/v1/units/", {"name": "EMEA", "kind": "region", "parent": cast.sales.pk}, format="json")
    assert response.status_code == 201, response.content
    unit_id = response.json()["id"]
    response = client.patch(f"/api/v1/units/{unit_id}/", {"parent": cast.ops.pk, "name": "EMEA ops"}, format="json")
    assert response.status_code == 200, response.content
    unit = Unit.objects.get(pk=unit_id)
    assert unit.parent == cast.ops and unit.name == "EMEA ops"
    assert unit.is_descendant_of(Unit.objects.get(pk=cast.company.pk))
    assert ObjectChange.objects.filter(object_id=unit_id, action="move").exists()
    stored = list(Unit.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level"))
    Unit.objects.rebuild()
    assert list(Unit.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght", "level")) == stored


def test_unit_name_clash_and_loop_are_400(as_role, cast):
    client = as_role("hr")
    response = client.post("/api/v1/units/", {"name": "APAC team", "parent": cast.sales.pk}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = client.patch(f"/api/v1/units/{cast.sales.pk}/", {"parent": cast.team.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_a_refused_change_changes_nothing(as_role, cast):
    """The move succeeds, the rename then clashes with a new sibling: neither is kept."""
    url = f"/api/v1/units/{cast.ops_team.pk}/"
    response = as_role("hr").patch(url, {"parent": cast.sales.pk, "name": "APAC team"}, format="json")
    assert response.status_code == 400 and "already has a unit named" in response.json()["name"][0]
    unit = Unit.objects.get(pk=cast.ops_team.pk)
    assert (unit.parent_id, unit.name) == (cast.ops.pk, "Ops team")


def test_only_hr_and_admins_change_the_organisation(as_role, cast):
    for role in ("leader", "manager", "employee"):
        client = as_role(role)
        assert client.post("/api/v1/units/", {"name": "Mine"}, format="json").status_code == 403
        assert client.patch(f"/api/v1/cycles/{cast.year.pk}/", {"status": "closed"}, format="json").status_code == 403
        assert client.get("/api/v1/units/").status_code == 200


def test_hr_creates_a_quarter_inside_a_year(as_role, cast):
    data = {"name": "2027-Q2", "start": "2027-04-01", "end": "2027-06-30", "parent": cast.year.pk}
    response = as_role("hr").post("/api/v1/cycles/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "planning"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Q", "start": "2027-05-01", "end": "2027-04-01"}, "end"),
        ({"name": "Q", "start": "2026-12-01", "end": "2027-02-01", "parent": "year"}, "parent"),
        ({"name": "FY2027", "start": "2027-01-01", "end": "2027-12-31"}, "name"),
        ({"name": "Q", "start": "2027-02-30", "end": "2027-04-01"}, "start"),
        ({"name": "Q", "start": "2027-01-01", "end": "2027-04-01", "status": "open"}, "status"),
    ],
)
def test_bad_cycles_are_400_naming_the_field(as_role, cast, data, field):
    if data.get("parent") == "year":
        data = {**data, "parent": cast.year.pk}
    response = as_role("hr").post("/api/v1/cycles/", data, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_a_cycle_cannot_shrink_below_its_inner_cycles(as_role, cast):
    CycleFactory(name="2027-Q4", start=date(2027, 10, 1), end=date(2027, 12, 31), parent=cast.year)
    response = as_role("hr").patch(f"/api/v1/cycles/{cast.year.pk}/", {"end": "2027-11-30"}, format="json")
    assert response.status_code == 400 and "2027-Q4" in response.json()["end"][0]


def test_a_cycle_cannot_move_away_from_the_cycle_its_goals_hang_under(as_role, cast):
    quarter = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    GoalFactory(layer="translational", parent=cast.intent, cycle=quarter, unit=cast.team)
    response = as_role("hr").patch(f"/api/v1/cycles/{quarter.pk}/", {"parent": None}, format="json")
    assert response.status_code == 400 and "move that goal first" in response.json()["parent"][0]
    response = as_role("hr").patch(f"/api/v1/cycles/{quarter.pk}/", {"status": "active", "name": "Q1"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Q1"
