"""Download formats for reports. Both neutralise text cells a spreadsheet would run as a formula.

Formula (CSV) injection: a text cell that begins with =, +, -, @, a tab or a carriage return
gets a leading apostrophe, in the CSV and in the workbook alike; numbers and dates stay what
they are (a negative number is not text).
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from rest_framework.renderers import BaseRenderer

from .readahead import read_ahead
from .workbook import FORMULA_TRIGGERS, Formatted, local_wall_clock, neutral_text, write_workbook

__all__ = ["COLUMN_WIDTH", "CSVRenderer", "Counter", "Formatted", "XLSXRenderer", "ZIPRenderer", "safe_cell"]

COLUMN_WIDTH = {"title": 48, "parent_title": 48, "name": 28, "unit": 28, "team": 28, "owner": 24, "figure": 28}
# The readable sheets' headers (apps.reports.tables).
COLUMN_WIDTH |= {"Goal": 48, "Parent goal": 48, "Name": 28, "Unit": 28, "Team": 28, "Owner": 24, "Figure": 40}


def safe_cell(value):
    """Text that a spreadsheet would read as a formula (CSV/formula injection) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_value(value):
    """A cell value the workbook can hold: neutralised text without the control characters XLSX cannot store,
    and local wall-clock time for moments (spreadsheets know no time zones)."""
    if value is None:
        return None
    if isinstance(value, str):
        return neutral_text(value)
    if isinstance(value, datetime):
        return local_wall_clock(value)
    return value


def column_width(header: str) -> float:
    """How wide a column is, by its header: the names and titles wide, the figures as wide as their header."""
    return COLUMN_WIDTH.get(header, max(10, len(header) + 2))


class Counter:
    """Counts written rows and reports every `every` rows (an export job's progress)."""

    def __init__(self, report: Callable[[int], None] | None = None, every: int = 5000):
        self.rows, self.report, self.every = 0, report, every

    def tick(self) -> None:
        self.add(1)

    def add(self, rows: int) -> None:
        before, self.rows = self.rows, self.rows + rows
        if self.report is not None and self.rows // self.every > before // self.every:
            self.report(self.rows)


def _safe_row(row: list) -> list:
    # safe_cell inlined: a CSV of a large organisation has ten million cells.
    return [("'" + cell if cell.__class__ is str and cell.startswith(FORMULA_TRIGGERS) else cell) for cell in row]


class CSVRenderer(BaseRenderer):
    """Rows (lists of cells) as CSV, streamed line by line or written in blocks; text a spreadsheet would run as a
    formula is neutralised (`safe_cell`) unless the rows say they come `neutralised` already."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    block_rows = 2000  # rows formatted at a time by write()

    def stream(self, rows: Iterable[list], counter: Counter | None = None) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            if counter is not None:
                counter.tick()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    def write(self, rows: Iterable[list], file, counter: Counter | None = None, neutralised: bool = False) -> None:
        """Into a binary file, as UTF-8, in blocks of `block_rows` rows formatted at once by the csv module."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        block: list[list] = []
        for row in rows:
            block.append(row)
            if len(block) == self.block_rows:
                self._write_block(block, writer, buffer, file, counter, neutralised)
                block = []
        self._write_block(block, writer, buffer, file, counter, neutralised)

    def write_lines(self, lines: Iterable[str], file, counter: Counter | None = None) -> None:
        """Lines already formatted and neutralised (apps.reports.csvlines) into a binary file, as UTF-8, in blocks."""
        block: list[str] = []
        for text in lines:
            block.append(text)
            if len(block) == self.block_rows:
                self._write_text(block, file, counter)
                block = []
        self._write_text(block, file, counter)

    def _write_text(self, block: list[str], file, counter: Counter | None) -> None:
        file.write("".join(block).encode())
        if counter is not None:
            counter.add(len(block))

    def _write_block(self, block: list[list], writer, buffer: io.StringIO, file, counter, neutralised: bool) -> None:
        writer.writerows(block if neutralised else map(_safe_row, block))
        file.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
        if counter is not None:
            counter.add(len(block))

    def render(self, data, accepted_media_type=None, renderer_context=None) -> str:
        return "".join(self.stream(data or []))


class XLSXRenderer(BaseRenderer):
    """Sections as an Excel workbook, one sheet each with a bold, frozen header row, column widths and number
    formats, written by XlsxWriter in constant-memory mode (apps.reports.workbook: rows go straight to a temporary
    file, bounded memory)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, sections: Iterable, file, counter: Counter | None = None) -> None:
        """Each section's rows are read while the previous sheet is written (apps.reports.readahead)."""
        written = counter.add if counter is not None else None
        write_workbook(read_ahead(list(sections)), file, column_width, written)

    def spooled(self, sections) -> tempfile.SpooledTemporaryFile:
        """The workbook in a temporary file (in memory while small), rewound for reading."""
        file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        self.write(sections, file)
        file.seek(0)
        return file

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return self.spooled(data or []).read()


class ZIPRenderer(BaseRenderer):
    """A ZIP of tidy CSVs (apps.reports.tables.write_zip): here only so that `?format=zip` is a format the API
    knows; the view builds the file."""

    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else b""
