"""one-on-ones/, meetings/, private notes and action-items/ over the API: the permission matrix (manager, skip-level
manager, the report, a peer, HR, admin), the carried-over action items and bad input."""

from datetime import date

import pytest

from apps.one_on_ones import services

pytestmark = pytest.mark.django_db
OUTSIDERS = ("leader", "other_employee", "hr", "admin")  # leader: the manager above the manager (skip-level)
PARTICIPANTS = ("manager", "employee")


@pytest.fixture
def series(cast):
    return services.series_create(
        actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=7, next_on=date(2027, 3, 1)
    )


@pytest.fixture
def meeting(cast, series):
    meeting = services.meeting_open(actor=cast.manager, series=series)
    services.agenda_item_add(actor=cast.employee, meeting=meeting, text="Training budget")
    services.shared_notes_update(actor=cast.manager, meeting=meeting, shared_notes="We agreed on Q2.")
    services.private_note_save(author=cast.manager, meeting=meeting, body="Seems tired")
    services.private_note_save(author=cast.employee, meeting=meeting, body="Ask for a raise")
    return meeting


def test_the_manager_starts_a_series_with_their_report(cast, as_role):
    response = as_role("manager").post(
        "/api/v1/one-on-ones/", {"manager": cast.manager.pk, "report": cast.employee.pk, "cadence_days": 14}
    )
    assert response.status_code == 201, response.json()
    assert set(response.json()) == {"id", "manager", "report", "cadence_days", "next_on"}


def test_the_report_starts_a_series_with_their_manager(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/one-on-ones/", {"manager": cast.manager.pk, "report": cast.employee.pk}
    )
    assert response.status_code == 201


def test_a_peer_as_manager_is_refused_naming_the_report(cast, as_role):
    response = as_role("other_employee").post(
        "/api/v1/one-on-ones/", {"manager": cast.other_employee.pk, "report": cast.employee.pk}
    )
    assert response.status_code == 400
    assert "report" in response.json()


def test_starting_a_series_for_two_others_is_forbidden(cast, as_role):
    response = as_role("admin").post("/api/v1/one-on-ones/", {"manager": cast.manager.pk, "report": cast.employee.pk})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [({"cadence_days": 0}, "cadence_days"), ({"report": "x"}, "report"), ({"next_on": "soon"}, "next_on")],
)
def test_bad_input_names_the_field(cast, as_role, body, field):
    data = {"manager": cast.manager.pk, "report": cast.employee.pk, **body}
    response = as_role("manager").post("/api/v1/one-on-ones/", data)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", PARTICIPANTS)
def test_participants_see_the_series_and_its_meetings(as_role, series, meeting, role):
    client = as_role(role)
    assert [s["id"] for s in client.get("/api/v1/one-on-ones/").json()["results"]] == [series.pk]
    assert client.get(f"/api/v1/one-on-ones/{series.pk}/").status_code == 200
    meetings = client.get(f"/api/v1/one-on-ones/{series.pk}/meetings/").json()["results"]
    assert [m["id"] for m in meetings] == [meeting.pk]
    body = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert set(body) == {"id", "series", "date", "agenda", "shared_notes", "action_items"}
    assert body["shared_notes"] == "We agreed on Q2."
    assert [item["text"] for item in body["agenda"]] == ["Training budget"]
    assert "Seems tired" not in str(body) and "Ask for a raise" not in str(body)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_else_finds_the_series_or_its_meetings(as_role, series, meeting, role):
    client = as_role(role)
    assert client.get("/api/v1/one-on-ones/").json()["results"] == []
    assert client.get(f"/api/v1/one-on-ones/{series.pk}/").status_code == 404
    assert client.get(f"/api/v1/one-on-ones/{series.pk}/meetings/").status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert client.patch(f"/api/v1/meetings/{meeting.pk}/", {"shared_notes": "x"}).status_code == 404
    assert client.post(f"/api/v1/meetings/{meeting.pk}/agenda/", {"text": "x"}).status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_private_note_is_not_found_for_anyone_else(as_role, meeting, role):
    client = as_role(role)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/private-note/").status_code == 404
    assert client.put(f"/api/v1/meetings/{meeting.pk}/private-note/", {"body": "x"}).status_code == 404


def test_each_participant_reads_only_their_own_private_note(as_role, meeting):
    url = f"/api/v1/meetings/{meeting.pk}/private-note/"
    assert as_role("manager").get(url).json() == {"body": "Seems tired"}
    assert as_role("employee").get(url).json() == {"body": "Ask for a raise"}


def test_the_author_rewrites_their_private_note(as_role, meeting):
    url = f"/api/v1/meetings/{meeting.pk}/private-note/"
    assert as_role("manager").put(url, {"body": "Better today"}).json() == {"body": "Better today"}
    assert as_role("employee").get(url).json() == {"body": "Ask for a raise"}


def test_both_add_to_the_agenda_and_write_the_shared_notes(as_role, meeting):
    response = as_role("manager").post(f"/api/v1/meetings/{meeting.pk}/agenda/", {"text": "Hiring plan"})
    assert response.status_code == 201
    response = as_role("employee").patch(f"/api/v1/meetings/{meeting.pk}/", {"shared_notes": "Both happy."})
    assert response.json()["shared_notes"] == "Both happy."
    assert [item["text"] for item in response.json()["agenda"]] == ["Training budget", "Hiring plan"]


def test_an_empty_agenda_item_names_the_field(as_role, meeting):
    response = as_role("manager").post(f"/api/v1/meetings/{meeting.pk}/agenda/", {"text": " "})
    assert response.status_code == 400
    assert "text" in response.json()


def test_open_action_items_carry_to_the_next_meeting(cast, as_role, series, meeting):
    client = as_role("manager")
    open_item = client.post("/api/v1/action-items/", {"meeting": meeting.pk, "text": "Draft the plan"}).json()
    done = client.post(
        "/api/v1/action-items/", {"meeting": meeting.pk, "text": "Book", "owner": cast.employee.pk}
    ).json()
    assert as_role("employee").patch(f"/api/v1/action-items/{done['id']}/", {"done": True}).json()["done"] is True
    response = client.post(f"/api/v1/one-on-ones/{series.pk}/meetings/", {"date": "2027-03-08"})
    assert response.status_code == 201
    assert [item["id"] for item in response.json()["action_items"]] == [open_item["id"]]
    listed = client.get(f"/api/v1/one-on-ones/{series.pk}/meetings/").json()["results"]
    assert [item["id"] for item in listed[0]["action_items"]] == [open_item["id"]]


def test_an_action_item_for_someone_outside_the_series_names_the_owner(cast, as_role, meeting):
    response = as_role("manager").post(
        "/api/v1/action-items/", {"meeting": meeting.pk, "text": "Call", "owner": cast.hr.pk}
    )
    assert response.status_code == 400
    assert "owner" in response.json()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_else_sees_or_changes_action_items(cast, as_role, meeting, role):
    item = services.action_item_create(actor=cast.manager, meeting=meeting, text="Draft the plan")
    client = as_role(role)
    assert client.get("/api/v1/action-items/").json()["results"] == []
    assert client.get(f"/api/v1/action-items/{item.pk}/").status_code == 404
    assert client.patch(f"/api/v1/action-items/{item.pk}/", {"done": True}).status_code == 404
    assert client.post("/api/v1/action-items/", {"meeting": meeting.pk, "text": "x"}).status_code == 400


def test_the_manager_reads_the_prepared_agenda_and_the_read_of_the_why_is_recorded(cast, as_role, series, meeting):
    from apps.goals.models import ReflectionRead

    services.action_item_create(actor=cast.manager, meeting=meeting, text="Draft the plan")
    body = as_role("manager").get(f"/api/v1/one-on-ones/{series.pk}/agenda/").json()
    assert set(body) == {"on", "goals", "checkins", "action_items", "why", "advice"}
    assert [item["text"] for item in body["action_items"]] == ["Draft the plan"]
    (why,) = body["why"]
    assert why["goal"] == cast.personal.pk
    assert why["answers"][0] == {
        "question": "Why does this goal matter to you?",
        "answer": "To prove I can run a sale end to end.",
    }
    assert ReflectionRead.objects.filter(goal=cast.personal, reader=cast.manager, channel="api").exists()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_else_reads_the_prepared_agenda(as_role, series, role):
    assert as_role(role).get(f"/api/v1/one-on-ones/{series.pk}/agenda/").status_code == 404


def test_listing_meetings_costs_the_same_queries_however_many_there_are(cast, as_role, series):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_role("manager")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/one-on-ones/{series.pk}/meetings/").status_code == 200
        return len(captured)

    def add_meeting(n: int) -> None:
        meeting = services.meeting_open(actor=cast.manager, series=series, on=series.next_on + timedelta(days=7 * n))
        services.agenda_item_add(actor=cast.employee, meeting=meeting, text=f"Point {n}")
        services.action_item_create(actor=cast.manager, meeting=meeting, text=f"Item {n}")

    add_meeting(0)
    one = queries()
    for n in range(1, 6):
        add_meeting(n)
    assert queries() == one
