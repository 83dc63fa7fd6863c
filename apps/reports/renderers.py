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

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework.renderers import BaseRenderer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
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
        value = safe_cell(value)
        # Printable text holds none of the control characters (checked in C: most cells stop here).
        return value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class Formatted:
    """A cell with its own number format, where a column has none (the figures of the summary sheet: its section
    says `formatted_cells`)."""

    __slots__ = ("number_format", "value")

    def __init__(self, value, number_format: str):
        self.value, self.number_format = value, number_format


class Counter:
    """Counts written rows and reports every `every` rows (an export job's progress)."""

    def __init__(self, report: Callable[[int], None] | None = None, every: int = 5000):
        self.rows, self.report, self.every = 0, report, every

    def tick(self) -> None:
        self.rows += 1
        if self.report is not None and self.rows % self.every == 0:
            self.report(self.rows)


class CSVRenderer(BaseRenderer):
    """Rows (lists of cells) as CSV, streamed line by line."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

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

    def write(self, rows: Iterable[list], file, counter: Counter | None = None) -> None:
        """Into a binary file, as UTF-8, in lines gathered into blocks of about 64 kB."""
        block: list[str] = []
        size = 0
        for line in self.stream(rows, counter):
            block.append(line)
            size += len(line)
            if size >= 65536:
                file.write("".join(block).encode())
                block, size = [], 0
        file.write("".join(block).encode())

    def render(self, data, accepted_media_type=None, renderer_context=None) -> str:
        return "".join(self.stream(data or []))


class XLSXRenderer(BaseRenderer):
    """Sections as an Excel workbook, one sheet each with a bold, frozen header row and number formats, written
    in openpyxl's write-only mode (rows go straight to a temporary file: bounded memory)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, sections: Iterable, file, counter: Counter | None = None) -> None:
        workbook = Workbook(write_only=True)
        for section in sections:
            sheet = workbook.create_sheet(title=section.title)
            self._start(sheet, section.header)
            formatted = [(index, fmt) for index, fmt in enumerate(section.formats) if fmt is not None]
            mixed = getattr(section, "formatted_cells", False)
            for row in section.rows():
                sheet.append(self._cells(sheet, row, formatted, mixed))
                if counter is not None:
                    counter.tick()
        workbook.save(file)

    def _start(self, sheet, header: list[str]) -> None:
        # Both must be set before the first row: a write-only sheet writes its head when the first row comes.
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTH.get(name, max(10, len(name) + 2))
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = HEADER_FONT
            cells.append(cell)
        sheet.append(cells)

    def _cells(self, sheet, row: list, formatted: list[tuple[int, str]], mixed: bool = False) -> list:
        """The row's values; those of the formatted columns (and, in a `mixed` section, the Formatted ones) as cells
        with a number format."""
        cells = [xlsx_value(value) for value in row]
        for index, value in enumerate(cells if mixed else ()):
            if isinstance(value, Formatted):
                cells[index] = self._formatted(sheet, xlsx_value(value.value), value.number_format)
        for index, number_format in formatted:
            cells[index] = self._formatted(sheet, cells[index], number_format)
        return cells

    def _formatted(self, sheet, value, number_format: str):
        if value is None or isinstance(value, str | Cell):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

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
