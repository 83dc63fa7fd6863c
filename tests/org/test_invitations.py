"""Invitations (apps.org.invitations), against a real SMTP server (tests/mailserver.py): an imported organisation
is mailed, a link sets a password once and only within seven days, and the sending survives a refused address,
a relay that is down and a lost task. Celery runs eagerly; no Redis is needed."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.org import invitations, services, tokens
from apps.org.importing import jobs
from apps.org.models import AccountMail, ImportJob, Person
from tests.factories import PersonFactory
from tests.mailserver import free_port, use_email_url
from tests.org.importfiles import csv_file, person, small_org

NEW_PASSWORD = "a-fresh-cascade-password-7"
Outcome = AccountMail.Outcome


@pytest.fixture
def hr(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return PersonFactory(username="hana", role="hr", unit=None)  # no top unit beside the file's "Acme"


def newcomer(**fields) -> Person:
    """Someone imported: an email, no password, never signed in."""
    person = PersonFactory(**fields)
    person.set_unusable_password()
    person.save()
    return person


def invite(person: Person, commit, actor=None) -> None:
    with commit():
        invitations.invitations_for_new_people(people=[person], actor=actor)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    """Follow a mailed link as a browser does: the token moves into the session, then the form is posted."""
    form_page = client.get(path)
    assert form_page.status_code == 302, form_page.content.decode()[:500]
    return client.post(form_page["Location"], {"new_password1": password, "new_password2": password})


# --- The journey --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_imported_org_chart_invites_everyone_and_one_of_them_gets_in(smtp_server, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    hr = PersonFactory(username="hana", role="hr", name="Hana HR", unit=None)

    job = jobs.import_job_create(actor=hr, data=csv_file(*small_org()), filename="org.csv", dry_run=False)

    job.refresh_from_db()
    assert job.applied and job.result["counts"]["invitations"] == 6
    new_people = Person.objects.filter(employee_id__isnull=False)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in new_people)
    assert invitations.import_job_mails(job) == {"sent": 6, "waiting": 0, "skipped": 0, "refused": 0}

    di = Person.objects.get(employee_id="E4")
    (mail,) = smtp_server.to(di.email)
    assert mail["Subject"] == "Hana HR invites you to GoalCascade"
    assert di.username in smtp_server.text(mail) and "Set your password" in smtp_server.html(mail)
    response = set_password(client, smtp_server.link(mail, settings.SITE_URL))

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == di  # signed in
    client.post(reverse("logout"))
    signed_in = client.post(reverse("login"), {"username": di.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(di.pk)

    hr_client = type(client)()
    hr_client.force_login(hr)
    page = hr_client.get(reverse("org:people-import-job", args=[job.pk])).content.decode()
    assert "Invitations: 6 sent" in page


def test_the_check_says_how_many_invitations_the_import_will_send(hr, commit, client):
    rows = [*small_org(), person("E9", active="no")]
    with commit():
        job = jobs.import_job_create(actor=hr, data=csv_file(*rows), filename="org.csv", dry_run=True)
    client.force_login(hr)
    page = client.get(reverse("org:people-import-job", args=[job.pk])).content.decode()
    assert "Confirming mails 6 invitations" in page  # the inactive newcomer gets none
    assert not AccountMail.objects.exists()


# --- The link -------------------------------------------------------------------------------------------------


def test_an_invitation_link_works_once(db, client, commit, smtp_server, settings):
    ada = newcomer(username="ada")
    invite(ada, commit)
    path = smtp_server.link(smtp_server.to(ada.email)[0], settings.SITE_URL)

    assert set_password(client, path).status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)

    client.post(reverse("logout"))
    again = client.get(path, follow=True)
    assert not again.context["validlink"] and "does not work any more" in again.content.decode()


def test_an_invitation_link_works_for_seven_days_and_not_after(db, client, settings):
    ada = newcomer(username="ada")
    six_days_ago = tokens.invitation_url(ada, tokens.invitation_tokens.at(datetime.now() - timedelta(days=6)))
    eight_days_ago = tokens.invitation_url(ada, tokens.invitation_tokens.at(datetime.now() - timedelta(days=8)))

    assert not client.get(eight_days_ago.removeprefix(settings.SITE_URL), follow=True).context["validlink"]
    assert client.get(six_days_ago.removeprefix(settings.SITE_URL)).status_code == 302  # on to the form


def test_a_token_checks_against_the_clock_it_is_given(db):
    ada = newcomer(username="ada")
    token = tokens.invitation_tokens.make_token(ada)
    later = timezone.now()
    assert tokens.invitation_tokens.at(later + timedelta(days=6, hours=23)).check_token(ada, token)
    assert not tokens.invitation_tokens.at(later + timedelta(days=7, minutes=1)).check_token(ada, token)


def test_signing_in_another_way_voids_the_invitation(db):
    ada = newcomer(username="ada")
    token = tokens.invitation_tokens.make_token(ada)
    ada.last_login = timezone.now()  # single sign-on, say
    ada.save()
    assert not tokens.invitation_tokens.check_token(ada, token)


def test_an_invitation_link_is_no_reset_link(db, client, settings):
    ada = newcomer(username="ada")
    token = tokens.invitation_tokens.make_token(ada)
    path = reverse("org:password-reset-confirm", args=[tokens.uid_of(ada), token])
    assert not client.get(path, follow=True).context["validlink"]


def test_a_deactivated_persons_link_does_not_work(db, client, settings):
    ada = newcomer(username="ada")
    url = tokens.invitation_url(ada)
    Person.objects.filter(pk=ada.pk).update(is_active=False)
    assert not client.get(url.removeprefix(settings.SITE_URL), follow=True).context["validlink"]


# --- Who is invited -------------------------------------------------------------------------------------------


def test_people_created_without_a_password_are_invited_and_with_one_are_not(hr, commit, smtp_server):
    with commit():
        services.person_create(actor=hr, username="ada", email="ada@example.com")
        services.person_create(actor=hr, username="bo", email="bo@example.com", password=NEW_PASSWORD)
        services.person_create(actor=hr, username="cy")  # no address to mail
        services.person_create(actor=None, username="di", email="di@example.com", invite=False)  # single sign-on
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]


def test_an_import_invites_no_one_it_leaves_inactive(hr, commit, smtp_server):
    with commit():
        jobs.import_job_create(
            actor=hr, data=csv_file(person("E1"), person("E2", active="no")), filename="p.csv", dry_run=False
        )
    assert [m["To"] for m in smtp_server.messages] == ["e1@example.com"]


def test_someone_who_activated_before_the_mail_went_out_is_skipped(db, commit, smtp_server):
    ada = newcomer(username="ada")
    with commit():
        invitations.invitations_for_new_people(people=[ada], actor=None)
        ada.set_password(NEW_PASSWORD)
        ada.save()
    # The mail was recorded before the password was set, and sent after: it is no longer needed.
    assert AccountMail.objects.get().outcome == Outcome.SKIPPED and not smtp_server.messages


# --- Sending ----------------------------------------------------------------------------------------------------


def record(*people: Person, kind=AccountMail.Kind.INVITATION, created=None) -> list[int]:
    created = created or timezone.now()
    return [AccountMail.objects.create(person=p, kind=kind, created=created).pk for p in people]


def test_sending_again_mails_nobody_twice(db, smtp_server):
    ids = record(newcomer(username="ada"), newcomer(username="bo"))
    assert invitations.account_mails_send(mail_ids=ids) == 2
    assert invitations.account_mails_send(mail_ids=ids) == 0
    assert len(smtp_server.messages) == 2


def test_an_address_the_server_refuses_is_recorded_and_the_rest_still_go_out(db, smtp_server):
    ids = record(newcomer(username="refused", email="refused@example.com"), newcomer(username="bo"))
    assert invitations.account_mails_send(mail_ids=ids) == 1
    assert [m["To"] for m in smtp_server.messages] == ["bo@example.com"]
    outcomes = dict(AccountMail.objects.values_list("person__username", "outcome"))
    assert outcomes == {"refused": Outcome.REFUSED, "bo": Outcome.SENT}


def test_a_relay_that_is_down_leaves_the_mails_for_the_retry(db, settings, smtp_server):
    ids = record(newcomer(username="ada"))
    use_email_url(settings, f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody listens there
    with pytest.raises(OSError):
        invitations.account_mails_send(mail_ids=ids)
    mail = AccountMail.objects.get()
    assert (mail.claimed_at, mail.finished_at) == (None, None)  # free for the task's retry


def test_the_sweep_sends_what_a_lost_task_left(db, smtp_server):
    record(newcomer(username="ada"), created=timezone.now() - timedelta(minutes=10))
    record(newcomer(username="bo"))  # its task may still be on the way: not the sweep's yet
    assert invitations.account_mails_send_due() == 1
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]


def test_a_mail_another_worker_is_sending_is_left_to_it(db, smtp_server):
    (mail_id,) = record(newcomer(username="ada"))
    AccountMail.objects.filter(pk=mail_id).update(claimed_at=timezone.now())
    assert invitations.account_mails_send(mail_ids=[mail_id]) == 0
    assert not smtp_server.messages


def test_an_import_of_many_people_is_sent_in_batches(hr, commit, monkeypatch, smtp_server):
    from apps.org import tasks

    batches = []
    monkeypatch.setattr(invitations, "BATCH_SIZE", 4)
    monkeypatch.setattr(tasks.send_account_mails, "delay", lambda ids: batches.append(ids))
    rows = [person(f"E{n}") for n in range(10)]
    with commit():
        jobs.import_job_create(actor=hr, data=csv_file(*rows), filename="p.csv", dry_run=False)
    assert [len(batch) for batch in batches] == [4, 4, 2]
    assert ImportJob.objects.get().applied and not smtp_server.messages  # the batches' tasks send


def test_hr_resends_to_everyone_who_has_not_activated_but_not_twice_within_an_hour(hr, commit, smtp_server):
    newcomer(username="ada")
    newcomer(username="bo")
    PersonFactory(username="cy")  # has a password
    with commit():
        assert invitations.invitations_request_pending(actor=hr) == 2
    with commit():
        assert invitations.invitations_request_pending(actor=hr) == 0
    assert sorted(m["To"] for m in smtp_server.messages) == ["ada@example.com", "bo@example.com"]


def test_the_page_of_people_who_have_not_activated(hr, client, commit, smtp_server):
    ada = newcomer(username="ada", name="Ada Newcomer")
    PersonFactory(username="bo", name="Bo Settled")
    client.force_login(hr)
    page = client.get(reverse("org:people-not-activated")).content.decode()
    assert "Ada Newcomer" in page and "Bo Settled" not in page and "never" in page
    with commit():
        response = client.post(reverse("org:person-invite", args=[ada.pk]), follow=True)
    assert "An invitation to Ada Newcomer is on the way" in response.content.decode()
    assert [m["To"] for m in smtp_server.messages] == [ada.email]


def test_only_hr_and_admins_see_who_has_not_activated(db, client):
    client.force_login(PersonFactory(role="manager"))
    assert client.get(reverse("org:people-not-activated")).status_code == 403
    assert client.post(reverse("org:person-invite", args=[1])).status_code == 403


def test_the_admin_invites_whom_it_creates_without_a_password(db, client, commit, smtp_server):
    admin = PersonFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = {
        "username": "ada",
        "usable_password": "false",
        "name": "Ada",
        "email": "ada@example.com",
        "role": "employee",
    }
    with commit():
        response = client.post(reverse("admin:org_person_add"), form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert not Person.objects.get(username="ada").has_usable_password()
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]
