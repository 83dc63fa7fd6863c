"""The 1:1 pages: my series, starting one, the meeting page; a private note shows only to its author, and the
pages do not exist for anyone but the two participants (the manager above, a peer, HR, admins)."""

import pytest

from apps.goals.models import ReflectionRead
from apps.one_on_ones import services
from apps.one_on_ones.models import AgendaItem, Series

pytestmark = pytest.mark.django_db
OUTSIDERS = ("leader", "other_employee", "hr", "admin")


@pytest.fixture
def written(cast, meeting):
    services.agenda_item_add(actor=cast.employee, meeting=meeting, text="Training budget")
    services.shared_notes_update(actor=cast.manager, meeting=meeting, shared_notes="We agreed on Q2.")
    services.private_note_save(author=cast.manager, meeting=meeting, body="Seems tired")
    services.private_note_save(author=cast.employee, meeting=meeting, body="Ask for a raise")
    return meeting


def _page(client, person, url):
    client.force_login(person)
    return client.get(url)


def test_my_series_are_listed(client, cast, series):
    page = _page(client, cast.employee, "/one-on-ones/")
    assert page.status_code == 200
    assert f"/one-on-ones/{series.pk}/".encode() in page.content


def test_a_manager_starts_a_series_with_a_report_from_the_page(client, cast):
    client.force_login(cast.manager)
    response = client.post("/one-on-ones/", {"other": cast.employee.pk, "cadence_days": 14, "next_on": "2027-03-01"})
    series = Series.objects.get()
    assert response.status_code == 302
    assert (series.manager, series.report, series.cadence_days) == (cast.manager, cast.employee, 14)


def test_the_report_starts_a_series_with_their_manager_from_the_page(client, cast):
    client.force_login(cast.employee)
    client.post("/one-on-ones/", {"other": cast.manager.pk, "cadence_days": 7, "next_on": "2027-03-01"})
    assert Series.objects.filter(manager=cast.manager, report=cast.employee).exists()


def test_the_meeting_page_shows_each_their_own_private_note_only(client, cast, series, written):
    manager_page = _page(client, cast.manager, f"/one-on-ones/{series.pk}/").content.decode()
    assert "Seems tired" in manager_page and "Ask for a raise" not in manager_page
    assert "We agreed on Q2." in manager_page and "Training budget" in manager_page
    report_page = _page(client, cast.employee, f"/one-on-ones/{series.pk}/").content.decode()
    assert "Ask for a raise" in report_page and "Seems tired" not in report_page


def test_the_manager_sees_the_why_questions_and_the_read_is_recorded(client, cast, series):
    page = _page(client, cast.manager, f"/one-on-ones/{series.pk}/").content.decode()
    assert "Why does this goal matter to you?" in page
    assert "To prove I can run a sale end to end." in page
    assert ReflectionRead.objects.filter(goal=cast.personal, reader=cast.manager).exists()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_meeting_page_does_not_exist_for_anyone_else(client, cast, series, written, role):
    person = cast.person(role)
    assert _page(client, person, f"/one-on-ones/{series.pk}/").status_code == 404
    for action in ("agenda", "shared-notes", "private-note", "action-items"):
        assert client.post(f"/one-on-ones/{series.pk}/{action}/", {"text": "x", "body": "x"}).status_code == 404
    listed = client.get("/one-on-ones/").content.decode()
    assert f"/one-on-ones/{series.pk}/" not in listed


def test_both_add_to_the_agenda_from_the_page(client, cast, series):
    for person in (cast.manager, cast.employee):
        client.force_login(person)
        response = client.post(f"/one-on-ones/{series.pk}/agenda/", {"text": f"From {person}"})
        assert response.status_code == 302
    assert AgendaItem.objects.count() == 2


def test_an_empty_agenda_item_is_refused_with_a_message(client, cast, series):
    client.force_login(cast.manager)
    response = client.post(f"/one-on-ones/{series.pk}/agenda/", {"text": ""}, follow=True)
    assert AgendaItem.objects.count() == 0
    assert b"required" in response.content


def test_an_action_item_is_marked_done_from_the_page(client, cast, series, meeting):
    item = services.action_item_create(actor=cast.manager, meeting=meeting, text="Draft the plan")
    client.force_login(cast.employee)
    client.post(f"/one-on-ones/action-items/{item.pk}/done/", {"done": "true"})
    item.refresh_from_db()
    assert item.done


def test_the_header_links_to_the_1_1s(client, cast):
    assert b'href="/one-on-ones/"' in _page(client, cast.hr, "/").content
