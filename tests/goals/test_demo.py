"""The demo organisation: the cascade from the product brief, rolled up, with logins that work."""

import io
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from apps.goals import demo, rollup, tree
from apps.goals.models import Goal, Layer


@pytest.fixture
def seeded(db, commit):
    with commit():
        call_command("seed_demo", stdout=io.StringIO())


def test_it_builds_the_revenue_cascade_from_the_brief(seeded):
    revenue = Goal.objects.get(title="Increase revenue from $100m to $200m", layer=Layer.INTENT)
    children = set(Goal.objects.filter(parent=revenue).values_list("title", flat=True))
    assert children == {"Grow US territory sales by 30%", "Grow UK sales by 50%", "Generate 20% of sales in APAC"}
    hire = Goal.objects.get(title="Hire 3 sales people and ramp each to $6m ARR")
    assert (hire.layer, hire.parent.title) == (Layer.OPERATIONAL, "Generate 20% of sales in APAC")
    assert Goal.objects.filter(parent=hire, layer=Layer.PERSONAL).count() == 3


def test_it_builds_the_digital_transformation_cascade(seeded):
    digital = Goal.objects.get(title="Accelerate digital transformation")
    assert set(Goal.objects.filter(parent=digital).values_list("title", flat=True)) == {
        "Adopt digital tools to shorten sales cycles",
        "Increase machine uptime using predictive analytics",
        "Digitise onboarding and performance reviews",
    }


def test_progress_is_rolled_up_and_agrees_with_a_full_recompute(seeded):
    revenue = Goal.objects.get(title="Increase revenue from $100m to $200m")
    metric = revenue.metrics.get()
    assert revenue.measured_progress == pytest.approx(
        float((metric.current - metric.start) / (metric.target - metric.start))
    )
    assert revenue.rollup_progress is not None and revenue.rollup_progress > 0
    assert rollup.recompute_all() == 0
    assert tree.find_drift() == []


def test_every_printed_login_works(seeded):
    for login in demo.LOGINS:
        person = authenticate(username=login.username, password=login.password)
        assert person is not None and person.role == login.role


def test_seeding_twice_changes_nothing(seeded, capsys):
    count = Goal.objects.count()
    call_command("seed_demo")
    assert Goal.objects.count() == count
    out = capsys.readouterr().out
    assert "already present" in out and "lena" in out and demo.DEMO_PASSWORD in out


@pytest.mark.parametrize("today", [date(2026, 1, 2), date(2026, 11, 30), date(2027, 7, 15)])
def test_a_first_look_finds_a_realistic_mix_whatever_the_day(db, commit, today):
    """Issue 12: a cycle around today, a mix of on track, at risk and off track, and every list of the HR report
    with something in it (a stale goal, an alignment gap over 25 points, a copied title)."""
    from apps.goals.selectors import goal_health
    from apps.reports.selectors import alignment_summary

    with commit():
        demo.seed_demo(today=today)
    goals = list(Goal.objects.select_related("cycle"))
    healths = Counter(goal_health(goal, today=today) for goal in goals)
    assert healths["on_track"] >= 3 and healths["at_risk"] >= 2 and healths["off_track"] >= 2, healths
    assert healths[None] == 1  # the goal set three days ago is not started: no colour
    report = alignment_summary(today=today)
    assert [goal.title for goal in report.stale_goals] == ["Learn conversational Mandarin"]
    # APAC's share of sales lags while the hiring below it races ahead.
    assert "Generate 20% of sales in APAC" in [goal.title for goal in report.alignment_gaps]
    assert [goal.title for goal, _ in report.first_copies] == ["Grow UK sales by 50 %"]
    assert report.totals.at_risk >= 2 and report.totals.off_track >= 2
