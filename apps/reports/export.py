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

from apps.goals.models import Motivation

from .copies import copied_goal_rows
from .renderers import Formatted
from .selectors import AlignmentSummary

CHUNK = 2000

# Number formats (Excel's codes) of the workbook's columns.
INTEGER, PERCENT, SCORE, DAYS, DATETIME, TEXT = "0", "0%", "0.00", "0.0", "yyyy-mm-dd hh:mm", None

# Ids stay in the General format: a style on every row of a long sheet costs time and adds nothing.
GOAL_COLUMNS = [("id", TEXT), ("title", TEXT), ("layer", TEXT), ("owner", TEXT), ("unit", TEXT), ("cycle", TEXT)]
ORPHAN_HEADER = ["id", "title", "layer", "owner", "unit", "cycle", "reason"]
PEOPLE_HEADER = ["id", "username", "name", "unit"]
STALE_HEADER = ["id", "title", "layer", "owner", "unit", "cycle", "last_activity"]
CSV_HEADER = ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]


@dataclass
class Section:
    """One table of the report: a sheet of the workbook."""

    title: str
    columns: list[tuple[str, str | None]]  # (header, number format)
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


def _goal_values(row: tuple) -> list:
    pk, title, layer, owner_name, owner_username, unit, cycle = row[:7]
    return [pk, title, layer, owner_name or owner_username, unit, cycle]


def _goal_rows(queryset, *figures: str) -> Iterator[tuple[list, tuple]]:
    """(the six goal cells, the `figures`) of each goal of `queryset`, read in chunks."""
    for row in queryset.values_list(*GOAL_VALUES, *figures).iterator(chunk_size=CHUNK):
        yield _goal_values(row), row[7:]


# --- The sections ----------------------------------------------------------------------------------


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
    ]
    return rows


SUMMARY_FORMATS = {"coverage": PERCENT, "alignment_gap_threshold": SCORE, "copy_threshold": SCORE}


def formatted_summary_rows(summary: AlignmentSummary) -> list[list]:
    """The summary for the workbook: the coverage and the thresholds with their number formats."""
    return [
        [figure_name, Formatted(value, SUMMARY_FORMATS[figure_name]) if figure_name in SUMMARY_FORMATS else value]
        for figure_name, value in summary_rows(summary)
    ]


def orphan_rows(summary: AlignmentSummary) -> Iterator[list]:
    for cells, (reason,) in _goal_rows(summary.orphaned_goals, "reason"):
        yield [*cells, reason]


def people_rows(summary: AlignmentSummary) -> Iterator[list]:
    people = summary.people_without_goals.values_list("pk", "username", "name", "unit__name")
    for pk, username, name, unit in people.iterator(chunk_size=CHUNK):
        yield [pk, username, name, unit or ""]


def stale_rows(summary: AlignmentSummary) -> Iterator[list]:
    for cells, (last_activity,) in _goal_rows(summary.stale_goals, "last_activity"):
        yield [*cells, last_activity]


def without_metric_rows(summary: AlignmentSummary) -> Iterator[list]:
    for cells, (progress,) in _goal_rows(summary.goals_without_metric, "progress"):
        yield [*cells, figure(progress)]


def at_risk_rows(summary: AlignmentSummary) -> Iterator[list]:
    for cells, (health, progress) in _goal_rows(summary.goals_at_risk, "health", "progress"):
        yield [*cells, health, figure(progress)]


def gap_rows(summary: AlignmentSummary) -> Iterator[list]:
    for cells, values in _goal_rows(summary.alignment_gaps, "measured_progress", "rollup_progress", "gap"):
        yield [*cells, *(figure(value) for value in values)]


def copy_rows(summary: AlignmentSummary) -> Iterator[list]:
    fields = (*GOAL_VALUES, "parent_id", "parent__title")
    for row, score in copied_goal_rows(summary.scope, summary.copies, fields):
        yield [*_goal_values(row), row[7], row[8], figure(score)]


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


def unit_rows(summary: AlignmentSummary) -> Iterator[list]:
    for row in summary.units:
        unit, f = row.unit, row.figures
        motivation = f.motivation
        yield [
            unit.pk,
            unit.name,
            unit.kind,
            unit.level,
            unit.parent_id,
            f.headcount,
            f.with_goal,
            f.with_active_goal,
            f.aligned,
            figure(f.coverage),
            f.orphaned,
            f.without_metric,
            f.stale,
            f.at_risk,
            f.off_track,
            f.gaps,
            f.copies,
            f.motivation_people,
            *(motivation[value] for value in Motivation.values),
        ]


def cadence_rows(summary: AlignmentSummary) -> Iterator[list]:
    for team in summary.cadence:
        yield [team.unit.pk, team.unit.name, team.checkins, figure(team.median_days), team.goals, figure(team.progress)]


def motivation_rows(summary: AlignmentSummary) -> Iterator[list]:
    """The organisation, then every unit where at least MIN_GROUP_SIZE people answered (the rest: nothing)."""
    scopes = [("", "(whole report)", summary.totals)] + [(r.unit.pk, r.unit.name, r.figures) for r in summary.units]
    for pk, name, figures in scopes:
        if figures.motivation_people is not None:
            yield [pk, name, figures.motivation_people, *(figures.motivation[v] for v in Motivation.values)]


def sections(summary: AlignmentSummary) -> list[Section]:
    """Every section of the report, in sheet order (the first four as they always were)."""
    t = summary.totals
    g = GOAL_COLUMNS
    motivation_columns = [(value, INTEGER) for value in Motivation.values]
    return [
        Section("Summary", [("figure", TEXT), ("value", TEXT)], lambda: formatted_summary_rows(summary), 40, 1, True),
        Section("Orphaned goals", [*g, ("reason", TEXT)], lambda: orphan_rows(summary), t.orphaned),
        Section(
            "People without goals",
            [("id", TEXT), ("username", TEXT), ("name", TEXT), ("unit", TEXT)],
            lambda: people_rows(summary),
            summary.people_without_goals_count,
        ),
        Section("Stale goals", [*g, ("last_activity", DATETIME)], lambda: stale_rows(summary), t.stale),
        Section(
            "Goals without a metric",
            [*g, ("progress", PERCENT)],
            lambda: without_metric_rows(summary),
            t.without_metric,
        ),
        Section(
            "At risk or off track",
            [*g, ("health", TEXT), ("progress", PERCENT)],
            lambda: at_risk_rows(summary),
            t.at_risk + t.off_track,
            2,
        ),
        Section(
            "Alignment gaps",
            [*g, ("measured_progress", PERCENT), ("rollup_progress", PERCENT), ("gap", PERCENT)],
            lambda: gap_rows(summary),
            t.gaps,
            3,
        ),
        Section(
            "Copied goals",
            [*g, ("parent_id", INTEGER), ("parent_title", TEXT), ("similarity", SCORE)],
            lambda: copy_rows(summary),
            t.copies,
            3,
        ),
        Section(
            "Strategic intents",
            [
                *g,
                ("status", TEXT),
                ("health", TEXT),
                ("measured_progress", PERCENT),
                ("rollup_progress", PERCENT),
                ("progress", PERCENT),
                ("gap", PERCENT),
            ],
            lambda: intent_rows(summary),
            len(summary.intents),
            6,
        ),
        Section(
            "Units",
            [
                ("id", INTEGER),
                ("unit", TEXT),
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
                ("motivation_answered", INTEGER),
                *motivation_columns,
            ],
            lambda: unit_rows(summary),
            len(summary.units),
            18,
        ),
        Section(
            "Check-in cadence",
            [
                ("unit_id", INTEGER),
                ("team", TEXT),
                ("checkins", INTEGER),
                ("median_days_between_checkins", DAYS),
                ("active_goals", INTEGER),
                ("progress", PERCENT),
            ],
            lambda: cadence_rows(summary),
            len(summary.cadence),
            4,
        ),
        Section(
            "Motivation",
            [("unit_id", INTEGER), ("unit", TEXT), ("people_answered", INTEGER), *motivation_columns],
            lambda: motivation_rows(summary),
            len(summary.units) + 1,
        ),
    ]


def expected_rows(sections: list[Section], format: str) -> int:
    """About how many rows an export writes (for its progress)."""
    if format == "csv":
        return sum(section.expected_rows * section.csv_rows_each for section in sections)
    return sum(section.expected_rows + 1 for section in sections)


# --- The CSV: one long table --------------------------------------------------------------------------


def _csv_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _goal_figures(kind: str, rows: Iterable[list], figures: list[str], key: str) -> Iterator[list]:
    """Goal rows (six goal cells, then one cell per figure of `figures`) as one CSV row per figure: the `key`
    figure under `kind`, the others under `kind.figure`."""
    for row in rows:
        cells, values = row[:6], dict(zip(figures, row[6:], strict=True))
        yield [kind, *cells, _csv_value(values.pop(key))]
        for figure, value in values.items():
            yield [f"{kind}.{figure}", *cells, _csv_value(value)]


def _unit_figures(kind: str, rows: Iterable[list], header: list[str]) -> Iterator[list]:
    """Rows of units (id, name, then figures) as one CSV row per figure, `kind.figure`; suppressed (empty) figures
    are left out."""
    for row in rows:
        pk, name = row[0], row[1]
        for figure, value in zip(header[2:], row[2:], strict=True):
            if value is not None:
                yield [f"{kind}.{figure}", pk, name, "", "", "", "", value]


def csv_rows(summary: AlignmentSummary) -> Iterator[list]:
    """Everything in one table: a `section` column says what each row is."""
    yield CSV_HEADER
    for figure, value in summary_rows(summary):
        yield ["summary", "", figure, "", "", "", "", value]
    for row in orphan_rows(summary):
        yield ["orphaned_goal", *row]
    for pk, username, name, unit in people_rows(summary):
        yield ["person_without_goal", pk, name or username, "", username, unit, "", ""]
    for row in stale_rows(summary):
        yield ["stale_goal", *row[:6], _csv_value(row[6])]
    by_title = {section.title: section for section in sections(summary)}

    def figures(title: str) -> list[str]:
        return by_title[title].header[6:]

    yield from _goal_figures("goal_without_metric", without_metric_rows(summary), ["progress"], "progress")
    yield from _goal_figures("goal_at_risk", at_risk_rows(summary), figures("At risk or off track"), "health")
    yield from _goal_figures("alignment_gap", gap_rows(summary), figures("Alignment gaps"), "gap")
    yield from _goal_figures("copied_goal", copy_rows(summary), figures("Copied goals"), "similarity")
    yield from _goal_figures("intent", intent_rows(summary), figures("Strategic intents"), "progress")
    yield from _unit_figures("unit", unit_rows(summary), by_title["Units"].header)
    yield from _unit_figures("cadence", cadence_rows(summary), by_title["Check-in cadence"].header)
    yield from _unit_figures("motivation", motivation_rows(summary), by_title["Motivation"].header)
