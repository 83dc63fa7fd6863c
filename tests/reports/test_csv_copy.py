"""The long CSV with its goal lists written by PostgreSQL's COPY (apps.reports.csvcopy) is the CSV the Python path
writes (apps.reports.csvlines), byte for byte, whatever the titles, names and figures hold."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, Layer
from apps.org.models import Person, Unit
from apps.reports import csvcopy, csvlines, readahead, services
from apps.reports.copies import copied_goals
from apps.reports.models import ExportJob
from apps.reports.renderers import FORMULA_TRIGGERS, Counter
from apps.reports.selectors import alignment_summary
from tests.factories import GoalFactory, PersonFactory, UnitFactory

NASTY = [
    "a, b",
    'say "hi"',
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nin it",
    "=1+1",
    "+cmd",
    "-2",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    '=HYPERLINK("http://x","y")',
    "",
    " padded ",
    "ünïcødé ✓ 日本",
    "\\.",
    '"',
    ",",
    "it's",
    "x" * 300,
]
# Progress below the at-risk line, several on a tie at the seventh decimal (0.0078125 is 1/128: exactly on it).
LOW = [0.0078125, 0.0234375, 0.1234565, 0.1 + 0.2, 1e-05, 5e-07, 0.0, 0.25 - 1e-12, 2 / 9]
GAPS = [(0.2, 0.7), (0.5078125, 0.0), (1.0, 0.0), (0.9, 0.1 + 0.2), (0.0, 0.9999995), (2 / 3, 0.1)]
COPY_SCORES = [0.8046875, 0.9999995, 1.0, 0.8, 0.85 + 1e-9, 0.8125]


def _update(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def nasty(nord):
    """Nord with goals in every list whose titles, owners, units and cycle hold what a CSV must quote or a
    spreadsheet would run, with figures on rounding ties and moments with and without microseconds."""
    unit = UnitFactory(name="x", parent=nord.team_a)
    _update(Unit, unit.pk, name="=cmd|' /C calc'!A0, \"North\"")
    _update(Cycle, nord.cycle.pk, name='@Now, "Q1"\nfull')
    owners = []
    for n, name in enumerate(["", "=evil", 'Ann, "B"', "ünï\nline", "-", "Plain"]):
        person = PersonFactory(username=f"nasty{n}", unit=unit)
        _update(Person, person.pk, name=name, username=f"+user{n}" if n % 2 == 0 else f"user {n}")
        owners.append(person)
    now = timezone.now()
    old = now.replace(microsecond=0) - timedelta(days=40)
    for n, title in enumerate(NASTY):
        goal = GoalFactory(title=f"goal {n}", layer=Layer.PERSONAL, cycle=nord.cycle, unit=unit, owner=owners[n % 6])
        quiet = old + timedelta(seconds=n, microseconds=0 if n % 2 else 123456)
        fields = {"title": title, "created": old, "last_activity_at": quiet if n % 3 else None}
        _update(Goal, goal.pk, progress=LOW[n % len(LOW)], **fields)
        if n < len(GAPS):
            measured, rolled = GAPS[n]
            _update(Goal, goal.pk, measured_progress=measured, rollup_progress=rolled)
    parent = nord.goals["T1"]
    for n, score in enumerate(COPY_SCORES):
        copy = GoalFactory(title=parent.title, layer=Layer.PERSONAL, parent=parent, unit=unit, owner=owners[n])
        _update(Goal, copy.pk, title=NASTY[n], copy_score=score, progress=0.9)
    _update(Goal, parent.pk, title='=Increase, "revenue"\n10%')
    for node in (nord.nord, nord.sales, nord.team_a):
        node.refresh_from_db()  # the unit added below renumbered their nested-set ranges
    return nord


def _python_csv(summary) -> bytes:
    return "".join(csvlines.csv_lines(summary)).encode()


def _copied_csv(summary) -> bytes:
    return b"".join(csvcopy.csv_bytes(summary))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


@pytest.mark.parametrize("scope", ["organisation", "unit"])
def test_the_copied_csv_is_the_python_csv(nasty, scope, postgres):
    summary = alignment_summary(nasty.cycle, unit=nasty.team_a if scope == "unit" else None, shown=None)
    python = _python_csv(summary)
    copied = _copied_csv(summary)
    sections = {row[0].partition(".")[0] for row in _rows(python)}
    assert set(csvcopy.GOAL_LISTS) <= sections  # every list has rows: each is compared
    assert _rows(copied) == _rows(python)
    assert copied == python


def test_the_copy_neutralises_formulas_in_every_goal_cell(nasty, postgres):
    summary = alignment_summary(nasty.cycle, shown=None)
    listed = [row for row in _rows(_copied_csv(summary)) if row[0].partition(".")[0] in csvcopy.GOAL_LISTS]
    texts = {"orphaned_goal", "goal_at_risk", "copied_goal.parent_title"}  # reason, health, the parent's title
    cells = [cell for row in listed for cell in row[2:7] + (row[7:] if row[0] in texts else [])]
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert {"'=1+1", "'@SUM(A1)", "'=evil", "'+user0", "'=cmd|' /C calc'!A0, \"North\"", '\'@Now, "Q1"\nfull'} <= set(
        cells
    )
    assert '\'=Increase, "revenue"\n10%' in {row[7] for row in listed if row[0] == "copied_goal.parent_title"}


def test_figures_and_moments_are_written_as_python_writes_them(postgres):
    figures = [*LOW, 0.7 - 0.2, -1e-9, -0.0, 1 / 3, 0.9999995, 0.5078125, 1.5e-05, 0.0001, -1.0, 1.0, *COPY_SCORES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {csvcopy._figure_sql('x')} FROM unnest(%s::float8[]) WITH ORDINALITY AS t(x, n) ORDER BY n",
            [[*figures, None]],
        )
        written = [text for (text,) in cursor.fetchall()]
    assert written == [str(round(x, 6)) for x in figures] + [None]
    moments = [timezone.now().replace(microsecond=0), timezone.now().replace(microsecond=5), timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'America/New_York'")  # whatever the session's zone: UTC, as Django reads it
        cursor.execute(
            f"SELECT {csvcopy._moment_sql('x')} FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS t(x, n) ORDER BY n",
            [moments],
        )
        written = [text for (text,) in cursor.fetchall()]
    connection.close()  # the next test's connection is in UTC again
    assert written == [moment.isoformat() for moment in moments]


def test_the_copy_counts_rows_not_line_breaks(nasty, postgres):
    summary = alignment_summary(nasty.cycle, shown=None)
    reported, file = [], io.BytesIO()
    counter = Counter(reported.append, every=1)
    csvcopy.write_csv(summary, file, counter)
    assert file.getvalue() == _python_csv(summary)
    assert counter.rows == len(_rows(file.getvalue())) < file.getvalue().count(b"\n")


def test_without_copy_the_csv_is_the_python_path(nasty, monkeypatch):
    monkeypatch.setattr(csvcopy, "can_copy", lambda: False)
    summary = alignment_summary(nasty.cycle, shown=None)
    file = io.BytesIO()
    csvcopy.write_csv(summary, file)
    assert file.getvalue() == _python_csv(summary)


@pytest.mark.django_db(transaction=True)
def test_committed_goal_lists_are_copied_in_reading_threads(postgres, monkeypatch):
    monkeypatch.setattr(csvcopy, "BLOCK_ROWS", 7)  # a list of several blocks
    unit = UnitFactory(name='Crew, "A"')
    owner = PersonFactory(username="crew", name="=crew", unit=unit)
    for n in range(30):
        GoalFactory(title=NASTY[n % len(NASTY)] or "-", layer=Layer.PERSONAL, unit=unit, owner=owner)
    summary = alignment_summary(shown=None)
    assert readahead.can_read_ahead()
    copied = _copied_csv(summary)
    assert copied == _python_csv(summary)
    assert sum(1 for row in _rows(copied) if row[0] == "orphaned_goal") == 30


def test_the_lists_read_the_summarys_querysets(nasty):
    summary = alignment_summary(nasty.cycle, unit=nasty.sales, shown=None)
    own = {
        "goal_at_risk": summary.goals_at_risk,
        "stale_goal": summary.stale_goals,
        "goal_without_metric": summary.goals_without_metric,
        "orphaned_goal": summary.orphaned_goals,
        "copied_goal": copied_goals(summary.scope),
        "alignment_gap": summary.alignment_gaps,
    }
    assert own.keys() == csvcopy.GOAL_LISTS.keys()
    for kind, goals in csvcopy.GOAL_LISTS.items():
        assert str(goals.queryset(summary.scope, summary.gap_threshold).query) == str(own[kind].query), kind


@pytest.mark.parametrize(
    ("copied", "rows", "written"),
    [
        (b"a,1\nb,2\n", 2, b"a,1\r\nb,2\r\n"),
        (b'a,"x\ny"\nb,"""q""\n"\n', 2, b'a,"x\ny"\r\nb,"""q""\n"\r\n'),
        (b'"\n\n",""""\n', 1, b'"\n\n",""""\r\n'),
    ],
)
def test_a_line_feed_inside_a_cell_stays_and_a_rows_end_becomes_crlf(copied, rows, written):
    assert csvcopy._crlf(copied, rows) == csvcopy.Block(written, rows)


@pytest.mark.django_db(transaction=True)
def test_the_export_job_reads_the_lists_while_it_works_out_the_summary(postgres):
    unit = UnitFactory(name='Crew, "B"')
    owner = PersonFactory(username="crew", name="@crew", unit=unit, role=Person.Role.HR)
    for n in range(50):
        GoalFactory(title=NASTY[n % len(NASTY)] or "-", layer=Layer.PERSONAL, unit=unit, owner=owner)
    job = ExportJob.objects.create(requested_by=owner, format=ExportJob.Format.CSV)
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    summary = alignment_summary(shown=None)
    with job.file.open("rb") as file:
        assert file.read() == _python_csv(summary)
    assert job.rows == len(_rows(_python_csv(summary)))
    other = csvcopy.lists_started(None, UnitFactory(name="Elsewhere"))  # another scope's lists are not used
    file = io.BytesIO()
    csvcopy.write_csv(summary, file, lists=other)
    assert file.getvalue() == _python_csv(summary)
    job.file.delete(save=False)
