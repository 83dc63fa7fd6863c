"""people/ `activated` and its filter, people/{id}/invite/ and people/invite-pending/: only HR and admins invite."""

import pytest
from django.utils import timezone

from apps.org.models import AccountMail, Person

PEOPLE = "/api/v1/people/"


def invite_url(pk) -> str:
    return f"{PEOPLE}{pk}/invite/"


@pytest.fixture
def newcomer(cast):
    """Imported: an email, no password, never signed in."""
    person = Person.objects.create(username="newcomer", email="new@example.com", unit=cast.team)
    person.set_unusable_password()
    person.save()
    return person


def activated(client) -> dict[str, bool]:
    return {row["username"]: row["activated"] for row in client.get(PEOPLE, {"page_size": 500}).json()["results"]}


def test_activated_means_signed_in_once_or_has_a_password(cast, newcomer, as_role):
    sso = Person.objects.create(username="sso", email="sso@example.com", last_login=timezone.now())
    sso.set_unusable_password()
    sso.save()
    flags = activated(as_role("employee"))
    assert flags["newcomer"] is False
    assert flags["sso"] is True  # signed in through single sign-on: no password, still in
    assert flags["employee"] is True  # has a password


def test_the_activated_filter(cast, newcomer, as_role):
    client = as_role("hr")
    pending = [row["username"] for row in client.get(PEOPLE, {"activated": "false"}).json()["results"]]
    assert pending == ["newcomer"]
    everyone_else = client.get(PEOPLE, {"activated": "true", "page_size": 500}).json()["results"]
    assert "newcomer" not in {row["username"] for row in everyone_else} and everyone_else


def test_a_person_created_without_a_password_is_invited_and_not_activated(cast, as_role, commit, mailoutbox):
    with commit():
        response = as_role("hr").post(PEOPLE, {"username": "ada", "email": "ada@example.com"}, format="json")
    assert response.status_code == 201 and response.json()["activated"] is False
    assert [mail.to for mail in mailoutbox] == [["ada@example.com"]]


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admins_invite(cast, newcomer, as_role, commit, mailoutbox, role):
    with commit():
        response = as_role(role).post(invite_url(newcomer.pk))
    assert response.status_code == 202 and "new@example.com" in response.json()["detail"]
    assert [mail.to for mail in mailoutbox] == [["new@example.com"]]
    assert "/accounts/invitation/" in mailoutbox[0].body


@pytest.mark.parametrize("role", ["leader", "manager", "employee", "other_employee"])
def test_nobody_else_invites(cast, newcomer, as_role, role):
    assert as_role(role).post(invite_url(newcomer.pk)).status_code == 403
    assert as_role(role).post(f"{PEOPLE}invite-pending/").status_code == 403
    assert not AccountMail.objects.exists()


def test_an_unknown_id_is_404_and_no_credentials_401(cast, as_role, client_for):
    assert as_role("hr").post(invite_url(999999)).status_code == 404
    assert client_for().post(invite_url(cast.employee.pk)).status_code == 401


def test_only_an_admin_invites_an_admin(cast, as_role):
    cast.admin.set_unusable_password()
    cast.admin.save()
    assert as_role("hr").post(invite_url(cast.admin.pk)).status_code == 403
    assert as_role("admin").post(invite_url(cast.admin.pk)).status_code == 202


@pytest.mark.parametrize(
    ("change", "message"),
    [({"is_active": False}, "deactivated"), ({"email": ""}, "no email"), ({"password": "x"}, "already activated")],
)
def test_who_cannot_be_invited_is_a_400_that_says_why(cast, newcomer, as_role, change, message):
    Person.objects.filter(pk=newcomer.pk).update(**change)
    response = as_role("hr").post(invite_url(newcomer.pk))
    assert response.status_code == 400 and message in response.json()["non_field_errors"][0]


def test_invite_pending_mails_everyone_who_has_not_activated(cast, newcomer, as_role, commit, mailoutbox):
    with commit():
        response = as_role("hr").post(f"{PEOPLE}invite-pending/")
    assert response.status_code == 202 and response.json()["count"] == 1
    assert [mail.to for mail in mailoutbox] == [["new@example.com"]]
    assert as_role("hr").post(f"{PEOPLE}invite-pending/").json()["count"] == 0  # not twice within the hour


def test_an_import_job_says_how_many_invitations_it_mails_and_has_mailed(
    cast, as_role, commit, mailoutbox, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.org.importfiles import csv_file, small_org

    settings.MEDIA_ROOT = tmp_path / "media"
    hr = as_role("hr")
    with commit():
        started = hr.post(
            f"{PEOPLE}import-jobs/", {"file": SimpleUploadedFile("p.csv", csv_file(*small_org()))}, format="multipart"
        )
    job = hr.get(started["Location"]).json()
    assert (job["counts"]["invitations"], job["invitations_sent"]) == (6, 6)
    assert len(mailoutbox) == 6
