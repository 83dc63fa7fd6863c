"""The rules of 1:1s, at the service level: who may pair, who may write, whose private note is whose."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.one_on_ones import permissions, selectors, services
from apps.one_on_ones.models import PrivateNote, Series

pytestmark = pytest.mark.django_db


def test_the_report_may_start_a_series_with_their_manager(cast):
    series = services.series_create(actor=cast.employee, manager=cast.manager, report=cast.employee)
    assert (series.manager, series.report, series.cadence_days) == (cast.manager, cast.employee, 7)


def test_a_lead_of_a_unit_above_the_report_may_pair_with_them(cast):
    # leader leads Sales, above the APAC team the employee is in
    assert permissions.may_pair(cast.leader, cast.employee)


def test_a_peer_may_not_be_the_manager_of_a_series(cast):
    with pytest.raises(ValidationError) as error:
        services.series_create(actor=cast.other_employee, manager=cast.other_employee, report=cast.employee)
    assert "report" in error.value.message_dict


def test_hr_may_not_pair_with_someone_outside_their_units(cast):
    assert not permissions.may_pair(cast.hr, cast.employee)


def test_nobody_starts_a_series_for_two_others(cast):
    with pytest.raises(PermissionDenied):
        services.series_create(actor=cast.admin, manager=cast.manager, report=cast.employee)


def test_a_pair_has_one_series(cast, series):
    with pytest.raises(ValidationError) as error:
        services.series_create(actor=cast.employee, manager=cast.manager, report=cast.employee)
    assert "report" in error.value.message_dict


def test_a_cadence_outside_one_to_365_days_names_the_field(cast):
    with pytest.raises(ValidationError) as error:
        services.series_create(actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=0)
    assert "cadence_days" in error.value.message_dict


@pytest.mark.parametrize("role", ["leader", "other_employee", "hr", "admin"])
def test_only_the_two_participants_see_the_series(cast, series, role):
    assert not selectors.series_of(cast.person(role)).exists()
    assert list(selectors.series_of(cast.manager)) == [series]
    assert list(selectors.series_of(cast.employee)) == [series]


@pytest.mark.parametrize("role", ["leader", "other_employee", "hr", "admin"])
def test_outsiders_may_not_add_to_the_agenda(cast, meeting, role):
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=cast.person(role), meeting=meeting, text="Me too")


def test_both_participants_add_to_the_agenda(cast, meeting):
    services.agenda_item_add(actor=cast.manager, meeting=meeting, text="Hiring plan")
    services.agenda_item_add(actor=cast.employee, meeting=meeting, text="Training budget")
    assert [item.text for item in meeting.agenda_items.all()] == ["Hiring plan", "Training budget"]


def test_an_empty_agenda_item_names_the_field(cast, meeting):
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(actor=cast.manager, meeting=meeting, text="  ")
    assert "text" in error.value.message_dict


def test_an_action_item_belongs_to_a_participant(cast, meeting):
    with pytest.raises(ValidationError) as error:
        services.action_item_create(actor=cast.manager, meeting=meeting, text="Call", owner=cast.hr)
    assert "owner" in error.value.message_dict


def test_open_action_items_carry_over_until_done(cast, series, meeting):
    open_item = services.action_item_create(actor=cast.manager, meeting=meeting, text="Draft the plan")
    done_item = services.action_item_create(actor=cast.employee, meeting=meeting, text="Book the room")
    services.action_item_update(actor=cast.employee, item=done_item, done=True)
    later = services.meeting_open(actor=cast.employee, series=series, on=meeting.date + timedelta(days=7))
    assert list(selectors.action_items_for(later)) == [open_item]


def test_each_participant_has_their_own_private_note(cast, meeting):
    services.private_note_save(author=cast.manager, meeting=meeting, body="Seems tired")
    services.private_note_save(author=cast.employee, meeting=meeting, body="Ask for a raise")
    assert selectors.private_note(meeting, cast.manager).body == "Seems tired"
    assert selectors.private_note(meeting, cast.employee).body == "Ask for a raise"
    assert PrivateNote.objects.count() == 2


@pytest.mark.parametrize("role", ["leader", "other_employee", "hr", "admin"])
def test_outsiders_write_no_private_note_on_the_meeting(cast, meeting, role):
    with pytest.raises(PermissionDenied):
        services.private_note_save(author=cast.person(role), meeting=meeting, body="Peek")


def test_a_series_whose_date_passed_rolls_forward_by_whole_cadences(cast):
    series = services.series_create(
        actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=7, next_on=date(2027, 3, 1)
    )
    assert services.series_roll_forward(today=date(2027, 3, 10)) == 1
    assert Series.objects.get(pk=series.pk).next_on == date(2027, 3, 15)


def test_the_django_admin_has_no_page_for_private_notes_or_meetings(cast, meeting, client):
    services.private_note_save(author=cast.manager, meeting=meeting, body="Seems tired")
    client.force_login(cast.admin)
    for model in ("privatenote", "meeting", "agendaitem", "actionitem"):
        assert client.get(f"/admin/one_on_ones/{model}/").status_code == 404
    page = client.get("/admin/one_on_ones/series/")
    assert page.status_code == 200
    assert b"Seems tired" not in page.content
