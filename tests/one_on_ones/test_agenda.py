"""The prepared agenda of the next 1:1, with a fixed cast: the employee's goals off track, stale, at risk, achieved
lately (and long ago), on track; action items open and done; the why questions of their personal goal."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps as django_apps

from apps.goals.models import Goal, GoalStatus, Layer
from apps.one_on_ones import agenda, services
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db
TODAY = date(2027, 6, 30)  # half the FY2027 cycle gone: half way is on schedule
RECENT = datetime(2027, 6, 28, tzinfo=UTC)


def _goal(cast, title: str, *, progress: float, last_activity: datetime, **fields) -> Goal:
    goal = GoalFactory(title=title, layer=Layer.OPERATIONAL, parent=cast.trans, owner=cast.employee, **fields)
    Goal.objects.filter(pk=goal.pk).update(progress=progress, last_activity_at=last_activity)
    return goal


@pytest.fixture
def world(cast):
    """The employee's goals in every state, and a series whose next meeting is tomorrow."""
    series = services.series_create(
        actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=7, next_on=date(2027, 7, 1)
    )
    goals = {
        "off_track": _goal(cast, "Sign ten partners", progress=0.0, last_activity=RECENT),
        "stale": _goal(cast, "Ship the pricing page", progress=0.5, last_activity=datetime(2027, 5, 1, tzinfo=UTC)),
        "at_risk": _goal(cast, "Renew Contoso", progress=0.4, last_activity=RECENT),
        "on_track": _goal(cast, "Keep the CRM clean", progress=0.6, last_activity=RECENT),
        "achieved": _goal(cast, "Hire an SDR", progress=1.0, last_activity=RECENT, status=GoalStatus.ACHIEVED),
        "achieved_long_ago": _goal(cast, "Old win", progress=1.0, last_activity=RECENT, status=GoalStatus.ACHIEVED),
    }
    Goal.objects.filter(pk=goals["at_risk"].pk).update(health_override="at_risk")  # the owner said so
    Goal.objects.filter(pk=goals["achieved"].pk).update(updated=RECENT)
    Goal.objects.filter(pk=goals["achieved_long_ago"].pk).update(updated=datetime(2027, 2, 1, tzinfo=UTC))
    Goal.objects.filter(pk__in=[cast.oper.pk, cast.personal.pk]).update(progress=0.6, last_activity_at=RECENT)
    first = services.meeting_open(actor=cast.manager, series=series, on=date(2027, 6, 24))
    open_item = services.action_item_create(actor=cast.manager, meeting=first, text="Draft the plan")
    done_item = services.action_item_create(actor=cast.employee, meeting=first, text="Book the room")
    services.action_item_update(actor=cast.employee, item=done_item, done=True)
    return {"series": series, "goals": goals, "open_item": open_item}


def _reasons(prepared) -> dict[str, str]:
    return {point.goal.title: point.reason for point in prepared.goals}


def test_it_lists_the_goals_off_track_at_risk_stale_and_newly_achieved(cast, world):
    prepared = agenda.prepare(world["series"], cast.manager, today=TODAY)
    assert _reasons(prepared) == {
        "Sign ten partners": "off_track",
        "Ship the pricing page": "stale",
        "Renew Contoso": "at_risk",
        "Hire an SDR": "achieved",
    }


def test_open_action_items_carry_over_and_done_ones_do_not(cast, world):
    prepared = agenda.prepare(world["series"], cast.manager, today=TODAY)
    assert prepared.action_items == [world["open_item"]]


def test_the_manager_sees_the_why_questions_with_the_reports_own_answers(cast, world):
    prepared = agenda.prepare(world["series"], cast.manager, today=TODAY)
    (point,) = prepared.why
    assert point.goal == cast.personal
    assert dict(point.answers) == {
        "Why does this goal matter to you?": "To prove I can run a sale end to end.",
        "Who do you want to become through it?": "A trusted advisor",
        "What strengths does it let you use?": "",
        "Is this goal your own, expected of you, or pressure?": "My own",
    }
    assert prepared.reflection_goal_ids == [cast.personal.pk]  # the view records the read for the owner to see


def test_the_report_sees_their_own_answers_without_a_read_recorded(cast, world):
    prepared = agenda.prepare(world["series"], cast.employee, today=TODAY)
    assert [point.goal for point in prepared.why] == [cast.personal]
    assert prepared.reflection_goal_ids == []


def test_the_latest_checkins_come_newest_first_with_their_confidence(cast, world):
    from apps.goals import services as goal_services

    goal = world["goals"]["on_track"]
    goal_services.goal_checkin_record(actor=cast.employee, goal=goal, confidence=4, note="Slow week")
    prepared = agenda.prepare(world["series"], cast.manager, today=TODAY)
    assert prepared.checkins[0].goal == goal
    assert prepared.latest_confidence == 4


def test_coaching_advice_is_for_the_manager_only(cast, world):
    assert agenda.coaching_advice(world["series"], cast.employee) == []


def test_nothing_to_prepare_gives_an_empty_agenda(cast):
    early = date(2027, 1, 5)  # the manager's goals are not started yet: no colour, no alarm
    series = services.series_create(
        actor=cast.leader, manager=cast.leader, report=cast.manager, next_on=early + timedelta(days=1)
    )
    prepared = agenda.prepare(series, cast.leader, today=early)
    assert (prepared.goals, prepared.action_items, prepared.why) == ([], [], [])


recognition = pytest.mark.skipif(
    not django_apps.is_installed("apps.recognition"), reason="coaching profiles (issue 13 part 2) are not here"
)


def _profile(person, **answers):
    from apps.recognition.models import CoachingProfile

    return CoachingProfile.objects.create(person=person, **answers)


@recognition
def test_the_strengths_question_is_answered_from_their_coaching_profile(cast, world):
    _profile(cast.employee, strengths=["Listening", "Negotiation"])
    (point,) = agenda.prepare(world["series"], cast.manager, today=TODAY).why
    assert dict(point.answers)["What strengths does it let you use?"] == "Listening, Negotiation"


@recognition
def test_the_manager_gets_the_advice_and_the_persons_note_on_feedback(cast, world):
    _profile(cast.employee, communication="direct", feedback_note="Tell me early.")
    advice = agenda.coaching_advice(world["series"], cast.manager)
    assert advice == ["Direct: be concise, lead with the point.", "In their words: Tell me early."]
    assert agenda.coaching_advice(world["series"], cast.employee) == []
