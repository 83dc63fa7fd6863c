"""reports/alignment/: the summary for HR and admins, as JSON, CSV or XLSX."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer
from tests.factories import CycleFactory, GoalFactory, PersonFactory, UnitFactory

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
    assert {row[0] for row in rows} >= {"section", "summary", "orphaned_goal", "person_without_goal", "stale_goal"}
    assert all(len(row) == len(rows[0]) for row in rows)


def test_xlsx_download_has_a_sheet_per_list(as_role, current):
    response = as_role("admin").get(URL, {"cycle": current["cycle"].pk, "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:4] == ["Summary", "Orphaned goals", "People without goals", "Stale goals"]
    titles = [row[1] for row in workbook["Orphaned goals"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in titles  # text, not a formula
    assert workbook["Orphaned goals"]["B2"].data_type == "s"


def test_xlsx_drops_control_characters_it_cannot_hold(as_role, cast, current):
    Goal.objects.filter(pk=current["alone"].pk).update(title="bell\x07", status=GoalStatus.ACTIVE)
    response = as_role("admin").get(URL, {"cycle": current["cycle"].pk, "format": "xlsx"})
    assert response.status_code == 200


# --- The full report (fields added; the earlier ones above keep their shape) ----------------------------


def test_the_summary_adds_the_full_reports_figures(as_role, cast, current):
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk}).json()
    assert body["unit"] is None
    assert body["headcount"] == 6
    # manager (cut_off, stale), employee (alone), leader (root): the manager's stale goal reaches `root`
    assert body["people_with_active_goal"] == 3
    assert body["people_aligned"] == 2  # leader (the root intent itself) and manager (stale under it)
    assert body["coverage"] == pytest.approx(2 / 6)
    assert body["alignment_gap_threshold"] == 0.25 and body["copy_threshold"] == 0.8
    assert body["goals_without_metric"]["count"] == 4
    assert [intent["id"] for intent in body["intents"]] == [current["root"].pk]
    assert {unit["name"] for unit in body["units"]["results"]} >= {"Acme", "Sales", "APAC team"}
    for name in ("goals_at_risk", "alignment_gaps", "copied_goals", "cadence"):
        assert set(body[name]) == {"count", "results"}, name


def test_the_summary_of_one_unit_covers_its_subtree(as_role, cast, current):
    body = as_role("hr").get(URL, {"cycle": current["cycle"].pk, "unit": cast.sales.pk}).json()
    assert body["unit"] == cast.sales.pk
    assert body["headcount"] == 3  # leader, manager, employee
    assert [unit["name"] for unit in body["units"]["results"]] == ["Sales", "APAC team"]
    assert {row["id"] for row in body["orphaned_goals"]["results"]} == {current["cut_off"].pk, current["alone"].pk}


def test_an_unknown_unit_is_400(as_role):
    response = as_role("hr").get(URL, {"unit": 999999})
    assert response.status_code == 400 and "unit" in response.json()


def test_the_summary_never_says_who_answered_what(as_role, cast, current):
    text = as_role("hr").get(URL, {"cycle": current["cycle"].pk}).content.decode()
    assert "To prove I can" not in text and "trusted advisor" not in text
    units = as_role("hr").get(URL, {"cycle": cast.year.pk}).json()["units"]["results"]
    assert all(set(unit["motivation"].values()) == {None} for unit in units)  # one or two people each


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


def test_the_summary_costs_the_same_whatever_the_size(as_role, cast, current, commit):
    client, params = as_role("hr"), {"cycle": current["cycle"].pk}
    assert _queries(client, params) == 34  # the first report counts its figures, stores them and reads its rows back
    counts = []
    for size in (2, 12):
        with commit():  # the rollup job keeps the stored figures current
            for n in range(size):
                unit = UnitFactory(parent=cast.ops, name=f"U{size}-{n}")
                owner = PersonFactory(unit=unit)
                GoalFactory(layer=Layer.PERSONAL, cycle=current["cycle"], unit=unit, owner=owner, motivation="own")
                GoalFactory(
                    layer=Layer.PERSONAL, parent=current["stale"], unit=unit, owner=owner, title=current["stale"].title
                )
        counts.append(_queries(client, params))
    # The lists are read as plain values (their owners, units and cycles are ids: nothing more to read); the few
    # off-track goals are sorted below their line, the at-risk ones walked along the progress index and read; the
    # units shown are counted.
    assert counts == [18, 18]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_of_a_unit(as_role, cast, current, fmt):
    response = as_role("hr").get(URL, {"cycle": current["cycle"].pk, "unit": cast.ops.pk, "format": fmt})
    assert response.status_code == 200
