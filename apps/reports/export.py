"""The alignment report as tables, for the CSV and XLSX downloads and the export jobs.

A report is a list of `Section`s: a sheet of the workbook each, with a header, a number format
per column and rows generated from the querysets in chunks, so that a download of a large
organisation streams in bounded memory. The CSV holds every section in one long table of eight
columns (`CSV_HEADER`): `section` says what each row is; a thing with several figures (a unit,
an intent, a gap) gives one row per figure, its section named `<kind>.<figure>`, so that
(section, id) is unique and the table pivots back into the sheets.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from operator import itemgetter

from apps.goals.models import Motivation
from apps.org.models import Unit

from .copies import copied_goal_rows
from .figures import Figures
from .readahead import rows_read_ahead
from .renderers import FORMULA_TRIGGERS, Formatted
from .selectors import AlignmentSummary

CHUNK = 2000

# Number formats (Excel's codes) of the workbook's columns.
INTEGER, PERCENT, SCORE, DAYS, DATETIME, TEXT = "0", "0%", "0.00", "0.0", "yyyy-mm-dd hh:mm", None

Column = tuple[str, str | None]  # (header, number format)

# Ids stay in the General format: a style on every row of a long sheet costs time and adds nothing.
GOAL_COLUMNS: list[Column] = [
    ("id", TEXT),
    ("title", TEXT),
    ("layer", TEXT),
    ("owner", TEXT),
    ("unit", TEXT),
    ("cycle", TEXT),
]
CSV_HEADER = ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]

MOTIVATION_COLUMNS: list[Column] = [(value, INTEGER) for value in Motivation.values]
UNIT_KEY_COLUMNS: list[Column] = [("id", INTEGER), ("unit", TEXT)]
UNIT_FIGURE_COLUMNS: list[Column] = [
    ("kind", TEXT),
    ("level", INTEGER),
    ("parent_id", INTEGER),
    ("headcount", INTEGER),
    ("people_with_goal", INTEGER),
    ("people_with_active_goal", INTEGER),
    ("people_aligned", INTEGER),
    ("coverage", PERCENT),
    ("orphaned_goals", INTEGER),
    ("goals_without_metric", INTEGER),
    ("stale_goals", INTEGER),
    ("goals_at_risk", INTEGER),
    ("goals_off_track", INTEGER),
    ("alignment_gaps", INTEGER),
    ("copied_goals", INTEGER),
    ("cascade_goals", INTEGER),
    ("goals_from_proposals", INTEGER),
    ("share_from_proposals", PERCENT),
    ("motivation_answered", INTEGER),
    *MOTIVATION_COLUMNS,
]
INTENT_FIGURE_COLUMNS: list[Column] = [
    ("status", TEXT),
    ("health", TEXT),
    ("measured_progress", PERCENT),
    ("rollup_progress", PERCENT),
    ("progress", PERCENT),
    ("gap", PERCENT),
]
CADENCE_FIGURE_COLUMNS: list[Column] = [
    ("checkins", INTEGER),
    ("median_days_between_checkins", DAYS),
    ("active_goals", INTEGER),
    ("progress", PERCENT),
]
UNIT_COLUMNS = [*UNIT_KEY_COLUMNS, *UNIT_FIGURE_COLUMNS]


@dataclass
class Section:
    """One table of the report: a sheet of the workbook."""

    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[list]]
    expected_rows: int = 0  # for progress; an estimate is enough
    csv_rows_each: int = 1  # rows of the CSV per row of the sheet (one per figure)
    formatted_cells: bool = False  # rows hold Formatted cells (a number format of their own)

    @property
    def header(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def formats(self) -> list[str | None]:
        return [fmt for _, fmt in self.columns]


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def figure(value: float | None) -> float | None:
    """A computed fraction (progress, a gap, a score) to six decimals: 0.2 − 0.7 reads −0.5, not
    −0.49999999999999994."""
    return None if value is None else round(value, 6)


def goal_cells(goal) -> list:
    return [goal.pk, goal.title, goal.layer, _name(goal.owner), _name(goal.unit), _name(goal.cycle)]


# A goal row's six cells, read as plain values (no model instances: an export reads hundreds of thousands).
GOAL_VALUES = ("pk", "title", "layer", "owner__name", "owner__username", "unit__name", "cycle__name")


def _goal_values(row: tuple) -> tuple[list, tuple]:
    """A row read as GOAL_VALUES and then other fields: (the six goal cells, the other fields)."""
    pk, title, layer, owner_name, owner_username, unit, cycle = row[: len(GOAL_VALUES)]
    return [pk, title, layer, owner_name or owner_username, unit, cycle], row[len(GOAL_VALUES) :]


def _goal_rows(queryset, *figures: str) -> Iterator[list]:
    """The six goal cells and then the `figures` of each goal of `queryset`, read in chunks from a server-side
    cursor, one list each (a million rows: no step between the cursor's tuple and the row)."""
    rows = queryset.values_list(*GOAL_VALUES, *figures).iterator(chunk_size=CHUNK)
    for pk, title, layer, owner_name, owner_username, unit, cycle, *values in rows:
        yield [pk, title, layer, owner_name or owner_username, unit, cycle, *values]


# --- The sections' rows ------------------------------------------------------------------------------


def summary_rows(summary: AlignmentSummary) -> list[list]:
    totals = summary.totals
    rows = [["cycles", ", ".join(str(pk) for pk in summary.cycle_ids)], ["stale_after_days", summary.stale_after_days]]
    rows += [[f"goals_per_layer.{layer}", count] for layer, count in summary.goals_per_layer.items()]
    rows.append(["goals_total", summary.goals_total])
    rows.append(["orphaned_goals", totals.orphaned])
    rows.append(["people_without_goals", summary.people_without_goals_count])
    rows.append(["stale_goals", totals.stale])
    rows += [[f"motivation.{name}", count] for name, count in summary.motivation.items()]
    rows += [
        ["unit", summary.unit.pk if summary.unit else ""],
        ["headcount", totals.headcount],
        ["people_with_active_goal", totals.with_active_goal],
        ["people_aligned", totals.aligned],
        ["coverage", figure(totals.coverage)],
        ["goals_without_metric", totals.without_metric],
        ["goals_at_risk", totals.at_risk],
        ["goals_off_track", totals.off_track],
        ["alignment_gaps", totals.gaps],
        ["alignment_gap_threshold", summary.gap_threshold],
        ["copied_goals", totals.copies],
        ["copy_threshold", summary.copy_threshold],
        ["cascade_goals", totals.cascade_goals],
        ["goals_from_proposals", totals.from_proposals],
        ["share_from_proposals", figure(totals.proposal_share)],
    ]
    return rows


SUMMARY_FORMATS = {
    "share_from_proposals": PERCENT,
    "coverage": PERCENT,
    "alignment_gap_threshold": SCORE,
    "copy_threshold": SCORE,
}


def formatted_summary_rows(summary: AlignmentSummary) -> list[list]:
    """The summary for the workbook: the coverage and the thresholds with their number formats."""
    return [
        [figure_name, Formatted(value, SUMMARY_FORMATS[figure_name]) if figure_name in SUMMARY_FORMATS else value]
        for figure_name, value in summary_rows(summary)
    ]


def orphan_rows(summary: AlignmentSummary) -> Iterator[list]:
    return _goal_rows(summary.orphaned_goals, "reason")


def people_rows(summary: AlignmentSummary) -> Iterator[list]:
    people = summary.people_without_goals.values_list("pk", "username", "name", "unit__name")
    for pk, username, name, unit in people.iterator(chunk_size=CHUNK):
        yield [pk, username, name, unit or ""]


def stale_rows(summary: AlignmentSummary) -> Iterator[list]:
    return _goal_rows(summary.stale_goals, "last_activity")


def without_metric_rows(summary: AlignmentSummary) -> Iterator[list]:
    for row in _goal_rows(summary.goals_without_metric, "progress"):
        row[6] = figure(row[6])
        yield row


def at_risk_rows(summary: AlignmentSummary) -> Iterator[list]:
    for row in _goal_rows(summary.goals_at_risk, "health", "progress"):
        row[7] = figure(row[7])
        yield row


def gap_rows(summary: AlignmentSummary) -> Iterator[list]:
    for row in _goal_rows(summary.alignment_gaps, "measured_progress", "rollup_progress", "gap"):
        yield [*row[:6], *(figure(value) for value in row[6:])]


def copy_rows(summary: AlignmentSummary) -> Iterator[list]:
    fields = (*GOAL_VALUES, "parent_id", "parent__title")
    for row, score in copied_goal_rows(summary.scope, summary.copies, fields):
        cells, (parent_id, parent_title) = _goal_values(row)
        yield [*cells, parent_id, parent_title, figure(score)]


def intent_rows(summary: AlignmentSummary) -> Iterator[list]:
    for goal in summary.intents:
        yield [
            *goal_cells(goal),
            goal.status,
            goal.health or "",
            figure(goal.measured_progress),
            figure(goal.rollup_progress),
            figure(goal.progress),
            figure(goal.alignment_gap),
        ]


def _in_columns(columns: list[Column], cells: dict[str, object]) -> list:
    """`cells`, keyed by header, as a row in the order of `columns`; a missing or unknown cell is a mistake."""
    if cells.keys() != {name for name, _ in columns}:
        raise ValueError(f"Cells {sorted(cells)} do not match the columns {[name for name, _ in columns]}")
    return [cells[name] for name, _ in columns]


def _unit_cells(unit: Unit, f: Figures) -> dict[str, object]:
    return {
        "id": unit.pk,
        "unit": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "parent_id": unit.parent_id,
        "headcount": f.headcount,
        "people_with_goal": f.with_goal,
        "people_with_active_goal": f.with_active_goal,
        "people_aligned": f.aligned,
        "coverage": figure(f.coverage),
        "orphaned_goals": f.orphaned,
        "goals_without_metric": f.without_metric,
        "stale_goals": f.stale,
        "goals_at_risk": f.at_risk,
        "goals_off_track": f.off_track,
        "alignment_gaps": f.gaps,
        "copied_goals": f.copies,
        "cascade_goals": f.cascade_goals,
        "goals_from_proposals": f.from_proposals,
        "share_from_proposals": figure(f.proposal_share),
        "motivation_answered": f.motivation_people,
        **f.motivation,  # a column per Motivation value
    }


def unit_rows(summary: AlignmentSummary) -> Iterator[list]:
    for row in summary.units:
        yield _in_columns(UNIT_COLUMNS, _unit_cells(row.unit, row.figures))


def cadence_rows(summary: AlignmentSummary) -> Iterator[list]:
    for team in summary.cadence:
        yield [team.unit.pk, team.unit.name, team.checkins, figure(team.median_days), team.goals, figure(team.progress)]


def motivation_rows(summary: AlignmentSummary) -> Iterator[list]:
    """The organisation, then every unit where at least MIN_GROUP_SIZE people answered (the rest: nothing)."""
    scopes = [("", "(whole report)", summary.totals)] + [(r.unit.pk, r.unit.name, r.figures) for r in summary.units]
    for pk, name, figures in scopes:
        if figures.motivation_people is not None:
            yield [pk, name, figures.motivation_people, *(figures.motivation[v] for v in Motivation.values)]


# --- The sections: one function each, the columns by name -------------------------------------------------


def _goal_section(title: str, figures: list[Column], rows: Callable[[], Iterable[list]], expected: int) -> Section:
    """A sheet of goals: the goal columns, then `figures`; the CSV gives each goal one row per figure."""
    return Section(title, [*GOAL_COLUMNS, *figures], rows, expected, csv_rows_each=len(figures))


def _unit_section(
    title: str, key: list[Column], figures: list[Column], rows: Callable[[], Iterable[list]], expected: int
) -> Section:
    """A sheet of units: their `key` columns (an id, a name), then `figures`; the CSV gives each unit one row per
    figure."""
    return Section(title, [*key, *figures], rows, expected, csv_rows_each=len(figures))


def summary_section(summary: AlignmentSummary) -> Section:
    columns = [("figure", TEXT), ("value", TEXT)]
    return Section("Summary", columns, partial(formatted_summary_rows, summary), 40, formatted_cells=True)


def orphan_section(summary: AlignmentSummary) -> Section:
    rows = partial(orphan_rows, summary)
    return _goal_section("Orphaned goals", [("reason", TEXT)], rows, summary.totals.orphaned)


def people_section(summary: AlignmentSummary) -> Section:
    columns = [("id", TEXT), ("username", TEXT), ("name", TEXT), ("unit", TEXT)]
    rows = partial(people_rows, summary)
    return Section("People without goals", columns, rows, summary.people_without_goals_count)


def stale_section(summary: AlignmentSummary) -> Section:
    rows = partial(stale_rows, summary)
    return _goal_section("Stale goals", [("last_activity", DATETIME)], rows, summary.totals.stale)


def without_metric_section(summary: AlignmentSummary) -> Section:
    rows = partial(without_metric_rows, summary)
    return _goal_section("Goals without a metric", [("progress", PERCENT)], rows, summary.totals.without_metric)


def at_risk_section(summary: AlignmentSummary) -> Section:
    figures = [("health", TEXT), ("progress", PERCENT)]
    expected = summary.totals.at_risk + summary.totals.off_track
    return _goal_section("At risk or off track", figures, partial(at_risk_rows, summary), expected)


def gap_section(summary: AlignmentSummary) -> Section:
    figures = [("measured_progress", PERCENT), ("rollup_progress", PERCENT), ("gap", PERCENT)]
    return _goal_section("Alignment gaps", figures, partial(gap_rows, summary), summary.totals.gaps)


def copy_section(summary: AlignmentSummary) -> Section:
    figures = [("parent_id", INTEGER), ("parent_title", TEXT), ("similarity", SCORE)]
    return _goal_section("Copied goals", figures, partial(copy_rows, summary), summary.totals.copies)


def intent_section(summary: AlignmentSummary) -> Section:
    rows = partial(intent_rows, summary)
    return _goal_section("Strategic intents", INTENT_FIGURE_COLUMNS, rows, len(summary.intents))


def unit_section(summary: AlignmentSummary) -> Section:
    rows = partial(unit_rows, summary)
    return _unit_section("Units", UNIT_KEY_COLUMNS, UNIT_FIGURE_COLUMNS, rows, len(summary.units))


def cadence_section(summary: AlignmentSummary) -> Section:
    key, rows = [("unit_id", INTEGER), ("team", TEXT)], partial(cadence_rows, summary)
    # The stored count of teams, not len(summary.cadence): the cadence is worked out when its rows are read.
    return _unit_section("Check-in cadence", key, CADENCE_FIGURE_COLUMNS, rows, summary.team_count)


def motivation_section(summary: AlignmentSummary) -> Section:
    key, figures = [("unit_id", INTEGER), ("unit", TEXT)], [("people_answered", INTEGER), *MOTIVATION_COLUMNS]
    # The whole report's row, then a row per unit.
    return _unit_section("Motivation", key, figures, partial(motivation_rows, summary), len(summary.units) + 1)


# The sheets in order (the first four as they always were).
SECTIONS: list[Callable[[AlignmentSummary], Section]] = [
    summary_section,
    orphan_section,
    people_section,
    stale_section,
    without_metric_section,
    at_risk_section,
    gap_section,
    copy_section,
    intent_section,
    unit_section,
    cadence_section,
    motivation_section,
]


def sections(summary: AlignmentSummary) -> list[Section]:
    """Every section of the report, in sheet order."""
    return [section(summary) for section in SECTIONS]


def expected_rows(sections: list[Section], format: str) -> int:
    """About how many rows an export writes (for its progress)."""
    if format == "csv":
        return sum(section.expected_rows * section.csv_rows_each for section in sections)
    return sum(section.expected_rows + 1 for section in sections)


# --- The CSV: one long table --------------------------------------------------------------------------
#
# A million rows and more for a large organisation: each section's rows are turned into the CSV's by positions
# worked out once per section (no dict per row), a thing's own cells are neutralised once for all its figures,
# and the sections are read ahead while the previous one is written (apps.reports.readahead).

# Where a thing's own cells go in the CSV, by sheet column: the CSV calls every thing's name `name`.
GOAL_CELLS = {"id": "id", "title": "name", "layer": "layer", "owner": "owner", "unit": "unit", "cycle": "cycle"}
UNIT_CELLS = {"id": "id", "unit": "name"}
TEAM_CELLS = {"unit_id": "id", "team": "name"}
MOTIVATION_CELLS = {"unit_id": "id", "unit": "name"}
_UNIT_BLANKS = ("", "", "", "")  # layer, owner, unit, cycle: a unit has none


def csv_cell(value: object) -> object:
    """A cell of the CSV: text a spreadsheet would run as a formula gets a leading apostrophe (as
    apps.reports.renderers.safe_cell), a moment its ISO 8601 form; None stays None (the csv module writes "")."""
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _positions(section: Section, own: dict[str, str]) -> tuple[list[int], list[tuple[str, int]]]:
    """Where the thing's own cells are in the section's rows (in the CSV's order), and the figures: (name, where)."""
    header = section.header
    unknown = [name for name in own if name not in header]
    if unknown or list(own.values()) != [column for column in CSV_HEADER if column in own.values()]:
        raise ValueError(f"Section {section.title!r}: own cells {own} do not fit its header {header}")
    at = [header.index(name) for name in own]
    return at, [(name, index) for index, name in enumerate(header) if index not in at]


def summary_csv_rows(summary: AlignmentSummary) -> Iterator[list]:
    for figure_name, value in summary_rows(summary):
        yield ["summary", "", csv_cell(figure_name), "", "", "", "", csv_cell(value)]


def people_csv_rows(summary: AlignmentSummary) -> Iterator[list]:
    section = people_section(summary)
    if section.header != ["id", "username", "name", "unit"]:
        raise ValueError(f"People without goals: unexpected columns {section.header}")
    for pk, username, name, unit in section.rows():
        username = csv_cell(username)
        yield ["person_without_goal", pk, csv_cell(name) or username, "", username, csv_cell(unit), "", ""]


def _goal_figures(kind: str, section: Section, key: str) -> Iterator[list]:
    """A sheet of goals as one CSV row per figure: the `key` figure under `kind`, the others under `kind.figure`."""
    at, figures = _positions(section, GOAL_CELLS)
    key_at = next(index for name, index in figures if name == key)
    others = [(f"{kind}.{name}", index) for name, index in figures if index != key_at]
    goal_cells, width, triggers = itemgetter(*at), len(section.columns), FORMULA_TRIGGERS
    for row in section.rows():
        if len(row) != width:
            raise ValueError(f"Section {section.title!r}: a row of {len(row)} cells for {width} columns")
        # csv_cell inlined for the goal's own cells (text or numbers: never a moment), once for all its figures.
        goal = [
            ("'" + value if value.__class__ is str and value.startswith(triggers) else value)
            for value in goal_cells(row)
        ]
        yield [kind, *goal, csv_cell(row[key_at])]
        for name, index in others:
            yield [name, *goal, csv_cell(row[index])]


def _unit_figures(kind: str, section: Section, cells: dict[str, str]) -> Iterator[list]:
    """A sheet of units as one CSV row per figure, `kind.figure`; suppressed (empty) figures are left out."""
    (id_at, name_at), figures = _positions(section, cells)
    figures = [(f"{kind}.{name}", index) for name, index in figures]
    for row in section.rows():
        pk, name = csv_cell(row[id_at]), csv_cell(row[name_at])
        for figure_name, index in figures:
            value = row[index]
            if value is not None:
                yield [figure_name, pk, name, *_UNIT_BLANKS, csv_cell(value)]


def csv_parts(
    summary: AlignmentSummary, goal_figures: Callable = _goal_figures, unit_figures: Callable = _unit_figures
) -> list[Callable[[], Iterable]]:
    """The CSV's rows after its header, section by section, in sheet order; `goal_figures(kind, section, key)` gives
    a sheet of goals', `unit_figures(kind, section, cells)` a sheet of units' (apps.reports.csvlines gives them as
    lines of text)."""
    return [
        partial(summary_csv_rows, summary),
        partial(goal_figures, "orphaned_goal", orphan_section(summary), "reason"),
        partial(people_csv_rows, summary),
        partial(goal_figures, "stale_goal", stale_section(summary), "last_activity"),
        partial(goal_figures, "goal_without_metric", without_metric_section(summary), "progress"),
        partial(goal_figures, "goal_at_risk", at_risk_section(summary), "health"),
        partial(goal_figures, "alignment_gap", gap_section(summary), "gap"),
        partial(goal_figures, "copied_goal", copy_section(summary), "similarity"),
        partial(goal_figures, "intent", intent_section(summary), "progress"),
        partial(unit_figures, "unit", unit_section(summary), UNIT_CELLS),
        partial(unit_figures, "cadence", cadence_section(summary), TEAM_CELLS),
        partial(unit_figures, "motivation", motivation_section(summary), MOTIVATION_CELLS),
    ]


def csv_rows(summary: AlignmentSummary) -> Iterator[list]:
    """Everything in one table, in sheet order: a `section` column says what each row is. Text cells come
    neutralised (`csv_cell`)."""
    yield CSV_HEADER
    yield from rows_read_ahead(csv_parts(summary))
