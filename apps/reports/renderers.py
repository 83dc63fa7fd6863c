"""Download formats for reports. Both neutralise cells a spreadsheet would run as a formula."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.renderers import BaseRenderer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula (CSV/formula injection) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _xlsx_cell(value):
    # The XLSX format cannot hold most control characters: drop them rather than fail the download.
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


class CSVRenderer(BaseRenderer):
    """Rows (lists of cells) as CSV, streamed line by line."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def stream(self, rows: Iterable[list]) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    def render(self, data, accepted_media_type=None, renderer_context=None) -> str:
        return "".join(self.stream(data or []))


class XLSXRenderer(BaseRenderer):
    """Sheets of rows as an Excel workbook, written in openpyxl's write-only mode (bounded memory)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, sheets: Iterable[tuple[str, list[str], Iterable[list]]], file) -> None:
        workbook = Workbook(write_only=True)
        for title, header, rows in sheets:
            sheet = workbook.create_sheet(title=title)
            sheet.append(header)
            for row in rows:
                sheet.append([_xlsx_cell(cell) for cell in row])
        workbook.save(file)

    def spooled(self, sheets) -> tempfile.SpooledTemporaryFile:
        """The workbook in a temporary file (in memory while small), rewound for reading."""
        file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        self.write(sheets, file)
        file.seek(0)
        return file

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return self.spooled(data or []).read()
