"""The alignment report as tables people read at once: the workbook's sheets and the tidy CSVs.

apps.reports.export builds the sections with the codes and ids an API client reads (and the long CSV of
`?format=csv` from them). Here each section is made readable: headers in words, labels for codes ("Off track",
"Translational goal", "Not linked to any goal"), names for references (cycles, the parent unit), and dated
download names. The rows still stream from the same querysets in chunks.

A tidy CSV is one section as one table: a header row, then a row per thing. It starts with a UTF-8 byte order
mark (so that Excel reads its accents), gives percentages as numbers 0–100 (the header says "(%)") and local
times as "YYYY-MM-DD HH:MM". The ZIP holds one tidy CSV per section.
"""

import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import partial
from operator import itemgetter

from django.utils import timezone

from apps.goals.models import GoalStatus, Health, Layer, Motivation
from apps.org.models import Unit

from . import export
from .filenames import download_name, slug
from .readahead import read_ahead
from .renderers import Counter, CSVRenderer, Formatted
from .rules import OrphanReason
from .selectors import AlignmentSummary

BOM = "\ufeff"
SUMMARY_TITLE = "Summary"  # the summary section's title (export.summary_section)

ORPHAN_REASONS = {
    OrphanReason.NO_PARENT: "Not linked to any goal",
    OrphanReason.INTENT_NOT_PUBLISHED: "Its intent is not published",
}
# Columns holding a code, and the words for each code.
CODE_LABELS: dict[str, dict[str, str]] = {
    "layer": dict(Layer.choices),
    "health": dict(Health.choices),
    "status": dict(GoalStatus.choices),
    "reason": ORPHAN_REASONS,
    "kind": dict(Unit.Kind.choices),
}

HEADERS = {
    "id": "Id",
    "title": "Goal",
    "layer": "Layer",
    "owner": "Owner",
    "unit": "Unit",
    "cycle": "Cycle",
    "reason": "Why orphaned",
    "username": "Username",
    "name": "Name",
    "last_activity": "Last activity",
    "progress": "Progress (%)",
    "health": "Health",
    "status": "Status",
    "measured_progress": "Measured progress (%)",
    "rollup_progress": "Rolled-up progress (%)",
    "gap": "Gap (% points)",
    "parent_id": "Parent unit",
    "parent_title": "Parent goal",
    "similarity": "Similarity",
    "kind": "Kind",
    "level": "Level",
    "headcount": "People",
    "people_with_goal": "Own a goal",
    "people_with_active_goal": "Own an active goal",
    "people_aligned": "Aligned",
    "coverage": "Coverage (%)",
    "orphaned_goals": "Orphaned goals",
    "goals_without_metric": "No metric",
    "stale_goals": "Stale goals",
    "goals_at_risk": "At risk",
    "goals_off_track": "Off track",
    "alignment_gaps": "Gaps",
    "copied_goals": "Copies",
    "cascade_goals": "Translational and operational goals",
    "goals_from_proposals": "From proposals",
    "share_from_proposals": "Share from proposals (%)",
    "motivation_answered": "Answered where their goals come from",
    "people_answered": "People who answered",
    "unit_id": "Unit id",
    "team": "Team",
    "checkins": "Check-ins",
    "median_days_between_checkins": "Median days between check-ins",
    "active_goals": "Active goals",
    "figure": "Figure",
    "value": "Value",
    **dict(Motivation.choices),
}

SUMMARY_LABELS = {
    "cycles": "Cycles",
    "stale_after_days": "Stale after (days)",
    "goals_total": "Goals in all",
    "orphaned_goals": "Orphaned goals",
    "people_without_goals": "People without a goal",
    "stale_goals": "Stale goals",
    "unit": "Unit",
    "headcount": "People",
    "people_with_active_goal": "People with an active goal",
    "people_aligned": "People aligned (reach a published intent)",
    "coverage": "Coverage (%)",
    "goals_without_metric": "Active goals without a metric",
    "goals_at_risk": "Goals at risk",
    "goals_off_track": "Goals off track",
    "alignment_gaps": "Alignment gaps",
    "alignment_gap_threshold": "Alignment gap threshold",
    "copied_goals": "Copied goals",
    "copy_threshold": "Copy threshold",
    "cascade_goals": "Active translational and operational goals",
    "goals_from_proposals": "Of those, from an accepted proposal",
    "share_from_proposals": "Share from proposals (%)",
    **{f"goals_per_layer.{code}": f"Goals: {label}" for code, label in Layer.choices},
    **{f"motivation.{code}": f"Where goals come from: {label}" for code, label in Motivation.choices},
}


def section_slug(title: str) -> str:
    """ "Orphaned goals" → "orphaned-goals": how a section is named in `?section=` and in file names."""
    return slug(title).lower()


# `?section=` of the tidy CSV: each section by the slug of its title, in sheet order.
SECTIONS_BY_SLUG: dict[str, Callable[[AlignmentSummary], export.Section]] = {
    "summary": export.summary_section,
    "orphaned-goals": export.orphan_section,
    "people-without-goals": export.people_section,
    "stale-goals": export.stale_section,
    "goals-without-a-metric": export.without_metric_section,
    "at-risk-or-off-track": export.at_risk_section,
    "alignment-gaps": export.gap_section,
    "copied-goals": export.copy_section,
    "strategic-intents": export.intent_section,
    "units": export.unit_section,
    "check-in-cadence": export.cadence_section,
    "motivation": export.motivation_section,
}
SECTION_SLUGS = list(SECTIONS_BY_SLUG)
SECTION_TITLES = {
    "summary": "Summary",
    "orphaned-goals": "Orphaned goals",
    "people-without-goals": "People without goals",
    "stale-goals": "Stale goals",
    "goals-without-a-metric": "Goals without a metric",
    "at-risk-or-off-track": "At risk or off track",
    "alignment-gaps": "Alignment gaps",
    "copied-goals": "Copied goals",
    "strategic-intents": "Strategic intents",
    "units": "Units",
    "check-in-cadence": "Check-in cadence",
    "motivation": "Motivation",
}


# --- Readable sheets ------------------------------------------------------------------------------------


def summary_rows(summary: AlignmentSummary) -> list[list]:
    """The summary in words: the day it was made, cycle and unit names, labelled figures."""
    cycles = ", ".join(cycle.name for cycle in sorted(summary.scope.cycles, key=lambda c: (c.start, c.name)))
    names = {"cycles": cycles, "unit": summary.unit.name if summary.unit else "The whole organisation"}
    rows: list[list] = [["As of", summary.today]]
    for name, value in export.formatted_summary_rows(summary):
        rows.append([SUMMARY_LABELS.get(name, name), names.get(name, value)])
    return rows


def _unit_names(summary: AlignmentSummary) -> Callable[[int | None], str]:
    names = {row.unit.pk: row.unit.name for row in summary.units}

    def name(pk: int | None) -> str:
        if pk is not None and pk not in names:  # the parent of the report's own unit: outside the scope
            names[pk] = Unit.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
        return names.get(pk, "") if pk is not None else ""

    return name


def readable(section: export.Section, summary: AlignmentSummary) -> export.Section:
    """`section` with headers in words, labels for codes and names for references."""
    if section.title == SUMMARY_TITLE:
        columns = [(HEADERS[name], fmt) for name, fmt in section.columns]
        return export.Section(section.title, columns, partial(summary_rows, summary), section.expected_rows, 1, True)
    header = section.header
    keep, convert, columns = [], {}, []
    for index, (name, fmt) in enumerate(section.columns):
        if name == "parent_id" and "parent_title" in header:
            continue  # a copied goal's parent: its title is beside it
        keep.append(index)
        if name in CODE_LABELS:
            convert[index] = CODE_LABELS[name]
        elif name == "parent_id":
            convert[index], fmt = _unit_names(summary), export.TEXT
        columns.append((HEADERS.get(name, name.replace("_", " ").capitalize()), fmt))
    rows = partial(_readable_rows, section.rows, keep, convert)
    return export.Section(section.title, columns, rows, section.expected_rows, section.csv_rows_each)


def _readable_rows(rows: Callable[[], Iterable[list]], keep: list[int], convert: dict) -> Iterator[list]:
    """The kept cells of each row, codes as labels and references as names (`convert`: by column, a dict or a
    function). A large organisation has a million rows: the work per row is what differs from the row."""
    whole = len(keep) == 0 or keep == list(range(max(keep) + 1))
    pick = itemgetter(*keep) if len(keep) > 1 else None
    converted = [(position, convert[index]) for position, index in enumerate(keep) if index in convert]
    labels = [(position, label) for position, label in converted if not callable(label)]
    functions = [(position, function) for position, function in converted if callable(function)]
    for row in rows():
        if whole and len(row) == len(keep):
            cells = list(row)
        else:
            cells = list(pick(row)) if pick is not None else [row[index] for index in keep]
        for position, label in labels:
            value = cells[position]
            if value is not None:
                cells[position] = label.get(value, value)
        for position, function in functions:
            if cells[position] is not None:
                cells[position] = function(cells[position])
        yield cells


def sheets(summary: AlignmentSummary) -> list[export.Section]:
    """Every section, readable, in sheet order: the workbook's sheets and the ZIP's CSVs."""
    return [readable(section, summary) for section in export.sections(summary)]


def sheet(summary: AlignmentSummary, name: str) -> export.Section:
    """One readable section by its slug (SECTION_SLUGS)."""
    return readable(SECTIONS_BY_SLUG[name](summary), summary)


# --- Tidy CSVs -----------------------------------------------------------------------------------------


def _csv_cell(value: object, percent: bool) -> object:
    if isinstance(value, Formatted):
        value, percent = value.value, value.number_format == export.PERCENT
    if value is None:
        return ""
    if percent and isinstance(value, int | float):
        points = round(100 * value, 1)
        return int(points) if points == int(points) else points
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_table(section: export.Section) -> Iterator[list]:
    """One readable section as a table: its header, then its rows."""
    yield section.header
    percent = [fmt == export.PERCENT for fmt in section.formats]
    for row in section.rows():
        yield [_csv_cell(value, is_percent) for value, is_percent in zip(row, percent, strict=True)]


def csv_lines(section: export.Section) -> Iterator[str]:
    """The tidy CSV of one section, streamed line by line (formulas neutralised), after a byte order mark."""
    yield BOM
    yield from CSVRenderer().stream(csv_table(section))


def write_zip(
    sections: list[export.Section], file, member_name: Callable[[str], str], counter: Counter | None = None
) -> None:
    """One tidy CSV per section into a ZIP, written straight into `file`; `member_name(section slug)` names each."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in read_ahead(sections):
            with archive.open(member_name(section_slug(section.title)), "w") as member:
                member.write(BOM.encode())
                CSVRenderer().write(csv_table(section), member, counter)


# --- Names ---------------------------------------------------------------------------------------------


def report_name(summary: AlignmentSummary, cycle, ext: str, section: str | None = None) -> str:
    """The download name of this report (`cycle`: the cycle asked for, or None for the active cycles)."""
    unit = summary.unit.name if summary.unit else None
    return download_name(cycle=cycle.name if cycle else None, unit=unit, on=summary.today, ext=ext, section=section)
