"""The demo organisation: the cascade from the product brief, rolled up, with logins that work."""

import io

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
    assert Goal.objects.filter(parent=hire, layer=Layer.PERSONAL).count() == 2


def test_it_builds_the_digital_transformation_cascade(seeded):
    digital = Goal.objects.get(title="Accelerate digital transformation")
    assert set(Goal.objects.filter(parent=digital).values_list("title", flat=True)) == {
        "Adopt digital tools to shorten sales cycles",
        "Increase machine uptime using predictive analytics",
        "Digitise onboarding and performance reviews",
    }


def test_progress_is_rolled_up_and_agrees_with_a_full_recompute(seeded):
    revenue = Goal.objects.get(title="Increase revenue from $100m to $200m")
    assert revenue.measured_progress == pytest.approx(0.31)  # $131m of the way from $100m to $200m
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
