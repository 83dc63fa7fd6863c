"""Nobody raises their own reach: HR cannot make itself a leader, anyone's manager or a unit's lead (and so a
reader of private reflections); only an admin grants the admin and leader roles; nobody changes their own role
or manager."""

import pytest

from apps.org.models import Person, Unit
from tests.org.importfiles import csv_file, person


def patch(client, url: str, body: dict):
    return client.patch(url, body, format="json")


def test_hr_cannot_make_itself_a_leader(as_role, cast):
    response = patch(as_role("hr"), f"/api/v1/people/{cast.hr.pk}/", {"role": "leader"})
    assert response.status_code == 403 and "own role" in response.json()["role"][0]
    assert Person.objects.get(pk=cast.hr.pk).role == "hr"


def test_hr_cannot_name_itself_someones_manager(as_role, cast):
    response = patch(as_role("hr"), f"/api/v1/people/{cast.employee.pk}/", {"manager": cast.hr.pk})
    assert response.status_code == 403 and "manager" in response.json()
    assert Person.objects.get(pk=cast.employee.pk).manager_id == cast.manager.pk


def test_hr_cannot_make_itself_a_units_lead(as_role, cast):
    response = patch(as_role("hr"), f"/api/v1/units/{cast.team.pk}/", {"lead": cast.hr.pk})
    assert response.status_code == 403 and "lead" in response.json()
    assert Unit.objects.get(pk=cast.team.pk).lead_id == cast.manager.pk
    created = as_role("hr").post("/api/v1/units/", {"name": "Mine", "lead": cast.hr.pk}, format="json")
    assert created.status_code == 403 and not Unit.objects.filter(name="Mine").exists()


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_only_an_admin_grants_the_leader_and_admin_roles(as_role, cast, role):
    response = patch(as_role("hr"), f"/api/v1/people/{cast.employee.pk}/", {"role": role})
    assert response.status_code == 403 and "Only an admin" in response.json()["role"][0]
    assert patch(as_role("admin"), f"/api/v1/people/{cast.employee.pk}/", {"role": role}).status_code == 200


def test_hr_still_manages_other_people(as_role, cast):
    response = patch(as_role("hr"), f"/api/v1/people/{cast.employee.pk}/", {"manager": cast.leader.pk})
    assert response.status_code == 200
    assert patch(as_role("hr"), f"/api/v1/people/{cast.employee.pk}/", {"role": "manager"}).status_code == 200


def test_not_even_an_admin_changes_their_own_role(as_role, cast):
    response = patch(as_role("admin"), f"/api/v1/people/{cast.admin.pk}/", {"role": "employee"})
    assert response.status_code == 403 and "own role" in response.json()["role"][0]


def test_an_hr_import_cannot_grant_the_leader_role(as_role, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = csv_file(person("E1", role="leader"))
    response = as_role("hr").post(
        "/api/v1/people/import/", {"file": SimpleUploadedFile("p.csv", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"row": 2, "column": "role", "message": "Only an admin can make someone a leader."}
    ]
