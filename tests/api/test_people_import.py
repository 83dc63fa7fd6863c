"""POST /api/v1/people/import/: the org-chart import over the API — HR and admins only, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.org.models import Person, Unit
from tests.org.importfiles import csv_file, person, xlsx_file

URL = "/api/v1/people/import/"
ORG = (
    person("E1", unit="Acme/Sales", role="manager"),
    person("E2", unit="Acme/Sales/APAC", manager="E1"),
    person("E3", unit="Acme/Sales/APAC", manager="E1"),
)


def upload(client, data: bytes, name: str = "people.csv", query: str = ""):
    return client.post(URL + query, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_hr_imports_people_and_units(as_role, cast):
    response = upload(as_role("hr"), csv_file(*ORG))
    assert response.status_code == 200, response.json()
    assert response.json()["applied"] is True
    assert response.json()["counts"]["created"] == 3
    assert Person.objects.get(employee_id="E2").manager == Person.objects.get(employee_id="E1")
    assert Unit.objects.filter(name="APAC", parent__name="Sales").exists()


def test_the_same_file_twice_changes_nothing_the_second_time(as_role, cast):
    upload(as_role("hr"), csv_file(*ORG))
    counts = upload(as_role("hr"), xlsx_file(*ORG), name="people.xlsx").json()["counts"]
    assert (counts["created"], counts["updated"], counts["deactivated"], counts["unchanged"]) == (0, 0, 0, 3)


def test_a_dry_run_counts_and_writes_nothing(as_role, cast):
    response = upload(as_role("hr"), csv_file(*ORG), query="?dry_run=true")
    assert response.status_code == 200
    assert (response.json()["applied"], response.json()["counts"]["created"]) == (False, 3)
    assert not Person.objects.filter(employee_id__in=["E1", "E2", "E3"]).exists()


def test_a_file_with_problems_is_refused_by_row_and_column_and_changes_nothing(as_role, cast):
    people_before = Person.objects.count()
    bad = csv_file(person("E1"), person("E2", email="not-an-email", manager="E9"))
    response = upload(as_role("hr"), bad)
    assert response.status_code == 400
    problems = {(p["row"], p["column"]) for p in response.json()["problems"]}
    assert (3, "email") in problems and (3, "manager_id") in problems
    assert Person.objects.count() == people_before


def test_an_unreadable_file_is_a_400_saying_so_for_the_file_as_a_whole(as_role, cast):
    response = upload(as_role("hr"), b"PK\x03\x04 broken", name="people.xlsx")
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"row": None, "column": "", "message": "The file looks like an .xlsx workbook but is damaged."}
    ]


def test_a_missing_file_is_a_400_naming_the_field(as_role, cast):
    response = as_role("hr").post(URL, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_a_malformed_dry_run_flag_is_a_400_naming_it(as_role, cast):
    response = upload(as_role("hr"), csv_file(*ORG), query="?dry_run=perhaps")
    assert response.status_code == 400 and "dry_run" in response.json()


@pytest.mark.parametrize("role", ["manager", "employee", "leader"])
def test_only_hr_and_admins_import(as_role, cast, role):
    assert upload(as_role(role), csv_file(*ORG)).status_code == 403
    assert not Person.objects.filter(employee_id="E1").exists()


def test_without_credentials_it_is_401(client_for, cast):
    assert upload(client_for(None), csv_file(*ORG)).status_code == 401
