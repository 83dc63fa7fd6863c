"""The exports' fast paths: the long CSV built by positions equals the one built by name before it, the workbook
rendered as SheetML keeps what openpyxl's writer kept, and rows read ahead in a thread are the same rows."""

import io
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook
from psycopg.postgres import types as pg_types
from psycopg.pq import Format

from apps.goals.models import Goal, Layer
from apps.reports import csvlines, export, readahead, tables
from apps.reports.renderers import Counter, CSVRenderer, Formatted, XLSXRenderer, safe_cell
from apps.reports.selectors import alignment_summary
from apps.reports.workbook import BLOCK, RowStreamSheet, text_xml
from tests.factories import GoalFactory, PersonFactory, UnitFactory

TIMESTAMPTZ_OID = pg_types["timestamptz"].oid
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


# --- The long CSV: as it was built before, by name (the reference) ------------------------------------------

_BLANK = dict.fromkeys(export.CSV_HEADER, "")
_in_order = itemgetter(*export.CSV_HEADER)


def _reference_row(cells: dict) -> list:
    return list(_in_order(_BLANK | cells))


def _value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _named(section):
    for row in section.rows():
        yield dict(zip(section.header, row, strict=True))


def _reference_goals(kind, section, key):
    for row in _named(section):
        goal = {column: row.pop(name) for name, column in export.GOAL_CELLS.items()}
        yield _reference_row({"section": kind, **goal, "value": _value(row.pop(key))})
        for name, value in row.items():
            yield _reference_row({"section": f"{kind}.{name}", **goal, "value": _value(value)})


def _reference_units(kind, section, cells):
    for row in _named(section):
        unit = {column: row.pop(name) for name, column in cells.items()}
        for name, value in row.items():
            if value is not None:
                yield _reference_row({"section": f"{kind}.{name}", **unit, "value": value})


def _reference_csv_rows(summary):
    yield export.CSV_HEADER
    for name, value in export.summary_rows(summary):
        yield _reference_row({"section": "summary", "name": name, "value": value})
    yield from _reference_goals("orphaned_goal", export.orphan_section(summary), "reason")
    for person in _named(export.people_section(summary)):
        cells = {"id": person["id"], "name": person["name"] or person["username"], "owner": person["username"]}
        yield _reference_row({"section": "person_without_goal", **cells, "unit": person["unit"]})
    yield from _reference_goals("stale_goal", export.stale_section(summary), "last_activity")
    yield from _reference_goals("goal_without_metric", export.without_metric_section(summary), "progress")
    yield from _reference_goals("goal_at_risk", export.at_risk_section(summary), "health")
    yield from _reference_goals("alignment_gap", export.gap_section(summary), "gap")
    yield from _reference_goals("copied_goal", export.copy_section(summary), "similarity")
    yield from _reference_goals("intent", export.intent_section(summary), "progress")
    yield from _reference_units("unit", export.unit_section(summary), export.UNIT_CELLS)
    yield from _reference_units("cadence", export.cadence_section(summary), export.TEAM_CELLS)
    yield from _reference_units("motivation", export.motivation_section(summary), export.MOTIVATION_CELLS)


def _csv_text(rows, **kwargs) -> str:
    file = io.BytesIO()
    CSVRenderer().write(rows, file, **kwargs)
    return file.getvalue().decode()


@pytest.fixture
def injected(nord):
    """Names a spreadsheet would run as formulas, in several sections, and a person without a name."""
    unit = UnitFactory(name="=cmd|' /C calc'!A0", parent=nord.ops)
    person = PersonFactory(username="mallory", name="@SUM(1+1)*cmd", unit=unit)
    PersonFactory(username="-idle", name="", unit=unit)
    for text in INJECTIONS:
        goal = GoalFactory(title=f"x{text}", layer=Layer.PERSONAL, cycle=nord.cycle, unit=unit, owner=person)
        Goal.objects.filter(pk=goal.pk).update(title=text)
    Goal.objects.filter(title='=HYPERLINK("http://x","y")').update(measured_progress=0.0, rollup_progress=0.9)
    return alignment_summary(nord.cycle, shown=None)


def test_the_csv_built_by_positions_is_the_csv_built_by_name(injected):
    reference = "".join(CSVRenderer().stream(_reference_csv_rows(injected)))
    assert reference.count("\n") > 100
    assert _csv_text(export.csv_rows(injected), neutralised=True) == reference  # the export job's path
    assert "".join(CSVRenderer().stream(export.csv_rows(injected))) == reference  # the download's path
    assert _csv_text(export.csv_rows(injected)) == reference
    assert "".join(csvlines.csv_lines(injected)) == reference  # the export job's lines


@pytest.mark.parametrize(
    "title", ['say "hi"', "a, b", "line\nbreak", "carriage\rreturn", " padded ", "", "plain", "=1,2", 'x"', "ünï"]
)
def test_a_csv_line_is_what_the_csv_module_writes(title):
    import csv

    row = ["goal", 7, title, None, 0.1 + 0.2, -0.5, True, 12345678901234567890]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    assert csvlines.line(row) == buffer.getvalue()


def test_the_job_writes_the_csv_lines_with_progress(injected):
    reported, file = [], io.BytesIO()
    CSVRenderer().write_lines(csvlines.csv_lines(injected), file, Counter(reported.append, every=10))
    assert file.getvalue().decode() == "".join(CSVRenderer().stream(_reference_csv_rows(injected)))
    assert reported == [file.getvalue().decode().count("\r\n")]


def test_the_csv_rows_come_neutralised(injected):
    cells = [cell for row in export.csv_rows(injected) for cell in row]
    assert all(safe_cell(cell) == ("" if cell is None else cell) for cell in cells)
    assert "'@SUM(1+1)*cmd" in cells and "'-idle" in cells


def test_a_row_that_does_not_fit_its_sections_columns_is_refused(nord):
    section = export.orphan_section(alignment_summary(nord.cycle, shown=None))
    section.rows = lambda: iter([[1, "a goal"]])
    with pytest.raises(ValueError, match="a row of 2 cells"):
        list(export._goal_figures("orphaned_goal", section, "reason"))


def test_the_csv_writer_reports_progress_in_blocks():
    reported = []
    text = _csv_text(([n, f"row {n}"] for n in range(12_001)), counter=Counter(reported.append, every=5000))
    assert text.count("\r\n") == 12_001
    assert reported == [6000, 10000]  # blocks of 2,000 rows: reported as each block passes a multiple of 5,000


def test_the_counter_reports_each_multiple_it_passes():
    reported = []
    counter = Counter(reported.append, every=10)
    for rows in (3, 3, 3, 3, 25, 1):
        counter.add(rows)
    assert counter.rows == 38 and reported == [12, 37]


# --- The workbook ----------------------------------------------------------------------------------------------


def _book(sections, counter=None):
    file = io.BytesIO()
    XLSXRenderer().write(sections, file, counter)
    return load_workbook(io.BytesIO(file.getvalue()))


def _section(title, columns, rows, **kwargs):
    return export.Section(title, columns, lambda: iter(rows), len(rows), **kwargs)


def test_the_workbook_keeps_each_columns_number_format_and_each_formatted_cells_own():
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=timezone.get_current_timezone())
    rows = [[1, 0.25, moment, "text", Formatted(0.5, "0.00")], [2, None, None, "", Formatted("words", "0%")]]
    columns = [("id", "0"), ("share", "0%"), ("when", "yyyy-mm-dd hh:mm"), ("note", None), ("mixed", None)]
    sheet = _book([_section("Sheet", columns, rows, formatted_cells=True)])["Sheet"]
    assert [cell.number_format for cell in sheet[2]] == ["0", "0%", "yyyy-mm-dd hh:mm", "General", "0.00"]
    assert [cell.value for cell in sheet[2]] == [1, 0.25, datetime(2026, 3, 1, 12, 30), "text", 0.5]
    assert [cell.value for cell in sheet[3]] == [2, None, None, None, "words"]


def test_the_workbook_writes_moments_as_local_wall_clock_time_and_days_as_dates():
    utc = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.get_fixed_timezone(0))
    rows = [[utc, date(2026, 7, 2), True, Decimal("1.5"), 7]]
    sheet = _book([_section("S", [("a", None), ("b", None), ("c", None), ("d", None), ("e", None)], rows)])["S"]
    moment, day, truth, decimal, number = (cell.value for cell in sheet[2])
    assert moment == timezone.localtime(utc).replace(tzinfo=None)
    assert day == datetime(2026, 7, 2) and sheet["B2"].number_format == "yyyy-mm-dd"
    assert (truth, decimal, number) == (True, 1.5, 7)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("a & b < c > d", "a & b < c > d"),
        ("  padded  ", "  padded  "),
        ("line\nbreak", "line\nbreak"),
        ("carriage\rreturn", "carriage\rreturn"),
        ("bell\x07 and\x1f unit", "bell and unit"),
        ("ünïcødé ✓", "ünïcødé ✓"),
        ("x" * 40_000, "x" * 32_767),
        *[(text, "'" + text) for text in INJECTIONS],
    ],
)
def test_the_workbook_holds_text_as_text(text, read):
    sheet = _book([_section("S", [("text", None)], [[text]])])["S"]
    assert sheet["A2"].value == read and sheet["A2"].data_type == "s"


def test_text_without_anything_to_escape_goes_as_it_is():
    assert text_xml("Grow revenue in the north") == "<t>Grow revenue in the north</t>"
    assert text_xml(" x") == '<t xml:space="preserve"> x</t>'
    assert text_xml("=1+1") == "<t>'=1+1</t>"


def test_the_workbook_has_every_row_in_order_across_blocks_and_sheets():
    many = [[n, f"goal {n}"] for n in range(BLOCK * 2 + 7)]
    ticks = []
    book = _book(
        [_section("First", [("id", "0"), ("title", None)], many), _section("Empty", [("id", None)], [])],
        Counter(ticks.append, every=BLOCK),
    )
    first = book["First"]
    assert first.max_row == len(many) + 1 and first.freeze_panes == "A2"
    assert [list(row) for row in first.iter_rows(min_row=2, values_only=True)] == many
    assert list(book["Empty"].iter_rows(values_only=True)) == [("id",)] and book["Empty"].freeze_panes == "A2"
    assert ticks == [BLOCK, 2 * BLOCK]


def test_the_workbook_sets_column_widths_by_header():
    sheet = _book([_section("S", [("id", None), ("title", None), ("a_long_figure_name", None)], [[1, "t", 2]])])["S"]
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] == pytest.approx(10, abs=1) and widths[1] == pytest.approx(48, abs=1)
    assert widths[2] == pytest.approx(len("a_long_figure_name") + 2, abs=1)


def test_the_readable_workbook_is_the_report(nord):
    report = alignment_summary(nord.cycle, shown=None)
    sheets = tables.sheets(report)
    book = _book(sheets)
    assert book.sheetnames == [sheet.title for sheet in sheets]
    for sheet in tables.sheets(report):
        read = [list(row) for row in book[sheet.title].iter_rows(min_row=2, values_only=True)]
        assert len(read) == len(list(sheet.rows())), sheet.title


def test_rows_go_to_the_sheet_in_order_only():
    sheet = type("Sheet", (), {"constant_memory": True, "previous_row": 5, "table": {}})()
    with pytest.raises(ValueError, match="in order"):
        RowStreamSheet.append_rendered(sheet, "<row/>", 3, 3, 0)


# --- Reading ahead -----------------------------------------------------------------------------------------------


def test_a_reader_hands_over_every_row_in_order():
    rows = list(readahead.Reader(lambda: iter(range(readahead.CHUNK * 3 + 5))))
    assert rows == list(range(readahead.CHUNK * 3 + 5))


def test_a_readers_rows_are_handed_over_once():
    reader = readahead.Reader(lambda: iter([1, 2]))
    assert list(reader) == [1, 2]
    with pytest.raises(RuntimeError, match="once"):
        list(reader)


def test_a_reader_raises_what_its_rows_raised():
    def rows():
        yield 1
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        list(readahead.Reader(rows))


def test_a_reader_left_early_stops_its_thread():
    reader = readahead.Reader(lambda: iter(range(10**7)))
    iterator = iter(reader)
    assert next(iterator) == 0
    iterator.close()
    reader.thread.join(timeout=5)
    assert not reader.thread.is_alive()


def test_inside_a_transaction_rows_are_read_in_the_writers_thread(nord):
    seen = []
    parts = [partial(lambda n: seen.append(threading.current_thread()) or [n], n) for n in range(3)]
    assert list(readahead.rows_read_ahead(parts)) == [0, 1, 2]
    assert seen == [threading.current_thread()] * 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_committed_rows_are_read_ahead_in_threads_and_give_the_same_exports():
    unit = UnitFactory(name="Crew")
    owner = PersonFactory(username="crew", unit=unit)
    for n in range(30):
        GoalFactory(title=f"Goal {n}", layer=Layer.PERSONAL, unit=unit, owner=owner)
    report = alignment_summary(shown=None)
    assert readahead.can_read_ahead()
    ahead = _csv_text(export.csv_rows(report), neutralised=True)
    assert "".join(csvlines.csv_lines(report)) == ahead
    readahead_off = pytest.MonkeyPatch()
    readahead_off.setattr(readahead, "can_read_ahead", lambda: False)
    try:
        assert _csv_text(export.csv_rows(report), neutralised=True) == ahead
        assert _csv_text(_reference_csv_rows(report)) == ahead
    finally:
        readahead_off.undo()
    book = _book(tables.sheets(report))
    assert any(row[1] == "Goal 7" for row in book["Orphaned goals"].iter_rows(min_row=2, values_only=True))


def test_sections_are_read_a_few_ahead_of_the_writer(monkeypatch):
    monkeypatch.setattr(readahead, "can_read_ahead", lambda: True)
    monkeypatch.setattr(readahead.connections, "close_all", lambda: None)
    started = []

    def rows(name):
        started.append(name)
        return iter([[name]])

    names = "abcdefgh"[: readahead.AHEAD + 3]
    sections = [_section(name, [("x", None)], []) for name in names]
    for section in sections:
        section.rows = partial(rows, section.title)
    taken = readahead.read_ahead(sections)
    first = next(taken)
    assert list(first.rows()) == [["a"]]
    for _ in range(100):
        if len(started) == readahead.AHEAD + 1:
            break
        threading.Event().wait(0.01)
    assert sorted(started) == list(names[: readahead.AHEAD + 1])  # the rest wait for the writer to come nearer
    assert [list(section.rows()) for section in taken] == [[[name]] for name in names[1:]]


def test_a_moment_in_a_column_without_format_reads_back_as_a_moment():
    moment = timezone.now().replace(microsecond=0)
    sheet = _book([_section("S", [("when", None)], [[moment]])])["S"]
    assert sheet["A2"].value == timezone.localtime(moment).replace(tzinfo=None)
    assert sheet["A2"].value - timezone.localtime(moment).replace(tzinfo=None) < timedelta(milliseconds=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_a_reading_threads_moments_are_the_ones_django_reads():
    literals = [
        "2026-11-30 08:15:00.123456+00",
        "2026-03-29 01:30:00+02",
        "1999-12-31 23:59:59.5-08",
        "0001-01-01 00:00:00+00",
    ]
    select = "SELECT " + ", ".join(f"'{text}'::timestamptz" for text in literals)
    with connection.cursor() as cursor:
        cursor.execute(select)
        django_reads = cursor.fetchone()
    readahead.read_moments_fast(connection)
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    try:
        assert loader is readahead.UtcMomentLoader
        with connection.cursor() as cursor:
            cursor.execute(select)
            fast_reads = cursor.fetchone()
    finally:
        connection.close()  # the next connection reads moments as Django does
    assert fast_reads == django_reads
    assert [moment.tzinfo for moment in fast_reads] == [moment.tzinfo for moment in django_reads]


def test_the_workbook_is_zipped_fast_and_xlsxwriter_left_as_it_was():
    import zipfile

    import xlsxwriter.workbook

    rows = [[n, f"goal {n}"] for n in range(50)]
    book = _book([_section("S", [("id", None), ("title", None)], rows)])
    assert book["S"]["B51"].value == "goal 49"
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
