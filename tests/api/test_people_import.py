"""POST /api/v1/people/import/: the org-chart import over the API — HR and admins only, all or nothing."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.org.models import Person, Unit
from tests.org.importfiles import csv_file, person, xlsx_file, xlsx_of_empty_rows

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


def test_a_two_million_row_workbook_is_refused_quickly_without_reading_its_cells(as_role, cast):
    bomb = xlsx_of_empty_rows(2_000_000)
    assert len(bomb) < 5 * 2**20  # small zipped: the row count, not the size, must stop it
    started = time.monotonic()
    response = upload(as_role("hr"), bomb, name="people.xlsx")
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"row": None, "column": "", "message": "The file has more than 200,000 rows: split it."}
    ]
    assert time.monotonic() - started < 5


def test_a_workbook_within_the_row_limit_is_read(as_role, cast):
    response = upload(as_role("hr"), xlsx_of_empty_rows(10), name="people.xlsx", query="?dry_run=true")
    assert response.status_code == 400
    assert "header" in response.json()["problems"][0]["message"]  # it got as far as looking for the header


def test_a_too_deep_unit_path_is_refused_by_the_dry_run_as_by_the_import(as_role, cast):
    deep = "/".join(f"Level {n}" for n in range(1000))
    for query in ("?dry_run=true", ""):
        response = upload(as_role("hr"), csv_file(person("E1", unit=deep)), query=query)
        assert response.status_code == 400
        [problem] = response.json()["problems"]
        assert (problem["row"], problem["column"]) == (2, "unit_path")
        assert "1,000 levels" in problem["message"]


def test_a_nul_byte_in_a_cell_is_named_by_row_and_column(as_role, cast):
    response = upload(as_role("hr"), csv_file(person("E1", name="Ada\x00Chief")))
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "name")
    assert "NUL" in problem["message"]


# --- Safety (apps.org.importing.safety) ---------------------------------------------------------------------


def test_a_dry_run_of_a_one_row_file_answers_the_count_to_confirm(as_role, cast):
    upload(as_role("hr"), csv_file(*ORG))
    response = upload(as_role("hr"), csv_file(ORG[0]), query="?dry_run=true")
    assert response.status_code == 200
    assert (response.json()["counts"]["deactivated"], response.json()["confirm_deactivations"]) == (2, 2)


def test_an_unconfirmed_mass_deactivation_is_a_400_naming_the_parameter_and_changes_nothing(as_role, cast):
    upload(as_role("hr"), csv_file(*ORG))
    before = list(Person.objects.order_by("pk").values_list("pk", "is_active"))
    for query in ("", "?confirm_deactivations=1"):
        response = upload(as_role("hr"), csv_file(ORG[0]), query=query)
        assert response.status_code == 400
        [message] = response.json()["confirm_deactivations"]
        assert "deactivates 2 of the 3" in message and "more than 10%" in message
    assert list(Person.objects.order_by("pk").values_list("pk", "is_active")) == before


def test_the_count_confirms_a_mass_deactivation(as_role, cast):
    upload(as_role("hr"), csv_file(*ORG))
    response = upload(as_role("hr"), csv_file(ORG[0]), query="?confirm_deactivations=2")
    assert response.status_code == 200 and response.json()["applied"] is True
    assert Person.objects.filter(employee_id__isnull=False, is_active=True).count() == 1


def test_a_few_deactivations_need_no_count(as_role, cast):
    rows = [person(f"E{n}", unit="Acme/Sales") for n in range(1, 12)]
    upload(as_role("hr"), csv_file(*rows))
    response = upload(as_role("hr"), csv_file(*rows[:10]))  # 1 of 11
    assert response.status_code == 200 and response.json()["counts"]["deactivated"] == 1
    assert response.json()["confirm_deactivations"] is None


def test_a_path_outside_the_top_unit_is_a_problem_unless_a_new_top_unit_is_allowed(as_role, cast):
    file = csv_file(person("E1", unit="Acme Inc/Sales"))
    response = upload(as_role("hr"), file)
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "unit_path") and "Did you mean 'Acme'?" in problem["message"]
    assert upload(as_role("hr"), file, query="?allow_new_root=true").status_code == 200
    assert Unit.objects.filter(parent=None, name="Acme Inc").exists()


def test_a_malformed_confirmation_is_a_400_naming_it(as_role, cast):
    response = upload(as_role("hr"), csv_file(*ORG), query="?confirm_deactivations=all")
    assert response.status_code == 400 and "confirm_deactivations" in response.json()
