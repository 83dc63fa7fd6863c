"""Check-ins due, reminders, escalation and off-track goals: the scans, with "now" passed in (no clock mocked)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Health, Layer
from apps.notifications import scans
from apps.notifications.models import Notification, OffTrackEpisode, Preference
from apps.org import services as org_services
from tests.factories import GoalFactory, MetricFactory, PersonFactory, UnitFactory

Kind = Notification.Kind
DAY = timedelta(days=1)


@pytest.fixture
def team(db):
    boss = PersonFactory(username="boss", role="manager")
    unit = UnitFactory(name="Squad", lead=boss)
    ada = PersonFactory(username="ada", unit=unit, manager=boss)
    return unit, boss, ada


def own_goal(person, **kwargs):
    return GoalFactory(layer=Layer.PERSONAL, owner=person, unit=person.unit, **kwargs)


def reminders(person):
    return list(Notification.objects.filter(person=person, kind=Kind.CHECKIN_DUE))


def test_a_goal_without_a_check_in_for_a_week_reminds_its_owner(team):
    _, _, ada = team
    own_goal(ada)
    now = timezone.now()
    assert scans.checkin_reminders_scan(now=now + 6 * DAY)["reminders"] == 0
    assert scans.checkin_reminders_scan(now=now + 8 * DAY)["reminders"] == 1
    (reminder,) = reminders(ada)
    assert reminder.text == "One of your goals needs a check-in." and reminder.url == "/check-in/"


def test_scanning_twice_reminds_once(team):
    _, _, ada = team
    own_goal(ada)
    later = timezone.now() + 8 * DAY
    scans.checkin_reminders_scan(now=later)
    scans.checkin_reminders_scan(now=later + timedelta(hours=1))
    assert len(reminders(ada)) == 1


def test_a_recent_check_in_skips_the_reminder(team):
    _, _, ada = team
    metric = MetricFactory(goal=own_goal(ada), target=10)
    goal_services.checkin_record(actor=ada, metric=metric, value=3, confidence=7)
    assert scans.checkin_reminders_scan(now=timezone.now() + 5 * DAY)["reminders"] == 0
    assert reminders(ada) == []


def test_the_units_cadence_decides_when_a_check_in_is_due(team):
    unit, boss, ada = team
    org_services.unit_set_checkin_cadence(actor=boss, unit=unit, days=14)
    own_goal(ada)
    assert scans.checkin_reminders_scan(now=timezone.now() + 8 * DAY)["reminders"] == 0
    assert scans.checkin_reminders_scan(now=timezone.now() + 15 * DAY)["reminders"] == 1


def test_reminders_off_means_no_reminder(team):
    _, _, ada = team
    own_goal(ada)
    Preference.objects.create(person=ada, checkin_reminders=False)
    scans.checkin_reminders_scan(now=timezone.now() + 30 * DAY)
    assert reminders(ada) == []


def test_archived_draft_and_achieved_goals_are_never_due(team):
    _, _, ada = team
    own_goal(ada, status=GoalStatus.DRAFT)
    own_goal(ada, status=GoalStatus.ACHIEVED)
    archived = own_goal(ada)
    Goal.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    assert scans.checkin_reminders_scan(now=timezone.now() + 30 * DAY)["reminders"] == 0


def test_after_two_missed_reminders_the_manager_is_told_once_and_the_person_not_reminded_again(team):
    _, boss, ada = team
    own_goal(ada)
    start = timezone.now()
    for week in (1, 2, 3, 4, 5):
        scans.checkin_reminders_scan(now=start + (7 * week + 1) * DAY)
    assert len(reminders(ada)) == 2
    (escalation,) = Notification.objects.filter(kind=Kind.ESCALATION)
    assert escalation.person == boss and "Ada missed 2 check-in reminders" in escalation.text


def test_checking_in_ends_the_episode_and_puts_its_reminders_away(team):
    _, _, ada = team
    metric = MetricFactory(goal=own_goal(ada), target=10)
    start = timezone.now()
    scans.checkin_reminders_scan(now=start + 8 * DAY)
    goal_services.checkin_record(actor=ada, metric=metric, value=3, confidence=7)
    scans.checkin_reminders_scan(now=timezone.now() + DAY)
    (reminder,) = reminders(ada)
    assert reminder.read_at is not None
    assert not ada.__class__.objects.filter(pk=ada.pk, reminder_state__isnull=False).exists()


def test_the_reminder_scan_costs_the_same_queries_for_many_people(team, django_assert_max_num_queries):
    unit, _, _ = team
    for n in range(30):
        own_goal(PersonFactory(username=f"p{n}", unit=unit))
    with django_assert_max_num_queries(12):
        counts = scans.checkin_reminders_scan(now=timezone.now() + 8 * DAY)
    assert counts["reminders"] == 30


# --- Off track under my goal ----------------------------------------------------------------------------------


def off_track(goal):
    """As an owner's check-in saying "off track" leaves it."""
    now = timezone.now()
    Goal.objects.filter(pk=goal.pk).update(health_override=Health.OFF_TRACK, last_checkin_at=now, last_activity_at=now)


def test_the_parents_owner_is_told_once_when_a_goal_under_theirs_goes_off_track(cast):
    off_track(cast.oper)  # Hire three (employee) under Grow APAC (manager)
    assert scans.off_track_scan() == 1
    assert scans.off_track_scan() == 0
    (note,) = Notification.objects.filter(kind=Kind.OFF_TRACK_BELOW)
    assert note.person == cast.manager and "“Hire three” (Employee), under your “Grow APAC”, is off track." == note.text


def test_back_on_track_then_off_again_is_a_new_episode(cast):
    off_track(cast.oper)
    scans.off_track_scan()
    Goal.objects.filter(pk=cast.oper.pk).update(health_override=Health.ON_TRACK)
    scans.off_track_scan()
    assert not OffTrackEpisode.objects.exists()
    off_track(cast.oper)
    scans.off_track_scan(now=timezone.now() + DAY)
    assert Notification.objects.filter(kind=Kind.OFF_TRACK_BELOW, person=cast.manager).count() == 2


def test_a_personal_goal_off_track_tells_only_a_parent_owner_who_manages_its_owner(cast):
    off_track(cast.personal)  # employee's, under oper (employee's own): nobody else to tell
    off_track(cast.other_personal)  # other_employee's, under their own other_trans
    stranger = PersonFactory(username="stranger", unit=cast.team)
    peer_goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.trans, owner=stranger, unit=cast.team, title="Peer")
    off_track(peer_goal)  # under the manager's Grow APAC, but the manager is not stranger's manager
    assert scans.off_track_scan() == 0
    stranger.manager = cast.manager
    stranger.save()
    assert scans.off_track_scan() == 1


def test_no_notification_carries_a_personal_goals_private_reflection(cast):
    off_track(cast.personal)
    Goal.objects.filter(pk=cast.oper.pk).update(owner=cast.manager)  # now the manager owns the parent
    scans.off_track_scan()
    texts = " ".join(Notification.objects.values_list("text", flat=True))
    assert "Close my first deal" in texts
    assert "prove I can run" not in texts and "trusted advisor" not in texts
