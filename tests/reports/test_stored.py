"""The report's figures are stored (apps.reports.stored) and kept current: by the rollup job, by the outbox of writes
its path does not show, and by the nightly pass. Stored always equals counted from scratch."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from apps.cycles import services as cycle_services
from apps.cycles.models import Cycle
from apps.goals import services
from apps.goals.models import GoalStatus, Layer
from apps.org import importing
from apps.org import services as org_services
from apps.reports import stored
from apps.reports.models import FigureScope, PendingFigures, UnitFigures
from apps.reports.scope import Scope
from apps.reports.selectors import alignment_summary
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory
from tests.org.importfiles import csv_file, person

pytestmark = pytest.mark.django_db


def stored_rows(scope_row: FigureScope) -> dict:
    rows = scope_row.rows.values_list("unit_id", "counts")
    return {unit_id: Counter(counts) for unit_id, counts in rows if counts}


def stored_cadence(scope_row: FigureScope) -> dict:
    rows = scope_row.rows.values_list("unit_id", "cadence")
    return {unit_id: cadence for unit_id, cadence in rows if cadence is not None}


def _scope(scope_row: FigureScope) -> Scope:
    cycles = list(Cycle.objects.filter(pk__in=scope_row.cycle_ids))
    return Scope(cycle_ids=scope_row.cycle_ids, today=scope_row.day, cycles=cycles)


def counted(scope_row: FigureScope) -> dict:
    return stored.compute(_scope(scope_row))


def assert_current() -> None:
    """Every stored scope holds what a count from scratch gives today: the figures and the cadence."""
    scopes = list(FigureScope.objects.all())
    assert scopes
    for scope_row in scopes:
        assert scope_row.day == timezone.localdate()
        assert stored_rows(scope_row) == counted(scope_row), scope_row.key
        assert stored_cadence(scope_row) == stored.compute_cadence(_scope(scope_row)), scope_row.key
        rolled = {pk: Counter(counts) for pk, counts in scope_row.rows.values_list("unit_id", "rolled") if counts}
        fresh = stored.build_rows(counted(scope_row), stored_cadence(scope_row))
        assert rolled == {pk: row.rolled for pk, row in fresh.items() if row.rolled}, scope_row.key


@pytest.fixture
def org(commit):
    """Two teams under a company, a published intent with a translational goal, a personal goal under it in each
    team, and a draft intent: the report stored once (as a first reader stores it)."""
    today = timezone.localdate()
    cycle = CycleFactory(name="Now", start=today - timedelta(days=60), end=today + timedelta(days=60))
    company = UnitFactory(name="Co")
    red, blue = UnitFactory(name="Red", parent=company), UnitFactory(name="Blue", parent=company)
    ann, bob = PersonFactory(username="ann", unit=red), PersonFactory(username="bob", unit=blue)
    with commit():
        intent = GoalFactory(title="Double revenue", cycle=cycle, unit=company, owner=ann)
        draft = GoalFactory(title="Enter Asia", cycle=cycle, unit=company, owner=ann, status=GoalStatus.DRAFT)
        trans = GoalFactory(title="Grow revenue in APAC", layer=Layer.TRANSLATIONAL, parent=intent, unit=red, owner=ann)
        mine = GoalFactory(title="Close deals", layer=Layer.PERSONAL, parent=trans, unit=red, owner=ann)
        his = GoalFactory(title="Hire a lead", layer=Layer.PERSONAL, parent=trans, unit=blue, owner=bob)
        metric = MetricFactory(goal=mine)
    alignment_summary(cycle)
    goals = {"intent": intent, "draft": draft, "trans": trans, "mine": mine, "his": his}
    return {"cycle": cycle, "red": red, "blue": blue, "ann": ann, "bob": bob, "metric": metric, **goals}


def figure(org, unit: str, name: str) -> int:
    report = alignment_summary(org["cycle"])
    return next(getattr(row.figures, name) for row in report.units if row.unit.name == unit)


def test_the_first_report_stores_its_figures(org):
    scope_row = FigureScope.objects.get()
    assert scope_row.cycle_ids == [org["cycle"].pk] and scope_row.day == timezone.localdate()
    assert stored_rows(scope_row) == counted(scope_row)
    assert stored_rows(scope_row)[org["red"].pk]["headcount"] == 1


def test_a_report_reads_the_stored_figures(org):
    UnitFigures.objects.filter(unit=org["red"]).update(counts={"headcount": 40}, rolled={"headcount": 40})
    assert figure(org, "Red", "headcount") == 40


def test_a_check_in_updates_the_stored_figures_through_the_rollup_job(org, commit):
    with commit():
        services.checkin_record(actor=org["ann"], metric=org["metric"], value=100, confidence=8)
    assert_current()
    assert stored_cadence(FigureScope.objects.get())[org["red"].pk][0] == 1  # Red's one check-in


def test_the_cadence_is_read_from_the_stored_rows(org):
    UnitFigures.objects.filter(unit=org["red"]).update(cadence=[7, 3.5, 2, 0.25])
    team = next(team for team in alignment_summary(org["cycle"]).cadence if team.unit.pk == org["red"].pk)
    assert (team.checkins, team.median_days, team.goals, team.progress) == (7, 3.5, 2, 0.25)


def test_a_title_change_updates_the_copies_of_the_goal_and_of_its_children(org, commit):
    with commit():
        services.goal_update(actor=org["ann"], goal=org["trans"], title="Hire a lead")
    assert figure(org, "Blue", "copies") == 1
    assert_current()


def test_a_goal_moved_to_another_unit_leaves_its_old_units_figures(org, commit):
    with commit():
        services.goal_update(actor=org["ann"], goal=org["mine"], unit=org["blue"], owner=org["bob"])
    assert figure(org, "Red", "with_goal") == 1  # ann still owns the translational goal
    assert_current()


def test_publishing_an_intent_updates_its_whole_cascade(org, commit):
    with commit():
        trans = GoalFactory(title="Build a plant", layer=Layer.TRANSLATIONAL, parent=org["draft"], unit=org["blue"])
        GoalFactory(title="Find a site", layer=Layer.PERSONAL, parent=trans, unit=org["blue"], owner=org["bob"])
    assert figure(org, "Blue", "orphaned") == 2
    with commit():
        services.goal_update(actor=org["ann"], goal=org["draft"], status=GoalStatus.ACTIVE)
    assert figure(org, "Blue", "orphaned") == 0
    assert_current()


def test_a_subtree_moved_into_a_draft_cascade_is_orphaned_below(org, commit):
    with commit():
        services.goal_move(actor=org["ann"], goal=org["trans"], parent=org["draft"])
    assert figure(org, "Blue", "orphaned") == 1  # bob's personal goal, below the moved goal
    assert_current()


def test_a_write_records_what_it_made_stale_until_the_rollup_job_runs(org):
    services.goal_update(actor=org["ann"], goal=org["mine"], unit=org["blue"])
    pending = set(PendingFigures.objects.values_list("unit_id", "cycle_id"))
    assert {(org["red"].pk, org["cycle"].pk), (org["blue"].pk, org["cycle"].pk)} <= pending


def test_figures_of_an_earlier_day_are_counted_again_before_they_are_read(org):
    FigureScope.objects.update(day=timezone.localdate() - timedelta(days=1))
    UnitFigures.objects.filter(unit=org["red"]).update(counts={"headcount": 40}, rolled={"headcount": 40})
    assert figure(org, "Red", "headcount") == 1
    assert_current()


def test_a_report_of_another_day_is_counted_and_not_stored(org):
    UnitFigures.objects.filter(unit=org["red"]).update(counts={"headcount": 40}, rolled={"headcount": 40})
    report = alignment_summary(org["cycle"], today=timezone.localdate() + timedelta(days=30))
    assert next(row.figures.headcount for row in report.units if row.unit.name == "Red") == 1
    assert UnitFigures.objects.get(unit=org["red"]).counts == {"headcount": 40}


def test_the_nightly_pass_repairs_and_drops_scopes_of_deleted_cycles(org):
    UnitFigures.objects.filter(unit=org["red"]).update(counts={"headcount": 40}, rolled={"headcount": 40})
    gone = Cycle.objects.create(name="Gone", start=org["cycle"].start, end=org["cycle"].end, status="closed")
    FigureScope.objects.create(key=str(gone.pk), cycle_ids=[gone.pk], day=gone.start, refreshed_at=timezone.now())
    gone.delete()
    out = io.StringIO()
    call_command("refresh_report_figures", stdout=out)
    assert "1 scope(s)" in out.getvalue()
    assert list(FigureScope.objects.values_list("cycle_ids", flat=True)) == [[org["cycle"].pk]]
    assert_current()


def test_the_nightly_pass_runs_after_midnight():
    entry = django_settings.CELERY_BEAT_SCHEDULE["nightly-report-figures"]
    assert entry["task"] == "apps.reports.tasks.refresh_report_figures"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})


def test_a_unit_reports_figures_are_the_stored_rows_of_its_units(org):
    """Counting a unit's scope gives each of its units the same own figures as the organisation's count does."""
    company = org["red"].parent
    for unit in (company, org["red"]):
        scope = Scope.build(cycle=org["cycle"], today=timezone.localdate(), unit=unit)
        whole = stored_rows(FigureScope.objects.get())
        assert stored.compute(scope) == {pk: whole[pk] for pk in scope.units().values_list("pk", flat=True)}


# --- The organisation changes (apps.org.signals.organisation_changed) -------------------------------------------------


def test_a_new_person_counts_in_the_next_report(org):
    org_services.person_create(actor=None, username="cy", name="Cy", unit=org["red"], role="employee", invite=False)
    assert figure(org, "Red", "headcount") == 2
    assert_current()


def test_a_person_moved_to_another_unit_counts_there_in_the_next_report(org):
    org_services.person_update(actor=None, person=org["bob"], unit=org["red"])
    assert (figure(org, "Red", "headcount"), figure(org, "Blue", "headcount")) == (2, 0)
    assert_current()


def test_a_deactivated_person_leaves_the_next_report(org):
    org_services.person_update(actor=None, person=org["bob"], is_active=False)
    assert figure(org, "Blue", "headcount") == 0
    assert_current()


@pytest.mark.parametrize(
    "change",
    [
        lambda org: org_services.person_create(actor=None, username="cy", name="Cy", unit=org["red"], invite=False),
        lambda org: org_services.person_update(actor=None, person=org["bob"], unit=org["red"]),
        lambda org: org_services.person_update(actor=None, person=org["bob"], is_active=False),
        lambda org: org_services.person_update(actor=None, person=org["bob"], unit=None),
    ],
    ids=["joined", "moved", "deactivated", "left-every-unit"],
)
def test_a_change_to_people_counts_their_units_again_at_once_instead_of_everything(org, change):
    """The next report reads current rows (no recount of the whole organisation in the reader's request)."""
    change(org)
    assert FigureScope.objects.get().day == timezone.localdate()  # not forgotten
    assert_current()


def test_a_units_new_name_or_lead_moves_no_figure(org):
    org_services.unit_update(actor=None, unit=org["red"], name="Crimson")
    assert FigureScope.objects.get().day == timezone.localdate()
    assert_current()


def test_an_org_chart_import_reaches_the_next_report(org):
    admin = PersonFactory(username="root", role="admin", unit=org["red"])
    data = csv_file(person("E1", unit="Co/Blue"), person("E2", unit="Co/Blue"))
    plan = importing.import_people(actor=admin, data=data, invite=False)
    assert plan.applied
    assert figure(org, "Blue", "headcount") == 3
    assert_current()


def test_a_cycle_moved_in_time_is_counted_again_for_the_next_report(org, commit):
    metric = org["metric"]
    with commit():  # a tenth of the way at half the cycle: off track
        value = metric.start + (metric.target - metric.start) / 10
        services.checkin_record(actor=org["ann"], metric=metric, value=value, confidence=5)
    off_track = figure(org, "Red", "off_track")
    cycle = org["cycle"]
    cycle_services.cycle_update(actor=None, cycle=cycle, end=cycle.end + timedelta(days=600))
    assert figure(org, "Red", "off_track") < off_track  # a tenth of the way is on schedule in a far longer cycle
    assert_current()
