"""The people import pages: upload → a background check (problems by row and column, or the plan) → confirm →
a background import. Only HR and admins: everyone else gets 403, an anonymous visitor the login page.

The tests commit (`commit` runs on-commit work) so that the jobs run, eagerly, as a worker would run them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.org import forms as org_forms
from apps.org.models import ImportJob, Person
from tests.cast import build_cast
from tests.factories import PersonFactory
from tests.org.importfiles import csv_file, person, small_org, xlsx_file

IMPORT_URL = reverse("org:people-import")


@pytest.fixture
def cast(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cast()


@pytest.fixture
def client(client, commit):
    """A client whose requests commit, as in production: the jobs they start run (eagerly) after each one."""

    class Committing:
        raw = client  # without committing: on-commit work waits

        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with commit():
                return client.post(*args, **kwargs)

    return Committing()


def imported() -> set[str]:
    return set(Person.objects.filter(employee_id__isnull=False).values_list("employee_id", flat=True))


def upload(client, data: bytes, name: str = "people.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def preview_url(client, data: bytes, name: str = "people.csv") -> str:
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def test_hr_uploads_sees_the_plan_and_confirms(client, cast):
    client.force_login(cast.hr)
    assert "Import people" in client.get(IMPORT_URL).content.decode()
    url = preview_url(client, csv_file(*small_org()))
    page = client.get(url).content.decode()
    assert "Confirm import" in page and "Ada Chief" in page and "Acme/Sales/APAC" in page
    assert imported() == set()  # the preview writes nothing
    response = client.get(client.post(url)["Location"])
    assert "Imported: 6 created" in response.content.decode()
    assert imported() == {"E1", "E2", "E3", "E4", "E5", "E6"}


def test_a_check_is_imported_once_per_confirmation(client, cast):
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(*small_org()))
    import_url = client.post(url)["Location"]
    assert client.post(import_url).status_code == 200  # the import's own page offers no second confirmation
    assert ImportJob.objects.filter(dry_run=False).count() == 1


def test_the_check_and_the_import_run_as_jobs_not_in_the_request(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.hr)
    with django_capture_on_commit_callbacks(execute=False):  # no worker yet: the request only stores the file
        response = client.raw.post(IMPORT_URL, {"file": SimpleUploadedFile("people.csv", csv_file(*small_org()))})
    job = ImportJob.objects.get()
    assert (job.status, job.dry_run, bool(job.file)) == ("queued", True, True)
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 2s"' in page


def test_the_preview_lists_every_problem_by_row_and_column_and_offers_no_confirm(client, cast):
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(person("E1", email="nope"), person("E2", manager="E404", active="maybe")))
    page = client.get(url).content.decode()
    assert "3 problems: nothing will be imported" in page
    assert "<td>2</td><td><code>email</code></td>" in page
    assert "<td>3</td><td><code>manager_id</code></td>" in page
    assert "<td>3</td><td><code>active</code></td>" in page
    assert "Confirm import" not in page
    response = client.post(url)  # a forced confirm of a refused check starts nothing and writes nothing
    assert response.status_code == 200 and imported() == set()
    assert not ImportJob.objects.filter(dry_run=False).exists()


def test_an_unreadable_file_is_a_whole_file_problem(client, cast):
    client.force_login(cast.hr)
    page = client.get(preview_url(client, b"\xff\xfe not utf-8")).content.decode()
    assert "whole file" in page and "not UTF-8" in page


def test_an_xlsx_upload_works_like_csv(client, cast):
    client.force_login(cast.hr)
    url = preview_url(client, xlsx_file(*small_org()), name="people.xlsx")
    client.post(url)
    assert len(imported()) == 6


def test_the_preview_shows_updates_and_deactivations(client, cast):
    client.force_login(cast.hr)
    client.post(preview_url(client, csv_file(*small_org())))
    rows = small_org()[:5]
    rows[1] = person("E2", name="Ben Renamed", unit="Acme/Sales", manager="E1", role="manager")
    page = client.get(preview_url(client, csv_file(*rows))).content.decode()
    assert "<code>name</code> Ben Sales → Ben Renamed" in page
    assert "1 person to deactivate" in page and "Flo Ops" in page and "not in file" in page


def test_a_file_that_changes_nothing_offers_no_confirm(client, cast):
    client.force_login(cast.hr)
    client.post(preview_url(client, csv_file(*small_org())))
    page = client.get(preview_url(client, csv_file(*small_org()))).content.decode()
    assert "already matches this file" in page and "Confirm import" not in page


def test_confirm_checks_the_file_again(client, cast):
    boss = Person.objects.create(username="boss", employee_id="B1")
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(person("E1", manager="B1")))
    assert "Confirm import" in client.get(url).content.decode()
    boss.employee_id = None  # someone changes the organisation between the preview and the confirmation
    boss.save()
    page = client.get(client.post(url, {"confirm_deactivations": "1"})["Location"]).content.decode()
    assert "nothing was imported" in page and "Unknown manager id" in page
    assert imported() == set()


def test_a_file_over_the_size_limit_is_refused(client, cast, monkeypatch):
    monkeypatch.setattr(org_forms, "MAX_UPLOAD_BYTES", 100)
    client.force_login(cast.hr)
    response = upload(client, csv_file(*small_org()))
    assert response.status_code == 200 and "the limit is" in response.content.decode()


def test_a_file_of_another_type_is_refused(client, cast):
    client.force_login(cast.hr)
    response = upload(client, b"%PDF-1.4", name="people.pdf")
    assert response.status_code == 200 and "Upload a .csv or .xlsx file" in response.content.decode()


def test_someone_elses_check_is_not_found_by_another_hr_person(client, cast):
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(*small_org()))
    client.force_login(PersonFactory(role="hr"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert imported() == set()


def test_an_admin_sees_and_may_confirm_anyones_check(client, cast):
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(*small_org()))
    client.force_login(cast.admin)
    client.post(url)
    assert len(imported()) == 6


def test_an_admin_may_import(client, cast):
    client.force_login(cast.admin)
    client.post(preview_url(client, csv_file(person("E1", role="admin"))))
    assert Person.objects.get(employee_id="E1").is_superuser


def test_hr_is_told_it_may_not_make_an_admin(client, cast):
    client.force_login(cast.hr)
    page = client.get(preview_url(client, csv_file(person("E1", role="admin")))).content.decode()
    assert "Only an admin can make someone an admin." in page


@pytest.mark.parametrize("role", ["employee", "manager", "leader", "other_employee"])
def test_only_hr_and_admins_reach_the_import(client, cast, role):
    client.force_login(cast.hr)
    url = preview_url(client, csv_file(*small_org()))
    client.force_login(cast.person(role))
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_file(*small_org())).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert imported() == set()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("role", "shown"), [("hr", True), ("admin", True), ("manager", False), ("employee", False)])
def test_the_nav_link_shows_for_hr_and_admins(client, cast, role, shown):
    client.force_login(cast.person(role))
    assert (f'href="{IMPORT_URL}"' in client.get(reverse("home")).content.decode()) is shown


@pytest.mark.parametrize(("role", "shown"), [("hr", True), ("admin", True), ("manager", False)])
def test_hr_finds_the_invitations_page_in_the_navigation(client, cast, role, shown):
    client.force_login(cast.person(role))
    link = f'href="{reverse("org:people-not-activated")}"'
    assert (link in client.get(reverse("home")).content.decode()) is shown


def test_someone_who_signs_in_only_through_sso_is_not_offered_a_password_change(client, cast):
    cast.employee.set_unusable_password()
    cast.employee.save()
    client.force_login(cast.employee)
    assert f'href="{reverse("password_change")}"' not in client.get(reverse("home")).content.decode()
