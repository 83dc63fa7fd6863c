"""Hand-worked examples of DESIGN.md's progress arithmetic."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.goals.models import GoalStatus, Health, ProgressSource
from apps.goals.progress import compute_goal, expected_progress, health, last_activity, metric_progress, weighted_mean

D = Decimal


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (D(0), D(100), D(25), 0.25),  # increase
        (D(100), D(200), D(130), 0.30),  # the revenue intent: $100m → $200m, at $130m
        (D(90), D(60), D(78), 0.40),  # decrease: sales cycle 90 → 60 days, now 78
        (D(0), D(100), D(-5), 0.0),  # clamped below
        (D(0), D(100), D(150), 1.0),  # clamped above
        (D(90), D(60), D(50), 1.0),  # decrease overshoot clamps to 1
    ],
)
def test_metric_progress_is_share_of_distance_covered(start, target, current, expected):
    assert metric_progress(start, target, current) == pytest.approx(expected)


def test_metric_with_target_equal_to_start_is_done_once_reached():
    assert metric_progress(D(5), D(5), D(5)) == 1.0
    assert metric_progress(D(5), D(5), D(6)) == 1.0
    assert metric_progress(D(5), D(5), D(4)) == 0.0


def test_weighted_mean_uses_weights():
    # (2·0.5 + 1·1.0) / 3
    assert weighted_mean([(2, 0.5), (1, 1.0)]) == pytest.approx(2 / 3)


def test_weighted_mean_of_nothing_or_zero_weights_is_null():
    assert weighted_mean([]) is None
    assert weighted_mean([(0, 0.7)]) is None


def test_auto_source_prefers_metrics_over_children():
    figures = compute_goal(source=ProgressSource.AUTO, manual_progress=0.9, metrics=[(1, 0.2)], children=[(1, 0.8)])
    assert (figures.measured_progress, figures.rollup_progress, figures.progress) == (0.2, 0.8, 0.2)


def test_auto_source_uses_children_without_metrics():
    figures = compute_goal(source=ProgressSource.AUTO, manual_progress=0.9, metrics=[], children=[(1, 0.8), (3, 0.4)])
    assert figures.measured_progress is None
    assert figures.progress == pytest.approx((0.8 + 3 * 0.4) / 4)


def test_auto_source_falls_back_to_manual_then_zero():
    assert compute_goal(source="auto", manual_progress=0.9, metrics=[], children=[]).progress == 0.9
    assert compute_goal(source="auto", manual_progress=None, metrics=[], children=[]).progress == 0.0


@pytest.mark.parametrize(
    ("source", "expected"),
    [(ProgressSource.METRICS, 0.2), (ProgressSource.CHILDREN, 0.8), (ProgressSource.MANUAL, 0.5)],
)
def test_explicit_source_is_followed(source, expected):
    figures = compute_goal(source=source, manual_progress=0.5, metrics=[(1, 0.2)], children=[(1, 0.8)])
    assert figures.progress == expected


def test_null_source_reads_as_zero():
    figures = compute_goal(source=ProgressSource.METRICS, manual_progress=0.5, metrics=[], children=[(1, 0.8)])
    assert figures.measured_progress is None
    assert figures.progress == 0.0


# Created well before the cycle: not the "not started" tests' business (they pass their own `created`).
CYCLE = {"cycle_start": date(2027, 1, 1), "cycle_end": date(2027, 12, 31), "created": datetime(2026, 12, 1)}
MID_YEAR = date(2027, 7, 2)  # 183 of 365 days elapsed: expected ≈ 0.50
RECENT = datetime(2027, 6, 30, 12, 0)


def test_expected_progress_is_elapsed_share_of_cycle():
    assert expected_progress(date(2027, 1, 1), date(2027, 12, 31), MID_YEAR) == pytest.approx(183 / 365)
    assert expected_progress(date(2027, 1, 1), date(2027, 12, 31), date(2026, 12, 1)) == 0.0
    assert expected_progress(date(2027, 1, 1), date(2027, 12, 31), date(2028, 2, 1)) == 1.0


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(0.45, Health.ON_TRACK), (0.30, Health.AT_RISK), (0.20, Health.OFF_TRACK)],
)
def test_health_compares_progress_with_elapsed_share(progress, expected):
    result = health(progress=progress, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=RECENT, **CYCLE)
    assert result == expected


def test_owner_health_from_check_in_wins():
    result = health(
        progress=0.9, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=RECENT, override=Health.OFF_TRACK, **CYCLE
    )
    assert result == Health.OFF_TRACK


def test_stale_goal_is_never_on_track():
    long_ago = datetime(2027, 5, 1)
    result = health(progress=0.9, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=long_ago, **CYCLE)
    assert result == Health.AT_RISK
    result = health(
        progress=0.9, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=datetime(2027, 6, 19), **CYCLE
    )
    assert result == Health.ON_TRACK


def test_stale_rule_applies_to_an_owner_set_green_too():
    result = health(
        progress=0.1,
        status=GoalStatus.ACTIVE,
        today=MID_YEAR,
        last_activity=datetime(2027, 3, 1),
        override=Health.ON_TRACK,
        **CYCLE,
    )
    assert result == Health.AT_RISK


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (GoalStatus.DRAFT, None),
        (GoalStatus.CANCELLED, None),
        (GoalStatus.ACHIEVED, Health.ON_TRACK),
        (GoalStatus.MISSED, Health.OFF_TRACK),
    ],
)
def test_health_of_goals_that_are_not_running(status, expected):
    assert health(progress=0.0, status=status, today=MID_YEAR, last_activity=RECENT, **CYCLE) == expected


# --- "Not started" and freshness (DESIGN.md "Progress") ------------------------------------------------------

YEAR = {"cycle_start": date(2027, 1, 1), "cycle_end": date(2027, 12, 31)}  # a tenth of it: 36.5 → 37 days
QUARTER = {"cycle_start": date(2027, 4, 1), "cycle_end": date(2027, 6, 30)}  # a tenth of it: 9.1 days → 14 wins


def test_a_new_goal_is_not_started_not_off_track():
    created = datetime(2027, 7, 1, 9, 0)
    result = health(progress=0.0, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=None, created=created, **YEAR)
    assert result is None


def test_not_started_lasts_a_tenth_of_a_long_cycle():
    created = datetime(2027, 5, 1, 9, 0)
    day_36 = date(2027, 6, 6)  # 36 days after creation: a tenth of the year is 37 days
    day_37 = date(2027, 6, 7)
    assert (
        health(progress=0.0, status=GoalStatus.ACTIVE, today=day_36, last_activity=None, created=created, **YEAR)
        is None
    )
    after = health(progress=0.0, status=GoalStatus.ACTIVE, today=day_37, last_activity=None, created=created, **YEAR)
    assert after == Health.OFF_TRACK


def test_not_started_lasts_at_least_fourteen_days_in_a_short_cycle():
    created = datetime(2027, 4, 1, 9, 0)
    on_day_13 = health(
        progress=0.0, status=GoalStatus.ACTIVE, today=date(2027, 4, 14), last_activity=None, created=created, **QUARTER
    )
    on_day_14 = health(
        progress=0.0, status=GoalStatus.ACTIVE, today=date(2027, 4, 15), last_activity=None, created=created, **QUARTER
    )
    assert on_day_13 is None
    assert on_day_14 == Health.AT_RISK  # 0 % against 16 % of the quarter elapsed


def test_a_goal_drafted_before_its_cycle_starts_with_the_cycle():
    created = datetime(2027, 2, 1, 9, 0)
    result = health(
        progress=0.0, status=GoalStatus.ACTIVE, today=date(2027, 4, 10), last_activity=None, created=created, **QUARTER
    )
    assert result is None


def test_a_first_check_in_ends_not_started():
    created = datetime(2027, 7, 1, 9, 0)
    result = health(
        progress=0.0, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=created, created=created, **YEAR
    )
    assert result == Health.OFF_TRACK


def test_fresh_work_below_keeps_a_goal_without_metrics_fresh():
    long_ago, today_noon = datetime(2027, 3, 1), datetime(2027, 7, 2, 12, 0)
    fresh = last_activity(own=long_ago, has_metrics=False, children=[None, today_noon])
    assert fresh == today_noon
    result = health(progress=1.0, status=GoalStatus.ACTIVE, today=MID_YEAR, last_activity=fresh, **CYCLE)
    assert result == Health.ON_TRACK  # the intent at 100 % whose child was checked in today is not "at risk"


def test_a_goal_with_metrics_is_as_fresh_as_its_own_check_ins_only():
    long_ago, today_noon = datetime(2027, 3, 1), datetime(2027, 7, 2, 12, 0)
    assert last_activity(own=long_ago, has_metrics=True, children=[today_noon]) == long_ago
    assert last_activity(own=None, has_metrics=False, children=[None]) is None
