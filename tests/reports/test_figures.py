"""The alignment report's figures on Nord (tests/reports/conftest.py), where each is known in advance."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.serializers import Serializer

from apps.goals.models import Goal, GoalStatus, Layer
from apps.goals.selectors import goal_health
from apps.goals.similarity import COPY_THRESHOLD, title_similarity
from apps.reports import figures, selectors, stored
from apps.reports.api.serializers import LIST_FIELDS, AlignmentSummarySerializer
from apps.reports.rules import health_expression, off_track_bound_q, orphaned_q, reaches_published_intent_q
from apps.reports.scope import Scope
from apps.reports.selectors import UnitPick, alignment_summary
from tests.factories import GoalFactory, MetricFactory, PersonFactory, UnitFactory

from .conftest import _checkin


def ids(nord, *names) -> list[int]:
    return [nord.goals[name].pk for name in names]


def by_unit(summary) -> dict[str, figures.Figures]:
    return {row.unit.name: row.figures for row in summary.units}


@pytest.fixture
def report(nord):
    return alignment_summary(nord.cycle)


def test_headcount_counts_active_people_only(report):
    assert report.totals.headcount == 8


def test_people_with_an_active_goal_leave_out_those_with_drafts_only(report):
    assert report.totals.with_active_goal == 6  # a3 has only a draft; hanne has nothing


def test_coverage_is_the_share_of_people_whose_active_goals_reach_a_published_intent(report):
    assert report.totals.aligned == 3  # lead (I1 itself), a1 (O1, P_a1), b1 (P_b1)
    assert report.totals.coverage == pytest.approx(3 / 8)


def test_people_without_goals_count_drafts_as_goals(report):
    assert report.people_without_goals_count == 1
    assert [person.username for person in report.people_without_goals] == ["hanne"]


def test_orphaned_goals_have_no_path_to_a_published_intent(nord, report):
    orphans = {goal.pk: goal.reason for goal in report.orphaned_goals}
    assert orphans == {
        nord.goals["T2"].pk: "intent_not_published",
        nord.goals["P_a2"].pk: "no_parent",
        nord.goals["P_b2"].pk: "intent_not_published",
    }
    assert report.totals.orphaned == 3


def test_orphaned_and_reaching_split_the_active_goals_below_intents(nord):
    scope = Scope.build(cycle=nord.cycle, today=timezone.localdate())
    below = scope.active_goals().exclude(layer=Layer.INTENT)
    orphaned = set(below.filter(orphaned_q()).values_list("pk", flat=True))
    reaching = set(below.filter(reaches_published_intent_q()).values_list("pk", flat=True))
    assert not orphaned & reaching
    assert orphaned | reaching == set(below.values_list("pk", flat=True))


def test_goals_without_a_metric_are_active_goals_without_a_metric_in_use(nord, report):
    assert sorted(goal.pk for goal in report.goals_without_metric) == sorted(
        ids(nord, "T1", "T2", "P_a2", "P_b1", "P_b2")
    )
    assert report.totals.without_metric == 5


def test_stale_goals_had_no_check_in_for_fourteen_days(nord, report):
    assert sorted(goal.pk for goal in report.stale_goals) == sorted(ids(nord, "P_b1"))
    assert report.totals.stale == 1


def test_a_quiet_goal_with_work_checked_in_below_is_not_stale(nord, report):
    # T2 itself was never checked in and is 30 days old, but P_b2 below it was checked in two days ago.
    assert nord.goals["T2"].pk not in {goal.pk for goal in report.stale_goals}
    Goal.objects.filter(pk=nord.goals["T2"].pk).update(last_activity_at=None)
    assert nord.goals["T2"].pk in {goal.pk for goal in alignment_summary(nord.cycle).stale_goals}


def test_a_new_goal_without_check_ins_is_neither_stale_nor_at_risk(nord, report):
    p_a2 = nord.goal("P_a2")
    assert goal_health(p_a2) is None
    assert p_a2.pk not in {goal.pk for goal in report.stale_goals}
    assert p_a2.pk not in {goal.pk for goal in report.goals_at_risk}


def test_goals_at_risk_and_off_track_off_track_first(nord, report):
    listed = [(goal.pk, goal.health) for goal in report.goals_at_risk]
    assert listed == [
        (nord.goals["P_b2"].pk, "off_track"),  # off track, least progress first
        (nord.goals["T2"].pk, "off_track"),
        (nord.goals["P_a1"].pk, "off_track"),
        (nord.goals["T1"].pk, "at_risk"),
        (nord.goals["P_b1"].pk, "at_risk"),
    ]
    assert (report.totals.at_risk, report.totals.off_track) == (2, 3)


def test_health_in_sql_agrees_with_the_goal_page(nord):
    today = timezone.localdate()
    scope = Scope.build(cycle=nord.cycle, today=today)
    goals = scope.live_goals().select_related("cycle").annotate(sql_health=health_expression(scope.cycles, today))
    for goal in goals:
        assert goal.sql_health == goal_health(goal, today), goal.title


@pytest.mark.parametrize("days_ahead", [-60, -20, 0, 1, 30, 59, 60, 80])
def test_health_in_sql_agrees_with_the_goal_page_on_any_day(nord, days_ahead):
    today = timezone.localdate() + timedelta(days=days_ahead)
    scope = Scope.build(cycle=nord.cycle, today=today)
    goals = scope.live_goals().select_related("cycle").annotate(sql_health=health_expression(scope.cycles, today))
    assert {g.pk: g.sql_health for g in goals} == {g.pk: goal_health(g, today) for g in goals}


def test_alignment_gaps_are_wider_than_the_threshold_worst_first(nord, report):
    gaps = [(goal.pk, round(goal.gap, 2)) for goal in report.alignment_gaps]
    assert gaps == [(nord.goals["I1"].pk, -0.5), (nord.goals["T1"].pk, -0.3)]  # T2's 0.25 is not "more than"
    assert report.totals.gaps == 2


def test_the_gap_threshold_is_a_setting(nord, settings):
    settings.ALIGNMENT_GAP_THRESHOLD = 0.1
    report = alignment_summary(nord.cycle)
    assert [goal.pk for goal in report.alignment_gaps] == ids(nord, "I1", "T1", "T2", "O1")
    assert report.gap_threshold == 0.1


def test_copied_goals_use_the_one_similarity_rule(nord, report):
    copies = {goal.pk: score for goal, score in report.first_copies}
    assert copies == {
        nord.goals["O1"].pk: pytest.approx(1.0),
        nord.goals["P_b1"].pk: pytest.approx(title_similarity("Increase revenue", "Increase revenue by 10%")),
    }
    assert report.totals.copies == 2
    assert min(copies.values()) >= COPY_THRESHOLD


def test_copies_are_read_from_the_stored_score_never_computed(nord, monkeypatch):
    """The score is stored when titles change (tests/goals/test_similarity.py); the report only reads it."""
    from apps.goals import similarity

    monkeypatch.setattr(similarity, "title_similarity", lambda *args: pytest.fail("a similarity on a read"))
    Goal.objects.filter(pk=nord.goals["P_a1"].pk).update(copy_score=0.9)  # as a copy, whatever its words
    report = alignment_summary(nord.cycle)
    assert {goal.pk: score for goal, score in report.first_copies} == {
        nord.goals["O1"].pk: 1.0,
        nord.goals["P_a1"].pk: 0.9,
        nord.goals["P_b1"].pk: pytest.approx(title_similarity("Increase revenue", "Increase revenue by 10%")),
    }
    assert report.totals.copies == 3


def test_copies_are_counted_per_unit(report):
    units = by_unit(report)
    assert [units[name].copies for name in ("Nord", "Sales", "Team A", "Team B", "Ops")] == [2, 2, 1, 1, 0]


def test_progress_per_intent_shows_measured_and_rolled_up_side_by_side(nord, report):
    assert [(i.pk, i.measured_progress, i.rollup_progress, i.progress) for i in report.intents] == [
        (nord.goals["I1"].pk, 0.2, 0.7, 0.7)  # the draft intent is not published
    ]


def test_cadence_is_the_median_days_between_check_ins_on_the_same_measure(report):
    cadence = {team.unit.name: team for team in report.cadence}
    assert cadence["Team A"].median_days == pytest.approx(10)  # 10, 10 and 3
    assert cadence["Team A"].checkins == 5
    assert cadence["Nord"].median_days == pytest.approx(4)  # two metrics checked in together: 4 and 4, not 0
    assert cadence["Team B"].median_days is None  # one check-in: no interval
    assert cadence["Team B"].checkins == 1


def test_both_ways_of_taking_the_median_agree(nord, postgres):
    from apps.reports import cadence

    scope = Scope.build(cycle=nord.cycle, today=timezone.localdate())
    in_sql, in_python = cadence._medians_in_sql(scope), cadence._medians_in_python(scope)
    assert in_sql.keys() == in_python.keys()
    for unit_id, (checkins, days) in in_python.items():
        assert in_sql[unit_id][0] == checkins
        assert in_sql[unit_id][1] == pytest.approx(days)


def test_cadence_sits_beside_the_teams_progress(report):
    cadence = {team.unit.name: team for team in report.cadence}
    assert cadence["Team A"].progress == pytest.approx((0.5 + 0.9 + 0.5) / 3)
    assert cadence["Team A"].goals == 3
    assert cadence["Ops"].progress == pytest.approx(0.1)


def test_units_roll_up_their_subtree(report):
    units = by_unit(report)
    people = {name: (f.headcount, f.with_active_goal, f.aligned) for name, f in units.items()}
    assert people == {
        "Nord": (8, 6, 3),
        "Sales": (6, 5, 3),
        "Team A": (3, 2, 1),
        "Team B": (2, 2, 1),
        "Ops": (1, 1, 0),
    }
    goals = {name: (f.orphaned, f.without_metric, f.stale, f.at_risk, f.off_track, f.gaps) for name, f in units.items()}
    assert goals == {
        "Nord": (3, 5, 1, 2, 3, 2),
        "Sales": (2, 4, 1, 2, 2, 1),
        "Team A": (1, 1, 0, 0, 1, 0),
        "Team B": (1, 2, 1, 1, 1, 0),
        "Ops": (1, 1, 0, 0, 1, 0),
    }


def test_a_unit_report_covers_its_subtree_only(nord):
    report = alignment_summary(nord.cycle, unit=nord.sales)
    assert (report.totals.headcount, report.totals.with_active_goal, report.totals.aligned) == (6, 5, 3)
    assert {goal.pk for goal in report.orphaned_goals} == set(ids(nord, "P_a2", "P_b2"))
    assert [row.unit.name for row in report.units] == ["Sales", "Team A", "Team B"]
    assert [goal.pk for goal in report.alignment_gaps] == ids(nord, "T1")
    assert report.intents == []  # I1 is filed under Nord
    assert [person.username for person in report.people_without_goals] == []


def test_archived_goals_never_count(nord):
    Goal.objects.filter(pk=nord.goals["P_a2"].pk).update(archived_at=timezone.now())
    report = alignment_summary(nord.cycle)
    assert report.totals.orphaned == 2
    assert report.totals.with_active_goal == 5


def test_other_cycles_do_not_count(nord):
    report = alignment_summary(None)
    assert report.totals.orphaned == 3  # "Now" is active: the default scope
    nord.cycle.status = "closed"
    nord.cycle.save()
    assert alignment_summary(None).totals.orphaned == 0


# --- Motivation: groups of five or more people ------------------------------------------------------


def _answers(unit, cycle, answers: dict[str, int], prefix: str) -> None:
    n = 0
    for motivation, people in answers.items():
        for _ in range(people):
            person = PersonFactory(username=f"{prefix}{n}", unit=unit)
            n += 1
            GoalFactory(layer=Layer.PERSONAL, cycle=cycle, unit=unit, owner=person, motivation=motivation)


def test_motivation_is_hidden_below_five_people(nord):
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 4}, "c")
    crew_figures = by_unit(alignment_summary(nord.cycle))["Crew"]
    assert crew_figures.motivation == {"own": None, "expected": None, "pressure": None}
    assert crew_figures.motivation_people is None


def test_motivation_shows_each_answer_five_or_more_people_gave(nord):
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 5, "pressure": 2}, "c")
    report = alignment_summary(nord.cycle)
    crew_figures = by_unit(report)["Crew"]
    assert crew_figures.motivation == {"own": 5, "expected": None, "pressure": None}
    assert crew_figures.motivation_people == 7
    assert by_unit(report)["Ops"].motivation == {"own": 5, "expected": None, "pressure": None}


def test_motivation_counts_people_not_goals_for_the_threshold(nord):
    crew = UnitFactory(name="Crew", parent=nord.ops)
    person = PersonFactory(username="busy", unit=crew)
    for _ in range(6):
        GoalFactory(layer=Layer.PERSONAL, cycle=nord.cycle, unit=crew, owner=person, motivation="pressure")
    assert by_unit(alignment_summary(nord.cycle))["Crew"].motivation["pressure"] is None


def test_motivation_rolls_up_people_of_several_units(nord):
    _answers(nord.team_a, nord.cycle, {"expected": 3}, "a")
    _answers(nord.team_b, nord.cycle, {"expected": 2}, "b")
    report = alignment_summary(nord.cycle)
    units = by_unit(report)
    assert units["Team A"].motivation["expected"] is None
    assert units["Sales"].motivation["expected"] == 5
    assert report.motivation["expected"] == 5


def test_a_unit_and_its_sub_unit_cannot_be_subtracted_to_reveal_one_answer(nord):
    """Ops shows "own = 7" and its only sub-unit "own = 6": one person's answer would be the difference."""
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 6}, "c")
    _answers(nord.ops, nord.cycle, {"own": 1}, "o")
    units = by_unit(alignment_summary(nord.cycle))
    shown = {name: units[name].motivation["own"] for name in ("Nord", "Ops", "Crew")}
    assert [name for name, value in shown.items() if value is not None] in (["Nord", "Ops"], ["Nord"])
    assert shown["Crew"] is None  # 7 − 6 = 1: held back
    for unit in ("Ops", "Crew"):
        assert units[unit].motivation_people in (None, units["Nord"].motivation_people)


def test_every_pair_of_figures_shown_differs_by_zero_or_five_people_or_more(nord):
    """Whatever two nested figures the report shows for one answer, their difference rests on 0 or ≥ 5 people."""
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 9, "expected": 5}, "c")
    _answers(nord.ops, nord.cycle, {"own": 3, "expected": 5}, "o")
    _answers(nord.team_a, nord.cycle, {"own": 5}, "a")
    report = alignment_summary(nord.cycle)
    units = by_unit(report)
    nested = [("Nord", "Ops"), ("Nord", "Crew"), ("Ops", "Crew"), ("Nord", "Sales"), ("Sales", "Team A")]
    for answer in ("own", "expected"):
        for above, below in nested:
            a, b = units[above].motivation[answer], units[below].motivation[answer]
            if a is not None and b is not None:
                assert a == b or a - b >= 5, (answer, above, below, a, b)
        total = report.motivation[answer]
        for unit in units.values():
            if total is not None and unit.motivation[answer] is not None:
                assert total == unit.motivation[answer] or total - unit.motivation[answer] >= 5


def test_a_units_own_report_holds_back_what_the_organisations_report_does(nord):
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 6}, "c")
    _answers(nord.ops, nord.cycle, {"own": 1}, "o")
    nord.ops.refresh_from_db()  # its nested-set range grew with Crew
    report = alignment_summary(nord.cycle, unit=nord.ops)
    assert report.motivation["own"] == 7  # Ops itself, as the organisation's report shows it
    assert by_unit(report)["Crew"].motivation["own"] is None


# --- Query counts ----------------------------------------------------------------------------------


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _grow(nord, n: int) -> None:
    """n more units, people, goals, metrics and check-ins of every kind the report looks at."""
    for i in range(n):
        unit = UnitFactory(name=f"Squad {n}-{i}", parent=nord.ops)
        person = PersonFactory(username=f"s{n}-{i}", unit=unit)
        goal = GoalFactory(
            title=f"Open a plant in Hanoi {i}",
            layer=Layer.OPERATIONAL,
            parent=nord.goals["T2"],
            unit=unit,
            owner=person,
        )
        personal = GoalFactory(
            layer=Layer.PERSONAL, parent=goal, cycle=nord.cycle, unit=unit, owner=person, motivation="own"
        )
        metric = MetricFactory(goal=personal)
        _checkin(personal, metric, 3, person)
        _checkin(personal, metric, 1, person)
        Goal.objects.filter(pk=goal.pk).update(measured_progress=0.0, rollup_progress=1.0)


def _everything(nord) -> None:
    report = alignment_summary(nord.cycle)
    for rows in (
        report.orphaned_goals,
        report.people_without_goals,
        report.stale_goals,
        report.goals_without_metric,
        report.goals_at_risk,
        report.alignment_gaps,
    ):
        list(rows[:50])
    report.first_copies  # noqa: B018 - reads the copies


def test_the_report_costs_a_fixed_number_of_queries(nord):
    _grow(nord, 2)
    first = _count(lambda: _everything(nord))  # nothing stored yet: counted, then stored
    small = _count(lambda: _everything(nord))
    _grow(nord, 12)
    stored.refresh_all()
    assert _count(lambda: _everything(nord)) == small == 21
    assert first == 37  # counted, stored, then the rows it shows read back


def test_a_unit_report_costs_a_fixed_number_of_queries(nord):
    _grow(nord, 2)
    alignment_summary(nord.cycle)  # stores the figures
    small = _count(lambda: alignment_summary(nord.cycle, unit=nord.ops))
    _grow(nord, 12)
    stored.refresh_all()
    # 8, and 1 for every unit (the motivation figures are held back over the whole tree)
    assert _count(lambda: alignment_summary(nord.cycle, unit=nord.ops)) == small == 9


def test_a_goal_status_other_than_active_drops_out_of_the_goal_figures(nord):
    Goal.objects.filter(pk=nord.goals["T2"].pk).update(status=GoalStatus.ACHIEVED)
    report = alignment_summary(nord.cycle)
    assert nord.goals["T2"].pk not in [goal.pk for goal in report.orphaned_goals]
    assert report.totals.stale == 1


# --- Reading only what is shown (issue 16) ------------------------------------------------------------


def _figures_of(summary) -> dict:
    return {row.unit.pk: (vars(row.figures), row.figures.motivation) for row in summary.units}


@pytest.mark.parametrize("unit_name", [None, "Nord", "Sales", "Ops"])
def test_a_report_of_some_units_shows_them_as_the_report_of_every_unit_does(nord, unit_name):
    """Rolled-up figures and motivation held back, read from the rows of the picked units and those above them, are
    the figures of the full report: a page or the API shows no other numbers than an export."""
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, {"own": 6}, "c")
    _answers(nord.ops, nord.cycle, {"own": 1}, "o")
    unit = next((u for u in (nord.nord, nord.sales, nord.ops) if u.name == unit_name), None)
    if unit is not None:
        unit.refresh_from_db()
    every = alignment_summary(nord.cycle, unit=unit)
    full = _figures_of(every)
    for pick in (UnitPick(limit=1), UnitPick(limit=2), UnitPick(max_level=1), UnitPick(max_level=0, limit=5)):
        some = alignment_summary(nord.cycle, unit=unit, units=pick)
        assert some.unit_count == len(every.units)
        assert _figures_of(some) == {pk: full[pk] for pk in _figures_of(some)}
        assert (vars(some.totals), some.motivation) == (vars(every.totals), every.motivation)
    assert len(alignment_summary(nord.cycle, unit=unit, units=UnitPick(limit=1)).units) == 1


def test_the_first_rows_of_the_at_risk_list_are_the_lists_first_rows(nord, monkeypatch):
    """Read along the progress index in chunks (two goals a chunk here), the first rows are the sorted list's."""
    monkeypatch.setattr(selectors, "WALK", 2)
    report = alignment_summary(nord.cycle)
    listed = list(report.goals_at_risk)
    for n in range(1, len(listed) + 2):
        assert report.first_rows("goals_at_risk", n) == listed[:n], n


@pytest.mark.parametrize(
    "name", ["orphaned_goals", "people_without_goals", "stale_goals", "goals_without_metric", "alignment_gaps"]
)
def test_the_first_rows_of_each_list_are_the_lists_first_rows(nord, name):
    report = alignment_summary(nord.cycle)
    listed = list(getattr(report, name))
    assert report.list_count(name) == len(listed)
    assert report.first_rows(name, 2) == listed[:2]


def test_a_list_the_stored_figures_say_is_empty_costs_no_query(nord):
    report = alignment_summary(nord.cycle)
    report.totals.gaps = 0
    with CaptureQueriesContext(connection) as captured:
        assert report.first_rows("alignment_gaps", 50) == []
    assert not captured.captured_queries


def test_goals_per_layer_are_stored_figures(nord):
    report = alignment_summary(nord.cycle)
    counted = {layer: Goal.objects.filter(cycle=nord.cycle, layer=layer, archived_at=None).count() for layer in Layer}
    assert report.goals_per_layer == counted
    assert stored.read(report.cycle_ids, report.today) is not None  # read from the stored rows, not counted again


def test_the_slowest_teams_come_first_and_those_without_a_median_last(nord):
    report = alignment_summary(nord.cycle)
    every = report.cadence
    expected = sorted(every, key=lambda team: (team.median_days is None, -(team.median_days or 0), team.unit.pk))
    assert [t.unit.pk for t in report.teams(None, slowest=True)] == [t.unit.pk for t in expected]
    assert [t.unit.pk for t in report.teams(2)] == [t.unit.pk for t in every[:2]]
    assert report.team_count == len(every)
    other_day = alignment_summary(nord.cycle, today=timezone.localdate() + timedelta(days=1))  # counted in memory
    assert [t.unit.pk for t in other_day.teams(None, slowest=True)] == [t.unit.pk for t in expected]
    assert [t.unit.pk for t in other_day.teams(2)] == [t.unit.pk for t in every[:2]]


@pytest.mark.parametrize("days_ahead", [0, 10, 40, 80])
def test_every_goal_off_track_is_within_the_off_track_bound(nord, days_ahead):
    """The bound the unit lists read off track goals through is a superset of off track, on any day."""
    today = timezone.localdate() + timedelta(days=days_ahead)
    scope = Scope.build(cycle=nord.cycle, today=today)
    goals = scope.active_goals().annotate(health=health_expression(scope.cycles, today))
    off_track = set(goals.filter(health="off_track").values_list("pk", flat=True))
    assert off_track  # the test means something on that day
    assert off_track <= set(goals.filter(off_track_bound_q(scope.cycles, today)).values_list("pk", flat=True))


@pytest.mark.parametrize("sort_at_most", [0, 20_000])
@pytest.mark.parametrize("unit_name", [None, "Nord", "Sales"])
def test_the_first_rows_of_the_at_risk_list_whichever_way_they_are_read(nord, monkeypatch, sort_at_most, unit_name):
    """Sorted below the off-track line or walked along the progress index, for the organisation or a part of it."""
    monkeypatch.setattr(selectors, "WALK", 2)
    monkeypatch.setattr(selectors, "SORT_AT_MOST", sort_at_most)
    unit = {"Nord": nord.nord, "Sales": nord.sales}.get(unit_name)
    report = alignment_summary(nord.cycle, unit=unit)
    listed = list(report.goals_at_risk)
    assert listed  # something to read
    for n in range(1, len(listed) + 2):
        assert report.first_rows("goals_at_risk", n) == listed[:n], n


@pytest.mark.parametrize("gather_at_most", [0, 20_000])
@pytest.mark.parametrize("unit_name", [None, "Nord", "Sales"])
def test_the_first_goals_without_a_metric_whichever_way_they_are_read(nord, monkeypatch, gather_at_most, unit_name):
    """Along the id index, or (a small part of the organisation) gathered by unit and sorted: the same first rows."""
    monkeypatch.setattr(selectors, "GATHER_AT_MOST", gather_at_most)
    unit = {"Nord": nord.nord, "Sales": nord.sales}.get(unit_name)
    report = alignment_summary(nord.cycle, unit=unit)
    listed = list(report.goals_without_metric)
    assert listed  # something to read
    for n in range(1, len(listed) + 2):
        assert report.first_rows("goals_without_metric", n) == listed[:n], n


def test_gathering_a_list_leaves_the_planner_as_it_was(postgres, nord):
    """The gathered read turns sequential scans off for its one query only (a PostgreSQL planner setting)."""
    report = alignment_summary(nord.cycle, unit=nord.nord)
    assert report.goals_total <= selectors.GATHER_AT_MOST
    assert report.first_rows("goals_without_metric", 5)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize("name", sorted(LIST_FIELDS))
@pytest.mark.parametrize("unit_name", [None, "Nord"])
def test_the_apis_rows_are_the_lists_rows_read_as_values(nord, monkeypatch, name, unit_name):
    """The API reads each list's first rows as plain values (no joins, no instances): the same rows, the same
    figures, as the list's model instances."""
    monkeypatch.setattr(selectors, "WALK", 2)
    unit = {"Nord": nord.nord}.get(unit_name)
    report = alignment_summary(nord.cycle, unit=unit)
    fields = LIST_FIELDS[name]
    listed = [{field: getattr(row, field) for field in fields} for row in getattr(report, name)]
    assert listed or name == "people_without_goals"
    for n in range(1, len(listed) + 2):
        assert report.first_rows(name, n, fields) == listed[:n], n
    # Each row's JSON, straight from the values, is what DRF's generic walk over the serializer's fields gives.
    rows = AlignmentSummarySerializer().fields[name].fields["results"].child
    for row in report.first_rows(name, 100, fields):
        assert rows.to_representation(row) == Serializer.to_representation(rows, row)


@pytest.mark.parametrize("unit_name", [None, "Nord", "Sales"])
def test_the_first_copies_whichever_way_they_are_found(nord, unit_name):
    """Along the copies' index, or (a small part with fewer copies than shown) among the part's own goals: the same
    copies in the same order; none at all costs no query."""
    from apps.reports.copies import copied_goals, copy_scan

    unit = {"Nord": nord.nord, "Sales": nord.sales}.get(unit_name)
    report = alignment_summary(nord.cycle, unit=unit)
    every = list(copied_goals(report.scope).values_list("pk", "copy_score"))
    count = report.totals.copies
    assert count == len(every)
    for shown in (1, 2, 50):
        assert copy_scan(report.scope, shown).first == every[:shown]  # along the index
        assert copy_scan(report.scope, shown, count, goals=report.goals_total).first == every[:shown]
        assert copy_scan(report.scope, shown, count, goals=10**9).first == every[:shown]
    with CaptureQueriesContext(connection) as captured:
        assert copy_scan(report.scope, 50, count=0).first == []
    assert not captured.captured_queries
