"""Coaching profiles, wins and recognitions: who reads and who writes (the cast: manager, skip-level manager =
leader, the report = employee, a peer = other_employee, HR, admin)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.goals import services as goals
from apps.goals.models import GoalStatus
from apps.notifications.models import Notification
from apps.recognition import services
from apps.recognition.coaching import advice
from apps.recognition.models import CoachingProfile, Win
from tests.cast import build_cast
from tests.picking import as_one_types

# Who reads the employee's coaching profile (DESIGN.md "Whose words are whose").
PROFILE_READERS = {
    "employee": True,
    "manager": True,
    "leader": True,
    "other_employee": False,
    "hr": False,
    "admin": False,
}
ANSWERS = {"communication": "direct", "decisions": "feelings", "recognition": "team", "strengths": ["Listening"]}


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def profile(cast):
    return services.coaching_profile_update(
        actor=cast.employee, person=cast.employee, feedback_note="In private", **ANSWERS
    )


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def page(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_advice_follows_each_answer(profile):
    assert advice(profile) == [
        "Direct: be concise, lead with the point.",
        "Feelings: leave room, listen first.",
        "Team: credit the team's shared win.",
    ]


def test_advice_says_nothing_of_what_was_not_said():
    assert advice(CoachingProfile(communication="tactful")) == ["Tactful: pair feedback with encouragement."]
    assert advice(None) == []


@pytest.mark.parametrize(("role", "reads"), PROFILE_READERS.items())
def test_profile_api_is_read_by_the_person_and_their_manager_chain_only(cast, profile, role, reads):
    answer = api(cast.person(role)).get(f"/api/v1/people/{cast.employee.pk}/coaching-profile/")
    assert answer.status_code == (200 if reads else 404)
    if reads:
        assert answer.json()["feedback_note"] == "In private"


@pytest.mark.parametrize(("role", "reads"), PROFILE_READERS.items())
def test_profile_page_is_read_by_the_person_and_their_manager_chain_only(cast, profile, role, reads):
    answer = page(cast.person(role)).get(f"/people/{cast.employee.pk}/coaching/")
    assert answer.status_code == (200 if reads else 404)
    if reads:
        assert "leave room, listen first" in answer.content.decode()


@pytest.mark.parametrize("role", ["manager", "leader"])
def test_manager_chain_may_not_write_the_profile(cast, profile, role):
    answer = api(cast.person(role)).patch(
        f"/api/v1/people/{cast.employee.pk}/coaching-profile/", {"decisions": "facts"}
    )
    assert answer.status_code == 403
    assert CoachingProfile.objects.get().decisions == "feelings"


def test_person_writes_their_profile(cast):
    answer = api(cast.employee).put(f"/api/v1/people/{cast.employee.pk}/coaching-profile/", ANSWERS, format="json")
    assert answer.status_code == 200
    assert answer.json()["advice"][0] == "Direct: be concise, lead with the point."


def test_strengths_are_bounded(cast):
    url = f"/api/v1/people/{cast.employee.pk}/coaching-profile/"
    assert api(cast.employee).patch(url, {"strengths": ["x"] * 11}, format="json").status_code == 400
    assert api(cast.employee).patch(url, {"strengths": ["x" * 101]}, format="json").status_code == 400


def test_own_profile_page_saves_answers(cast):
    client = page(cast.employee)
    body = {"communication": "tactful", "decisions": "facts", "recognition": "individual", "strengths": "Data\nCalm"}
    assert client.post("/me/coaching/", {**body, "feedback_note": ""}).status_code == 302
    assert CoachingProfile.objects.get(person=cast.employee).strengths == ["Data", "Calm"]


def test_admin_site_does_not_list_profiles(cast, profile):
    assert page(cast.admin).get("/admin/recognition/coachingprofile/").status_code == 404


def test_metric_crossing_half_and_full_are_wins_once(cast):
    metric = cast.personal_metric  # start 0 → target (see the cast)
    half = metric.start + (metric.target - metric.start) / 2
    goals.checkin_record(actor=cast.employee, metric=metric, value=half, confidence=5)
    goals.checkin_record(actor=cast.employee, metric=metric, value=metric.start, confidence=5)
    goals.checkin_record(actor=cast.employee, metric=metric, value=metric.target, confidence=5)
    assert sorted(Win.objects.filter(kind="milestone").values_list("milestone", flat=True)) == [50, 100]


def test_goal_achieved_is_a_win(cast):
    goals.goal_update(actor=cast.employee, goal=cast.personal, status=GoalStatus.ACHIEVED)
    assert Win.objects.get(kind="goal_achieved").person == cast.employee


WIN_VIEWERS = {
    # visibility: who sees a recognition of the employee sent by other_employee
    "public": {"employee", "manager", "leader", "other_employee", "hr", "admin"},
    "manager": {"employee", "manager", "leader", "other_employee"},
    "private": {"employee", "other_employee"},
}


@pytest.mark.parametrize("visibility", WIN_VIEWERS)
@pytest.mark.parametrize("role", ["employee", "manager", "leader", "other_employee", "hr", "admin"])
def test_recognition_is_seen_as_its_visibility_says(cast, visibility, role):
    body = {"to": cast.employee.pk, "message": "Thanks for the demo", "visibility": visibility}
    assert api(cast.other_employee).post("/api/v1/recognitions/", body, format="json").status_code == 201
    texts = [win["text"] for win in api(cast.person(role)).get("/api/v1/wins/").json()["results"]]
    assert ("Thanks for the demo" in texts) is (role in WIN_VIEWERS[visibility])


def test_recognised_person_is_notified(cast):
    services.recognition_create(actor=cast.manager, to=cast.employee, message="Great call")
    assert Notification.objects.filter(person=cast.employee, kind="recognised").exists()


def test_recognition_may_not_name_a_goal_the_sender_cannot_see(cast):
    body = {"to": cast.employee.pk, "goal": cast.personal.pk, "message": "Well done"}
    answer = api(cast.other_employee).post("/api/v1/recognitions/", body, format="json")
    assert answer.status_code == 400
    assert "goal" in answer.json()


def test_win_on_a_hidden_goal_is_hidden(cast):
    goals.goal_update(actor=cast.employee, goal=cast.personal, status=GoalStatus.ACHIEVED)
    assert api(cast.other_employee).get("/api/v1/wins/").json()["results"] == []
    assert len(api(cast.manager).get("/api/v1/wins/").json()["results"]) == 1


def test_team_first_for_who_prefers_team_recognition(cast, profile):
    services.recognition_create(actor=cast.leader, to=cast.manager, message="Team member")  # APAC team
    services.recognition_create(actor=cast.leader, to=cast.other_employee, message="Other team")
    texts = [win["text"] for win in api(cast.employee).get("/api/v1/wins/").json()["results"]]
    assert texts == ["Team member", "Other team"]


def test_home_page_shows_wins_and_a_way_to_recognise(cast):
    services.recognition_create(actor=cast.leader, to=cast.employee, message="Shipped it")
    body = page(cast.employee).get("/").content.decode()
    assert "Shipped it" in body
    assert "/recognise/" in body


def test_recognise_page_records_a_recognition(cast):
    body = {"to": cast.employee.pk, "message": "Thanks", "visibility": "manager", "goal": ""}
    assert page(cast.other_employee).post("/recognise/", body).status_code == 302
    assert Win.objects.get(kind="recognition").visibility == "manager"


def test_who_sees_a_managers_only_recognition_is_asked_of_the_database_not_listed(cast):
    """The manager chain is a subquery: the wins query of a leader over a whole organisation carries no list of
    their reports or of the units under them (100,000 ids cost the home page seconds)."""
    from apps.org.models import Unit
    from apps.recognition.selectors import wins_visible_to
    from tests.factories import PersonFactory, UnitFactory

    before = str(wins_visible_to(cast.leader).query)
    for n in range(30):
        unit = UnitFactory(name=f"Sub {n}", kind=Unit.Kind.TEAM, parent=cast.team)
        PersonFactory(unit=unit, manager=cast.manager)
    cast.leader.__dict__.pop("_access", None)  # what the leader's access knows is read once per request
    assert str(wins_visible_to(cast.leader).query) == before


@pytest.fixture
def searched(monkeypatch):
    """An organisation past the pickers' threshold: whom to recognise and for which goal are found by searching."""
    from apps.core import picker

    monkeypatch.setattr(picker, "THRESHOLD", 2)


def test_in_a_large_organisation_whom_to_recognise_is_searched_not_listed(cast, searched):
    body = page(cast.other_employee).get("/recognise/").content.decode()
    assert '<select name="to"' not in body and '<select name="goal"' not in body
    assert 'name="to_q"' in body and 'name="goal_q"' in body
    assert "Close my first deal" not in body  # no goal is listed before anything is typed


def test_the_search_finds_the_person_and_the_form_posts_them(cast, searched):
    client = page(cast.other_employee)
    options = client.get("/people/options/", {"name": "to", "to_q": "employee"}).content.decode()
    assert f'value="{cast.employee.pk}"' in options
    body = {"to": cast.employee.pk, "message": "Thanks", "visibility": "public", "goal": cast.oper.pk}
    assert client.post("/recognise/", body).status_code == 302
    assert Win.objects.get(kind="recognition").goal_id == cast.oper.pk


def test_without_javascript_find_shows_the_matches_and_keeps_what_was_typed(cast, searched):
    body = {"to_q": "employee", "to_find": "1", "message": "Thanks for the demo", "visibility": "public"}
    response = page(cast.other_employee).post("/recognise/", body)
    text = response.content.decode()
    assert response.status_code == 200 and not Win.objects.exists()
    assert f'value="{cast.employee.pk}"' in text and "Thanks for the demo" in text
    assert 'class="error"' not in text  # looking, not submitting: no errors yet


@pytest.mark.parametrize("role", ["employee", "manager", "leader", "other_employee", "hr", "admin"])
def test_the_goal_search_finds_only_goals_the_sender_may_see(cast, searched, role):
    """An employee's draft personal goal is theirs: nobody else finds it by its title (the rule of visible goals)."""
    from apps.goals.permissions import can_view_goal

    draft = cast.draft_personal
    options = page(cast.person(role)).get("/recognise/goal-options/", {"goal_q": draft.title[:6]}).content.decode()
    assert (f'value="{draft.pk}"' in options) is can_view_goal(cast.person(role), draft)
    assert (f'value="{draft.pk}"' in options) is (role in ("employee", "leader", "admin"))


def test_a_goal_the_sender_may_not_see_is_refused_however_it_is_posted(cast, searched):
    body = {"to": cast.employee.pk, "message": "Thanks", "visibility": "public", "goal": cast.draft_personal.pk}
    response = page(cast.other_employee).post("/recognise/", body)
    assert response.status_code == 400 and not Win.objects.exists()


def test_each_picker_of_the_page_answersas_one_types(cast, searched):
    client = page(cast.other_employee)
    html = client.get("/recognise/").content.decode()
    people = as_one_types(client, html, "to", "employee")
    assert f'name="to" value="{cast.employee.pk}"' in people
    goals = as_one_types(client, html, "goal", "Hire three")
    assert f'name="goal" value="{cast.oper.pk}"' in goals
