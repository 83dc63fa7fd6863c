"""The pages: the header's unread count, the list with mark-read, the preferences (and a team's cadence)."""

from django.urls import reverse

from apps.notifications import services
from apps.notifications.models import Notification, Preference
from apps.org.models import Unit

Kind = Notification.Kind


def tell(person, text="Look at this.", url="/goals/1/"):
    services.notify(person_id=person.pk, kind=Kind.MENTIONED, text=text, key=text, url=url)
    return Notification.objects.get(person=person, key=text)


def test_the_header_shows_the_unread_count(client, cast):
    tell(cast.employee, "a")
    tell(cast.employee, "b")
    client.force_login(cast.employee)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert '<span class="badge">2<span class="sr-only"> unread</span></span>' in page


def test_the_list_shows_mine_and_marks_one_read(client, cast):
    mine = tell(cast.employee, "Mine to read")
    tell(cast.manager, "The manager's")
    client.force_login(cast.employee)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Mine to read" in page and "The manager&#x27;s" not in page and "The manager's" not in page
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"next": "follow"})
    assert response.status_code == 302 and response["Location"] == "/goals/1/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_anothers_notification_cannot_be_marked_read_from_the_page(client, cast):
    theirs = tell(cast.manager)
    client.force_login(cast.employee)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404


def test_read_all_from_the_page(client, cast):
    tell(cast.employee, "a")
    tell(cast.employee, "b")
    client.force_login(cast.employee)
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(person=cast.employee, read_at__isnull=True).exists()


def test_the_preferences_page_saves_and_names_a_bad_field(client, cast):
    client.force_login(cast.employee)
    data = {
        "timezone": "America/New_York",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "",
        "email_digest": "daily",
    }
    page = client.post(reverse("notifications:preferences"), data).content.decode()
    assert "Quiet hours need both a start and an end" in page and not Preference.objects.exists()
    data["quiet_hours_end"] = "07:00"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    saved = Preference.objects.get(person=cast.employee)
    assert (saved.timezone, saved.email_digest, saved.checkin_reminders) == ("America/New_York", "daily", False)


def test_a_lead_sets_their_teams_cadence_on_the_preferences_page(client, cast):
    client.force_login(cast.manager)
    assert "APAC team: check in every (days)" in client.get(reverse("notifications:preferences")).content.decode()
    client.post(reverse("notifications:unit-cadence", args=[cast.team.pk]), {"checkin_cadence_days": "14"})
    assert Unit.objects.get(pk=cast.team.pk).checkin_cadence_days == 14


def test_someone_else_may_not_set_the_teams_cadence(client, cast):
    client.force_login(cast.employee)
    response = client.post(reverse("notifications:unit-cadence", args=[cast.team.pk]), {"checkin_cadence_days": "1"})
    assert response.status_code == 403
    assert Unit.objects.get(pk=cast.team.pk).checkin_cadence_days == 7


def test_the_pages_need_a_sign_in(client, db):
    for name in ("notifications:list", "notifications:preferences"):
        assert client.get(reverse(name)).status_code == 302
