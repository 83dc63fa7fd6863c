"""reports/alignment/: the summary for HR and admins, as JSON, CSV or XLSX."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer
from tests.factories import CycleFactory, GoalFactory, PersonFactory

URL = "/api/v1/reports/alignment/"


@pytest.fixture
def current(cast):
    """An active cycle running today, with an orphan of each kind and a stale goal."""
    today = timezone.localdate()
    cycle = CycleFactory(name="Now", start=today - timedelta(days=60), end=today + timedelta(days=60))
    draft_root = GoalFactory(layer=Layer.INTENT, cycle=cycle, unit=cast.company, owner=cast.leader, status="draft")
    cut_off = GoalFactory(layer=Layer.TRANSLATIONAL, parent=draft_root, unit=cast.team, owner=cast.manager)
    alone = GoalFactory(
        title='=HYPERLINK("http://x")', layer=Layer.PERSONAL, cycle=cycle, unit=cast.team, owner=cast.employee
    )
    root = GoalFactory(layer=Layer.INTENT, cycle=cycle, unit=cast.company, owner=cast.leader)
    stale = GoalFactory(layer=Layer.TRANSLATIONAL, parent=root, unit=cast.team, owner=cast.manager)
    Goal.objects.filter(pk=stale.pk).update(created=timezone.now() - timedelta(days=30))
    return {"cycle": cycle, "cut_off": cut_off, "alone": alone, "root": root, "stale": stale, "draft_root": draft_root}


@pytest.mark.parametrize("role", ["leader", "manager", "employee", "other_employee"])
def test_only_hr_and_admins_see_the_report(as_role, role):
    assert as_role(role).get(URL).status_code == 403
    assert as_role(role).get(URL, {"format": "csv"})["Content-Type"] == "application/json"


def test_summary_of_a_cycle(as_role, cast, current):
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk}).json()
    assert body["cycles"] == [current["cycle"].pk]
    assert body["goals_per_layer"] == {"intent": 2, "translational": 2, "operational": 0, "personal": 1}
    assert body["goals_total"] == 5
    orphans = {row["id"]: row["reason"] for row in body["orphaned_goals"]["results"]}
    assert orphans == {current["cut_off"].pk: "intent_not_published", current["alone"].pk: "no_parent"}
    assert [row["id"] for row in body["stale_goals"]["results"]] == [current["stale"].pk]
    without = {row["username"] for row in body["people_without_goals"]["results"]}
    assert without == {"admin", "hr", "other_employee"}


def test_default_scope_is_the_active_cycles(as_role, cast, current):
    Cycle.objects.filter(pk=cast.year.pk).update(status=Cycle.Status.PLANNING)
    assert as_role("admin").get(URL).json()["cycles"] == [current["cycle"].pk]


def test_cycle_scope_includes_cycles_inside_it(as_role, cast):
    quarter = CycleFactory(name="Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    assert as_role("admin").get(URL, {"cycle": cast.year.pk}).json()["cycles"] == sorted([cast.year.pk, quarter.pk])


def test_archived_goals_and_inactive_people_do_not_count(as_role, cast, current):
    goal_services.goal_archive(actor=None, goal=current["alone"])
    PersonFactory(username="gone", unit=cast.team, is_active=False)
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk}).json()
    assert current["alone"].pk not in [row["id"] for row in body["orphaned_goals"]["results"]]
    assert "gone" not in {row["username"] for row in body["people_without_goals"]["results"]}


def test_limit_cuts_the_lists_but_not_the_counts(as_role, current):
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk, "limit": 1}).json()
    assert body["orphaned_goals"]["count"] == 2 and len(body["orphaned_goals"]["results"]) == 1


@pytest.mark.parametrize("params", [{"cycle": "x"}, {"cycle": 999999}, {"limit": 5000}, {"limit": -1}])
def test_bad_parameters_are_400(as_role, params):
    response = as_role("hr").get(URL, params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def test_unknown_format_is_400_naming_it(as_role):
    response = as_role("hr").get(URL, {"format": "pdf"})
    assert response.status_code == 400 and "format" in response.json()


def test_motivation_is_shown_only_for_groups_of_five_or_more(as_role, cast, current):
    for n in range(5):
        person = PersonFactory(username=f"m{n}", unit=cast.team)
        GoalFactory(layer=Layer.PERSONAL, cycle=current["cycle"], unit=cast.team, owner=person, motivation="own")
    GoalFactory(
        layer=Layer.PERSONAL, cycle=current["cycle"], unit=cast.team, owner=cast.employee, motivation="pressure"
    )
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk}).json()
    assert body["motivation"] == {"own": 5, "expected": None, "pressure": None}


def test_csv_download_has_every_row_and_neutralises_formulas(as_role, current):
    response = as_role("hr").get(URL, {"cycle": current["cycle"].pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]
    orphan = next(row for row in rows if row[0] == "orphaned_goal" and row[1] == str(current["alone"].pk))
    assert orphan[2] == '\'=HYPERLINK("http://x")'
    assert {row[0] for row in rows} == {"section", "summary", "orphaned_goal", "person_without_goal", "stale_goal"}


def test_xlsx_download_has_a_sheet_per_list(as_role, current):
    response = as_role("admin").get(URL, {"cycle": current["cycle"].pk, "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Summary", "Orphaned goals", "People without goals", "Stale goals"]
    titles = [row[1] for row in workbook["Orphaned goals"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in titles  # text, not a formula
    assert workbook["Orphaned goals"]["B2"].data_type == "s"


def test_xlsx_drops_control_characters_it_cannot_hold(as_role, cast, current):
    Goal.objects.filter(pk=current["alone"].pk).update(title="bell\x07", status=GoalStatus.ACTIVE)
    response = as_role("admin").get(URL, {"cycle": current["cycle"].pk, "format": "xlsx"})
    assert response.status_code == 200
