"""The report as tables people use at once: a tidy CSV per section (or a ZIP of them), a readable workbook, each
with labels instead of codes, names instead of ids, and a dated file name."""

import csv
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.goals.models import Goal, Layer
from apps.reports import tables
from apps.reports.filenames import download_name
from apps.reports.models import ExportJob
from apps.reports.selectors import alignment_summary
from tests.factories import GoalFactory, PersonFactory, UnitFactory

URL = "/api/v1/reports/alignment/"
CODES = {"off_track", "at_risk", "on_track", "translational", "operational", "no_parent", "intent_not_published"}


@pytest.fixture
def report(nord):
    return alignment_summary(nord.cycle, shown=None)


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _table(data: bytes) -> list[dict[str, str]]:
    """A tidy CSV read as a spreadsheet would: a byte order mark, then a header row and a row per thing."""
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _today() -> str:
    return timezone.localdate().isoformat()


# --- File names -------------------------------------------------------------------------------------------


def test_download_names_carry_the_cycle_the_unit_the_section_and_the_day():
    on = timezone.datetime(2026, 11, 29).date()
    assert download_name(cycle="FY2026", unit=None, on=on, ext="csv") == "alignment-FY2026-2026-11-29.csv"
    assert (
        download_name(cycle="2027 Q1", unit="Team Ålesund", on=on, ext="csv", section="orphaned-goals")
        == "alignment-2027-Q1-Team-Alesund-orphaned-goals-2026-11-29.csv"
    )
    assert download_name(cycle=None, unit=None, on=on, ext="zip") == "alignment-active-cycles-2026-11-29.zip"


def test_every_section_has_the_slug_of_its_title(report):
    for name, make in tables.SECTIONS_BY_SLUG.items():
        assert tables.section_slug(make(report).title) == name


# --- Tidy CSVs ------------------------------------------------------------------------------------------------


def test_each_tidy_csv_is_a_table_with_a_header_row(report):
    for name in tables.SECTION_SLUGS:
        section = tables.sheet(report, name)
        data = "".join(tables.csv_lines(section)).encode()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == section.header, name
        assert all(len(row) == len(rows[0]) for row in rows), name


def test_the_tidy_csvs_say_names_and_labels_not_ids_and_codes(nord, report):
    def read(name: str) -> list[dict[str, str]]:
        return _table("".join(tables.csv_lines(tables.sheet(report, name))).encode())

    summary = {row["Figure"]: row["Value"] for row in read("summary")}
    assert summary["Cycles"] == "Now" and summary["Unit"] == "The whole organisation"
    assert summary["Coverage (%)"] == "37.5" and summary["As of"] == _today()
    orphans = {row["Goal"]: row for row in read("orphaned-goals")}
    t2 = orphans[nord.goals["T2"].title]
    assert (t2["Layer"], t2["Owner"], t2["Unit"], t2["Cycle"]) == (
        "Translational goal",
        nord.people["o1"].name,
        "Ops",
        "Now",
    )
    assert t2["Why orphaned"] == "Its intent is not published"
    health = {row["Goal"]: row["Health"] for row in read("at-risk-or-off-track")}
    assert set(health.values()) <= {"At risk", "Off track"} and "Off track" in health.values()
    units = {row["Unit"]: row for row in read("units")}
    assert units["Team A"]["Parent unit"] == "Sales" and units["Team A"]["Kind"] == "Team"
    gaps = {row["Goal"]: row for row in read("alignment-gaps")}
    assert gaps[nord.goals["I1"].title]["Gap (% points)"] == "-50"
    assert gaps[nord.goals["I1"].title]["Measured progress (%)"] == "20"
    intents = read("strategic-intents")
    assert {row["Status"] for row in intents} <= {"Active", "Draft"}
    copies = read("copied-goals")
    assert "Parent goal" in copies[0] and "parent_id" not in copies[0] and "Parent unit" not in copies[0]
    every_cell = {cell for name in tables.SECTION_SLUGS for row in read(name) for cell in row.values()}
    assert not every_cell & CODES


def test_a_tidy_csv_neutralises_formulas(nord):
    unit = UnitFactory(name="=cmd|' /C calc'!A0", parent=nord.ops)
    person = PersonFactory(username="mallory", name="@SUM(1+1)", unit=unit)
    goal = GoalFactory(title="x", layer=Layer.PERSONAL, cycle=nord.cycle, unit=unit, owner=person)
    Goal.objects.filter(pk=goal.pk).update(title='=HYPERLINK("http://x","y")')
    report = alignment_summary(nord.cycle, shown=None)
    cells = [cell for name in tables.SECTION_SLUGS for row in _rows(report, name) for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells and "'@SUM(1+1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]


def _rows(report, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(tables.csv_lines(tables.sheet(report, name))).lstrip("\ufeff"))))


# --- The workbook --------------------------------------------------------------------------------------------


def test_the_workbook_says_labels_not_codes(nord, report):
    file = io.BytesIO()
    from apps.reports.renderers import XLSXRenderer

    XLSXRenderer().write(tables.sheets(report), file)
    workbook = load_workbook(io.BytesIO(file.getvalue()))
    cells = {cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert not cells & CODES
    assert {"Off track", "Translational goal", "Not linked to any goal", "Active"} <= cells
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Cycles"] == "Now" and summary["Coverage (%)"] == pytest.approx(3 / 8)
    header = next(workbook["Orphaned goals"].iter_rows(max_row=1, values_only=True))
    assert header == ("Id", "Goal", "Layer", "Owner", "Unit", "Cycle", "Why orphaned")


# --- The downloads ----------------------------------------------------------------------------------------------


def test_a_section_downloads_as_a_tidy_csv_with_a_dated_name(api, nord, cast):
    response = api("hr").get(URL, {"cycle": nord.cycle.pk, "format": "csv", "section": "orphaned-goals"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="alignment-Now-orphaned-goals-{_today()}.csv"'
    rows = _table(_content(response))
    assert {row["Why orphaned"] for row in rows} == {"Not linked to any goal", "Its intent is not published"}


def test_an_unknown_section_is_a_400_naming_the_field(api, nord, cast):
    response = api("hr").get(URL, {"format": "csv", "section": "nope"})
    assert response.status_code == 400 and "section" in response.json()


def test_the_long_csv_stays_for_api_clients_with_a_dated_name(api, nord, cast):
    response = api("hr").get(URL, {"cycle": nord.cycle.pk, "format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="alignment-Now-{_today()}.csv"'
    header = next(csv.reader(io.StringIO(_content(response).decode())))
    assert header == ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]


def test_the_zip_holds_one_tidy_csv_per_section(api, nord, cast):
    response = api("hr").get(URL, {"cycle": nord.cycle.pk, "unit": nord.sales.pk, "format": "zip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="alignment-Now-Sales-{_today()}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(_content(response)))
    assert archive.namelist() == [f"alignment-Now-Sales-{name}-{_today()}.csv" for name in tables.SECTION_SLUGS]
    units = _table(archive.read(f"alignment-Now-Sales-units-{_today()}.csv"))
    assert [row["Unit"] for row in units] == ["Sales", "Team A", "Team B"]
    assert units[0]["Parent unit"] == "Nord"


def test_the_xlsx_download_has_a_dated_name(api, nord, cast):
    response = api("hr").get(URL, {"cycle": nord.cycle.pk, "format": "xlsx"})
    assert response["Content-Disposition"] == f'attachment; filename="alignment-Now-{_today()}.xlsx"'


def test_a_zip_export_job_builds_the_same_zip(api, nord, cast, commit):
    with commit():
        created = api("hr").post("/api/v1/reports/exports/", {"format": "zip", "cycle": nord.cycle.pk}, format="json")
    job = ExportJob.objects.get(pk=created.json()["id"])
    assert job.status == "done"
    download = api("hr").get(f"/api/v1/reports/exports/{job.pk}/download/")
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == f'attachment; filename="alignment-Now-{_today()}.zip"'
    from_job = zipfile.ZipFile(io.BytesIO(_content(download)))
    direct = zipfile.ZipFile(io.BytesIO(_content(api("hr").get(URL, {"cycle": nord.cycle.pk, "format": "zip"}))))
    assert from_job.namelist() == direct.namelist()
    assert all(from_job.read(name) == direct.read(name) for name in direct.namelist())


def test_every_section_has_a_title_on_the_page(report):
    assert {name: make(report).title for name, make in tables.SECTIONS_BY_SLUG.items()} == tables.SECTION_TITLES
