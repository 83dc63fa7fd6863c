"""people/import-jobs/ and large files on people/import/: the check and the import run in a worker, never in the
request. The tests commit so that the jobs run (eagerly) as a worker would run them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.org.models import ImportJob, Person
from tests.factories import PersonFactory
from tests.org.importfiles import csv_file, person, xlsx_of_empty_rows

JOBS = "/api/v1/people/import-jobs/"
ORG = (person("E1", unit="Acme/Sales", role="manager"), person("E2", unit="Acme/Sales", manager="E1"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(client, commit, data: bytes, url: str = JOBS, **fields):
    with commit():
        return client.post(url, {"file": SimpleUploadedFile("people.csv", data), **fields}, format="multipart")


def test_a_job_checks_then_imports_and_says_what_it_did(as_role, cast, commit):
    hr = as_role("hr")
    checked = start(hr, commit, csv_file(*ORG), dry_run="true")
    assert checked.status_code == 202
    job = hr.get(checked["Location"]).json()
    assert (job["status"], job["applied"], job["counts"]["created"]) == ("done", False, 2)
    assert not Person.objects.filter(employee_id="E1").exists()

    imported = hr.get(start(hr, commit, csv_file(*ORG))["Location"]).json()
    assert (imported["status"], imported["applied"]) == ("done", True)
    assert Person.objects.get(employee_id="E2").manager.employee_id == "E1"


def test_the_request_only_stores_the_file(as_role, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = as_role("hr").post(JOBS, {"file": SimpleUploadedFile("p.csv", csv_file(*ORG))}, format="multipart")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert ImportJob.objects.get().file
    assert not Person.objects.filter(employee_id="E1").exists()


def test_a_refused_file_lists_its_problems_by_row_and_column(as_role, cast, commit):
    response = start(as_role("hr"), commit, csv_file(person("E1", email="not-an-email")))
    job = as_role("hr").get(response["Location"]).json()
    assert (job["status"], job["applied"], job["problem_count"]) == ("refused", False, 1)
    assert (job["problems"][0]["row"], job["problems"][0]["column"]) == (2, "email")


def test_a_large_file_on_the_inline_endpoint_becomes_a_job(as_role, cast, commit, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    response = start(as_role("hr"), commit, csv_file(*ORG, person("E3")), url="/api/v1/people/import/")
    assert response.status_code == 202
    assert response["Location"].endswith(f"{JOBS}{ImportJob.objects.get().pk}/")
    assert Person.objects.filter(employee_id__in=["E1", "E2", "E3"]).count() == 3


def test_a_file_over_the_row_limit_is_refused_before_any_job(as_role, cast, commit):
    with commit():
        response = as_role("hr").post(
            JOBS, {"file": SimpleUploadedFile("p.xlsx", xlsx_of_empty_rows(200_002))}, format="multipart"
        )
    assert response.status_code == 400
    assert "more than 200,000 rows" in response.json()["problems"][0]["message"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["employee", "manager", "leader"])
def test_only_hr_and_admins_start_or_read_import_jobs(as_role, cast, commit, role):
    job_url = start(as_role("hr"), commit, csv_file(*ORG))["Location"]
    assert start(as_role(role), commit, csv_file(*ORG)).status_code == 403
    assert as_role(role).get(job_url).status_code == 403
    assert as_role(role).get(JOBS).status_code == 403


def test_another_hr_person_does_not_see_the_job_and_an_admin_does(as_role, cast, commit, client_for):
    job_url = start(as_role("hr"), commit, csv_file(*ORG))["Location"]
    assert client_for(PersonFactory(role="hr")).get(job_url).status_code == 404
    assert as_role("admin").get(job_url).status_code == 200
    assert as_role("admin").get(JOBS).json()["count"] == 1


def test_a_job_follows_the_import_safety_rules(as_role, cast, commit):
    hr = as_role("hr")
    start(hr, commit, csv_file(*ORG, person("E3", unit="Acme/Sales")))
    checked = hr.get(start(hr, commit, csv_file(ORG[0]), dry_run="true")["Location"]).json()
    assert (checked["status"], checked["confirmation_count"]) == ("done", 2)
    refused = hr.get(start(hr, commit, csv_file(ORG[0]))["Location"]).json()
    assert (refused["status"], refused["problems"][0]["column"]) == ("refused", "confirm_deactivations")
    assert Person.objects.filter(employee_id__isnull=False, is_active=True).count() == 3
    confirmed = hr.get(start(hr, commit, csv_file(ORG[0]), confirm_deactivations="2")["Location"]).json()
    assert (confirmed["status"], confirmed["applied"], confirmed["confirm_deactivations"]) == ("done", True, 2)
    assert Person.objects.filter(employee_id__isnull=False, is_active=True).count() == 1
