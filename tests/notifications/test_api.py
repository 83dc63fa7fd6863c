"""notifications/ and me/preferences/ over the API: the caller's own, bad input naming the field."""

import pytest
from rest_framework.test import APIClient

from apps.goals import signals
from apps.goals.models import Goal
from apps.notifications import services
from apps.notifications.models import Notification, Preference
from apps.org.models import Unit

Kind = Notification.Kind


@pytest.fixture
def api():
    def make(person):
        client = APIClient()
        client.force_authenticate(person)
        return client

    return make


def tell(person, text="Look at this.", key=None):
    services.notify(person_id=person.pk, kind=Kind.MENTIONED, text=text, key=key or text, url="/goals/1/")
    return Notification.objects.get(person=person, key=key or text)


def test_the_list_holds_the_callers_own_only(api, cast):
    mine = tell(cast.employee)
    tell(cast.manager, "Not yours.")
    body = api(cast.employee).get("/api/v1/notifications/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert set(body["results"][0]) == {"id", "kind", "text", "url", "created", "read"}
    assert body["results"][0]["read"] is False


def test_unread_filter_and_a_bad_value_names_the_field(api, cast):
    tell(cast.employee, "one")
    read = tell(cast.employee, "two")
    api(cast.employee).post(f"/api/v1/notifications/{read.pk}/read/")
    rows = api(cast.employee).get("/api/v1/notifications/?unread=true").json()["results"]
    assert [row["text"] for row in rows] == ["one"]
    response = api(cast.employee).get("/api/v1/notifications/?unread=maybe")
    assert response.status_code == 400 and "unread" in response.json()


def test_marking_read_answers_the_notification(api, cast):
    mine = tell(cast.employee)
    response = api(cast.employee).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True


@pytest.mark.parametrize("role", ["admin", "manager", "hr", "other_employee"])
def test_nobody_reads_or_marks_anothers_notification(api, cast, role):
    theirs = tell(cast.employee)
    client = api(cast.person(role))
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_marks_only_the_callers_own(api, cast):
    tell(cast.employee, "a")
    tell(cast.employee, "b")
    theirs = tell(cast.manager)
    assert api(cast.employee).post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_without_credentials_401(cast):
    assert APIClient().get("/api/v1/notifications/").status_code == 401
    assert APIClient().get("/api/v1/me/preferences/").status_code == 401


def test_preferences_have_defaults_and_change_by_patch(api, cast):
    client = api(cast.employee)
    assert client.get("/api/v1/me/preferences/").json() == {
        "timezone": "UTC",
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "email_digest": "weekly",
        "checkin_reminders": True,
    }
    change = {
        "timezone": "Asia/Tokyo",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
        "email_digest": "daily",
    }
    response = client.patch("/api/v1/me/preferences/", change, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["quiet_hours_start"] == "22:00"
    saved = Preference.objects.get(person=cast.employee)
    assert (saved.timezone, saved.email_digest) == ("Asia/Tokyo", "daily")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"email_digest": "hourly"}, "email_digest"),
        ({"checkin_reminders": "perhaps"}, "checkin_reminders"),
        ({"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "22:00:00Z", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
    ],
)
def test_bad_preferences_answer_400_naming_the_field_and_change_nothing(api, cast, change, field):
    response = api(cast.employee).patch("/api/v1/me/preferences/", change, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Preference.objects.exists()


# --- What goals tell --------------------------------------------------------------------------------------------


def test_someone_else_changing_my_goal_tells_me_but_my_own_change_does_not(cast):
    signals.goal_changed.send(
        sender=Goal,
        goal=cast.personal,
        actor=cast.manager,
        action="updated",
        changes={"title": ["a", "b"], "why": [1, 2]},
    )
    signals.goal_changed.send(sender=Goal, goal=cast.personal, actor=cast.employee, action="updated", changes={})
    (note,) = Notification.objects.filter(person=cast.employee)
    assert note.kind == Kind.GOAL_CHANGED and note.goal_id == cast.personal.pk
    assert note.text == "Manager changed your goal “Close my first deal” (title)."


def test_a_mention_tells_the_mentioned(cast):
    from apps.goals.models import GoalComment

    comment = GoalComment.objects.create(goal=cast.trans, author=cast.manager, body="@employee look")
    signals.comment_posted.send(sender=GoalComment, comment=comment, mentioned=[cast.employee])
    (note,) = Notification.objects.filter(person=cast.employee, kind=Kind.MENTIONED)
    assert note.url.endswith(f"#comment-{comment.pk}") and "Manager mentioned you" in note.text


# --- units/ checkin_cadence_days ------------------------------------------------------------------------------


def test_a_units_lead_sets_its_check_in_cadence(api, cast):
    response = api(cast.manager).patch(f"/api/v1/units/{cast.team.pk}/", {"checkin_cadence_days": 14}, format="json")
    assert response.status_code == 200 and response.json()["checkin_cadence_days"] == 14
    assert Unit.objects.get(pk=cast.team.pk).checkin_cadence_days == 14


@pytest.mark.parametrize("role", ["employee", "other_employee"])
def test_others_may_not_set_a_units_cadence(api, cast, role):
    response = api(cast.person(role)).patch(
        f"/api/v1/units/{cast.team.pk}/", {"checkin_cadence_days": 3}, format="json"
    )
    assert response.status_code == 403 and "checkin_cadence_days" in response.json()


def test_a_lead_changes_nothing_else_of_the_unit(api, cast):
    response = api(cast.manager).patch(f"/api/v1/units/{cast.team.pk}/", {"name": "Mine now"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("days", [0, 366, "weekly"])
def test_a_bad_cadence_names_the_field(api, cast, days):
    response = api(cast.hr).patch(f"/api/v1/units/{cast.team.pk}/", {"checkin_cadence_days": days}, format="json")
    assert response.status_code == 400 and "checkin_cadence_days" in response.json()
