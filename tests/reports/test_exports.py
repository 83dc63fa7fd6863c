"""The report's CSV and XLSX: every section, read back as written, with formulas neutralised."""

import csv
import io
from collections import Counter
from datetime import datetime

import pytest
from openpyxl import load_workbook

from apps.goals.models import Goal, Layer, Motivation
from apps.reports import export
from apps.reports.renderers import CSVRenderer, Formatted, XLSXRenderer, safe_cell, xlsx_value
from apps.reports.selectors import alignment_summary
from tests.factories import GoalFactory, PersonFactory, UnitFactory

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


@pytest.fixture
def report(nord):
    return alignment_summary(nord.cycle, shown=None)


def _xlsx(sections) -> object:
    file = io.BytesIO()
    XLSXRenderer().write(sections, file)
    file.seek(0)
    return load_workbook(file)


def _csv(rows) -> list[list[str]]:
    file = io.BytesIO()
    CSVRenderer().write(rows, file)
    return list(csv.reader(io.StringIO(file.getvalue().decode())))


def _csv_dicts(rows) -> list[dict[str, str]]:
    """The CSV as written, each row keyed by its header's names."""
    file = io.BytesIO()
    CSVRenderer().write(rows, file)
    return list(csv.DictReader(io.StringIO(file.getvalue().decode())))


def _expected_cell(value):
    if isinstance(value, Formatted):
        value = value.value
    value = xlsx_value(value)
    return None if value == "" else value


def test_xlsx_round_trip_gives_back_every_section_as_written(report):
    sections = export.sections(report)
    workbook = _xlsx(sections)
    assert workbook.sheetnames == [section.title for section in sections]
    for section in sections:
        read = [list(row) for row in workbook[section.title].iter_rows(values_only=True)]
        assert read[0] == section.header
        expected = [[_expected_cell(value) for value in row] for row in section.rows()]
        assert len(read) - 1 == len(expected), section.title
        for got, want in zip(read[1:], expected, strict=True):
            assert len(got) == len(want) and all(map(_same, got, want)), (section.title, got, want)


def _same(got, want) -> bool:
    """Equal, except that Excel keeps times to the millisecond."""
    if isinstance(got, datetime) and isinstance(want, datetime):
        return abs((got - want).total_seconds()) <= 0.001
    return got == want


def test_xlsx_sections_hold_the_known_figures(nord, report):
    workbook = _xlsx(export.sections(report))
    gaps = [row for row in workbook["Alignment gaps"].iter_rows(min_row=2, values_only=True)]
    assert [(row[0], round(row[-1], 2)) for row in gaps] == [(nord.goals["I1"].pk, -0.5), (nord.goals["T1"].pk, -0.3)]
    copies = [row[0] for row in workbook["Copied goals"].iter_rows(min_row=2, values_only=True)]
    assert copies == [nord.goals["O1"].pk, nord.goals["P_b1"].pk]
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["coverage"] == pytest.approx(3 / 8)
    assert summary["orphaned_goals"] == 3


def test_copied_goals_read_the_same_whether_the_scan_kept_them_or_not(nord, report):
    kept = list(export.copy_rows(report))
    assert report.copies.complete and len(kept) == 2
    assert list(export.copy_rows(alignment_summary(nord.cycle, shown=1))) == kept


def test_xlsx_sheets_have_a_bold_frozen_header_and_number_formats(report):
    workbook = _xlsx(export.sections(report))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    gaps = workbook["Alignment gaps"]
    assert gaps.cell(row=2, column=7).number_format == "0%"  # measured progress
    assert workbook["Summary"]["B" + str(_row_of(workbook["Summary"], "coverage"))].number_format == "0%"
    assert workbook["Check-in cadence"].cell(row=2, column=4).number_format in ("0.0", "General")
    assert workbook["Stale goals"].cell(row=2, column=7).number_format == "yyyy-mm-dd hh:mm"


def _row_of(sheet, figure: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == figure)


def test_csv_round_trip_gives_back_every_row_as_written(report):
    rows = list(export.csv_rows(report))
    read = _csv(rows)
    assert read[0] == export.CSV_HEADER
    assert read == [["" if value is None else str(safe_cell(value)) for value in row] for row in rows]
    assert all(len(row) == 8 for row in read)


def test_csv_pairs_each_figure_with_its_thing(nord, report):
    read = _csv(export.csv_rows(report))
    gap = {row[0]: row[7] for row in read if row[1] == str(nord.goals["I1"].pk) and row[0].startswith("alignment_gap")}
    assert gap == {
        "alignment_gap": "-0.5",
        "alignment_gap.measured_progress": "0.2",
        "alignment_gap.rollup_progress": "0.7",
    }
    assert [row[0] for row in read if row[1] == str(nord.goals["I1"].pk) and row[0].startswith("intent")] == [
        "intent",
        "intent.status",
        "intent.health",
        "intent.measured_progress",
        "intent.rollup_progress",
        "intent.gap",
    ]
    units = {(row[0], row[2]): row[7] for row in read if row[0].startswith("unit.")}
    assert units[("unit.headcount", "Sales")] == "6"
    assert units[("unit.copied_goals", "Team A")] == "1"
    cadence = {(row[0], row[2]): row[7] for row in read if row[0].startswith("cadence.")}
    assert float(cadence[("cadence.median_days_between_checkins", "Team A")]) == pytest.approx(10)
    assert ("cadence.median_days_between_checkins", "Team B") not in cadence  # none: left out


def test_csv_puts_each_value_under_its_header(nord, report):
    read = _csv_dicts(export.csv_rows(report))

    def found(section: str, id: object) -> dict[str, str]:
        return next(row for row in read if row["section"] == section and row["id"] == str(id))

    def expected(**cells) -> dict[str, str]:
        return {name: str(cells.get(name, "")) for name in export.CSV_HEADER}

    hanne, t2, sales = nord.people["hanne"], nord.goals["T2"], nord.sales
    assert found("person_without_goal", hanne.pk) == expected(
        section="person_without_goal", id=hanne.pk, name=hanne.name, owner="hanne", unit="Nord"
    )
    assert found("orphaned_goal", t2.pk) == expected(
        section="orphaned_goal",
        id=t2.pk,
        name=t2.title,
        layer="translational",
        owner=nord.people["o1"].name,
        unit="Ops",
        cycle="Now",
        value="intent_not_published",
    )
    p_b1 = nord.goals["P_b1"]  # never checked in: quiet since it was created
    assert found("stale_goal", p_b1.pk)["value"] == nord.goal("P_b1").created.isoformat()
    assert found("unit.headcount", sales.pk) == expected(section="unit.headcount", id=sales.pk, name="Sales", value=6)
    assert found("cadence.checkins", nord.team_a.pk) == expected(
        section="cadence.checkins", id=nord.team_a.pk, name="Team A", value=5
    )


def _answers(unit, cycle, people_per_answer: dict[str, int]) -> None:
    for motivation, people in people_per_answer.items():
        for n in range(people):
            person = PersonFactory(username=f"{unit.name}-{motivation}-{n}", unit=unit)
            GoalFactory(layer=Layer.PERSONAL, cycle=cycle, unit=unit, owner=person, motivation=motivation)


def test_each_section_counts_the_csv_rows_one_of_its_rows_gives(nord):
    """The progress of a CSV export counts `csv_rows_each` CSV rows per sheet row: one per figure. A unit whose
    figures all show (five people or more behind each motivation, a translational goal for its share from
    proposals) gives exactly that many."""
    crew = UnitFactory(name="Crew", parent=nord.ops)
    _answers(crew, nord.cycle, dict.fromkeys(Motivation.values, 5))
    GoalFactory(layer=Layer.TRANSLATIONAL, parent=nord.goals["I1"], unit=crew, title="Crew's own translation")
    report = alignment_summary(nord.cycle, shown=None)
    per_thing = Counter((row["section"].split(".")[0], row["id"]) for row in _csv_dicts(export.csv_rows(report)))
    csv_rows_each = {section.title: section.csv_rows_each for section in export.sections(report)}
    a_row_of = {
        "Units": ("unit", crew.pk),
        "Motivation": ("motivation", crew.pk),
        "Strategic intents": ("intent", nord.goals["I1"].pk),
        "Check-in cadence": ("cadence", nord.nord.pk),
    }
    assert {title: csv_rows_each[title] for title in a_row_of} == {
        title: per_thing[kind, str(pk)] for title, (kind, pk) in a_row_of.items()
    }


def test_csv_sections_for_each_figure_of_the_issue(report):
    sections = {row[0] for row in _csv(export.csv_rows(report))}
    assert {
        "summary",
        "orphaned_goal",
        "person_without_goal",
        "stale_goal",
        "goal_without_metric",
        "goal_at_risk",
        "alignment_gap",
        "copied_goal",
        "intent",
        "intent.measured_progress",
        "intent.rollup_progress",
        "unit.coverage",
        "cadence.median_days_between_checkins",
    } <= sections


def test_motivation_of_fewer_than_five_people_is_in_no_export(nord, report):
    workbook = _xlsx(export.sections(report))
    assert list(workbook["Motivation"].iter_rows(min_row=2, values_only=True)) == []
    assert not [row for row in _csv(export.csv_rows(report)) if row[0].startswith("motivation.") and row[1]]


# --- Formula injection ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_safe_cell_neutralises_what_a_spreadsheet_would_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-2, -0.5, 0, "plain", "a=b", "x-1"])
def test_safe_cell_leaves_numbers_and_harmless_text_alone(value):
    assert safe_cell(value) == value


@pytest.fixture
def injected(nord):
    """Goals, a unit and a person whose names a spreadsheet would run as formulas, in several sections."""
    unit = UnitFactory(name="=cmd|' /C calc'!A0", parent=nord.ops)
    person = PersonFactory(username="mallory", name="@SUM(1+1)*cmd", unit=unit)
    PersonFactory(username="idle", name="-2+3", unit=unit)
    for text in INJECTIONS:
        goal = GoalFactory(title=f"x{text}", layer=Layer.PERSONAL, cycle=nord.cycle, unit=unit, owner=person)
        Goal.objects.filter(pk=goal.pk).update(title=text)  # the services strip titles; an import might not
    Goal.objects.filter(title='=HYPERLINK("http://x","y")').update(measured_progress=0.0, rollup_progress=0.0)
    return alignment_summary(nord.cycle, shown=None)


def test_csv_neutralises_every_text_cell_that_starts_a_formula(injected):
    read = _csv(export.csv_rows(injected))
    cells = [cell for row in read for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert "'@SUM(1+1)*cmd" in cells and "'-2+3" in cells and "'=cmd|' /C calc'!A0" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-") and not _is_number(cell)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_xlsx_neutralises_every_text_cell_that_starts_a_formula(injected):
    workbook = _xlsx(export.sections(injected))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert '\'=HYPERLINK("http://x","y")' in texts
    assert "'\tcmd" in texts and "'+1+1" in texts and "'-2+3" in texts
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_drops_control_characters_it_cannot_hold(nord):
    GoalFactory(title="bell\x07", layer=Layer.PERSONAL, cycle=nord.cycle, unit=nord.ops, owner=nord.people["o1"])
    workbook = _xlsx(export.sections(alignment_summary(nord.cycle, shown=None)))
    titles = [row[1] for row in workbook["Orphaned goals"].iter_rows(min_row=2, values_only=True)]
    assert "bell" in titles
