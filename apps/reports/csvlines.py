"""The long CSV (apps.reports.export.csv_rows) as lines of text, for the export job.

The same table, byte for byte, without the csv module's work per row: a goal with several figures gives one line
per figure, and its six cells are formatted once for all of them; a cell is quoted as the csv module's default
dialect quotes it (when it holds a comma, a double quote or a line break; quotes doubled inside). About two
million lines at 100,000 people.
"""

import re
from collections.abc import Iterable, Iterator
from functools import partial
from operator import itemgetter

from . import export
from .readahead import rows_read_ahead
from .renderers import FORMULA_TRIGGERS
from .selectors import AlignmentSummary

LINE_END = "\r\n"  # the csv module's
_QUOTED = re.compile(r'[,"\r\n]')


def field(value: object) -> str:
    """One cell as the csv module writes it: nothing for None, text quoted when it must be, str() of the rest (repr
    for a float: the same)."""
    if value is None:
        return ""
    if value.__class__ is str:
        return '"' + value.replace('"', '""') + '"' if _QUOTED.search(value) else value
    return str(value)


def line(row: Iterable) -> str:
    return ",".join([field(value) for value in row]) + LINE_END


def goal_figure_lines(kind: str, section: export.Section, key: str) -> Iterator[str]:
    """export._goal_figures' rows as lines: the goal's cells formatted once, then a line per figure."""
    at, figures = export._positions(section, export.GOAL_CELLS)
    key_at = next(index for name, index in figures if name == key)
    names = [(field(kind), key_at)] + [(field(f"{kind}.{name}"), index) for name, index in figures if index != key_at]
    goal_cells, width, triggers, cell = itemgetter(*at), len(section.columns), FORMULA_TRIGGERS, export.csv_cell
    for row in section.rows():
        if len(row) != width:
            raise ValueError(f"Section {section.title!r}: a row of {len(row)} cells for {width} columns")
        goal = ",".join(
            [
                field("'" + value if value.__class__ is str and value.startswith(triggers) else value)
                for value in goal_cells(row)
            ]
        )
        for name, index in names:
            yield f"{name},{goal},{field(cell(row[index]))}{LINE_END}"


def unit_figure_lines(kind: str, section: export.Section, cells: dict[str, str]) -> Iterator[str]:
    """export._unit_figures' rows as lines: the unit's id and name formatted once, then a line per figure it has."""
    (id_at, name_at), figures = export._positions(section, cells)
    names = [(field(f"{kind}.{name}"), index) for name, index in figures]
    cell = export.csv_cell
    for row in section.rows():
        unit = f"{field(cell(row[id_at]))},{field(cell(row[name_at]))},,,,"
        for name, index in names:
            value = row[index]
            if value.__class__ is int:  # most figures: counts
                yield f"{name},{unit},{value}{LINE_END}"
            elif value is not None:
                yield f"{name},{unit},{field(cell(value))}{LINE_END}"


def _as_lines(part) -> Iterator[str]:
    for row in part():
        yield row if row.__class__ is str else line(row)


def csv_lines(summary: AlignmentSummary) -> Iterator[str]:
    """The long CSV, header first, a line of text per row (its sections read ahead: apps.reports.readahead)."""
    yield line(export.CSV_HEADER)
    parts = export.csv_parts(summary, goal_figures=goal_figure_lines, unit_figures=unit_figure_lines)
    yield from rows_read_ahead([partial(_as_lines, part) for part in parts])
