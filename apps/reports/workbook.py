"""The report's workbook, written with XlsxWriter in constant-memory mode.

XlsxWriter lays out the workbook: the sheets and their names, the styles (a bold header, a number format
per column), the column widths, the frozen header row. Its constant-memory mode keeps one row in memory
and streams the others to a temporary file, but it spends about 4 µs on every cell (a call, a tuple, an
attribute list, an escape pass), 40 s of the 100,000-person report's 9 million cells. So the data rows
are rendered here, a row at a time into one string, and handed to the sheet's stream of rows in blocks
(`RowStreamSheet`): one type test, one f-string per cell. The values are the ones `xlsx_value` gives
(formulas neutralised, control characters removed, local wall-clock time); a text cell is an inline
string, a number a number with its column's format, a moment an Excel serial date.
"""

import math
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import xlsxwriter.workbook
from django.utils import timezone
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The control characters XML 1.0 cannot hold (tab, line feed and carriage return it can).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# What text must escape inside an element: a carriage return too, which an XML reader would turn into a line feed.
_XML_SPECIAL = re.compile(r"[&<>\r]")
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
MAX_TEXT = 32767  # characters in a cell
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"  # a moment or a day in a column without a format
EXCEL_EPOCH, EXCEL_EPOCH_DAY, DAY = datetime(1899, 12, 30), date(1899, 12, 30), timedelta(days=1)
BLOCK = 1000  # rows rendered before they go to the sheet's stream
TEXTS_KEPT = 16384  # rendered texts kept per column
OPTIONS = {
    "constant_memory": True,
    # Text is text: never a formula, a link or a number because of what it looks like.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": DATETIME_FORMAT,
}


def neutral_text(value: str) -> str:
    """Text a spreadsheet shows as it is: a leading apostrophe before a formula, no control characters XLSX cannot
    store."""
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    # Printable text holds none of the control characters (checked in C: most cells stop here).
    return value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)


def local_wall_clock(value: datetime) -> datetime:
    """A moment as local wall-clock time without a zone (spreadsheets know no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo is not None else value


def _xml_text(value: str) -> str:
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    return _XML_SPECIAL.sub(lambda match: _XML_ENTITIES[match.group()], value) if _XML_SPECIAL.search(value) else value


class RowStreamSheet(Worksheet):
    """A constant-memory worksheet that also takes rows already rendered as SheetML (`<row>` elements): they join the
    stream of rows XlsxWriter keeps on disk, after the rows written through its own methods (the header)."""

    def append_rendered(self, xml: str, first_row: int, last_row: int, last_col: int) -> None:
        """`xml`: the rows `first_row`…`last_row` (0-based), cells in columns 0…`last_col` at most."""
        if not self.constant_memory:
            raise ValueError("Rendered rows need the workbook's constant_memory mode.")
        if first_row <= self.previous_row and (self.previous_row or self.table):
            raise ValueError(f"Row {first_row} comes after row {self.previous_row}: rows are written in order.")
        self._write_single_row(first_row)  # the row XlsxWriter still holds goes first
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self.fh.write(xml)
        self.previous_row = last_row  # its cells are written: XlsxWriter holds nothing of it


ZIP_LEVEL = 1  # deflate's fastest: the sheets' XML zips 2-3× faster than at zlib's default (6), the file ~30% larger
_STORING = threading.Lock()


class _FastZipFile(zipfile.ZipFile):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)


class FastZipWorkbook(Workbook):
    """XlsxWriter's workbook, zipped at deflate level ZIP_LEVEL: zipping the 400 MB of XML of the 100,000-person
    report took 6 of its 21 s of CPU at the default level. XlsxWriter has no option for the level; it makes its
    ZipFile through the name xlsxwriter.workbook.ZipFile, which points at a ZipFile of that level while this
    workbook is stored (one workbook of this process at a time) and at zipfile.ZipFile again after."""

    def _store_workbook(self) -> None:
        with _STORING:
            xlsxwriter.workbook.ZipFile = _FastZipFile
            try:
                super()._store_workbook()
            finally:
                xlsxwriter.workbook.ZipFile = zipfile.ZipFile


class Styles:
    """The workbook's formats by number format, and each one's style attribute for a rendered cell."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.formats: dict[str | None, Format | None] = {None: None}
        self.attributes: dict[str | None, str] = {}
        self.header = workbook.add_format({"bold": True})

    def format(self, number_format: str | None) -> Format | None:
        if number_format not in self.formats:
            self.formats[number_format] = self.workbook.add_format({"num_format": number_format})
        return self.formats[number_format]

    def attribute(self, number_format: str | None) -> str:
        """` s="N"`: the cell's style, its number format; empty for the General format."""
        if number_format not in self.attributes:
            cell_format = self.format(number_format)
            self.attributes[number_format] = f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""
        return self.attributes[number_format]


class Formatted:
    """A cell with its own number format, where a column has none (the figures of the summary sheet: its section
    says `formatted_cells`)."""

    __slots__ = ("number_format", "value")

    def __init__(self, value, number_format: str):
        self.value, self.number_format = value, number_format


# Where text needs more than to be put between tags: a formula's first character or whitespace at either end (kept
# with xml:space="preserve"); inside, a control character (isprintable says no) or what XML escapes.
_TEXT_STARTS = (*FORMULA_TRIGGERS, " ", "\n")
_TEXT_ENDS = (" ", "\t", "\n", "\r")


def text_xml(value: str) -> str:
    """The inside of an inline string: `<t>`, the neutralised, escaped text, `</t>`. Most cells pass the checks
    in C and go as they are."""
    if (
        value.isprintable()
        and "&" not in value
        and "<" not in value
        and ">" not in value
        and not value.startswith(_TEXT_STARTS)
        and not value.endswith(_TEXT_ENDS)
        and len(value) <= MAX_TEXT
    ):
        return f"<t>{value}</t>"
    value = _xml_text(neutral_text(value))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def row_renderer(letters: list[str], styles: list[str], cell_style: Callable[[str | None], str]) -> Callable:
    """`render(row, number)`: one `<row>` element (`number`: its 1-based number as text). `styles[i]`: the style
    attribute of column i's number format; `cell_style(number format)`: that of a cell with a format of its own."""
    zone = timezone.get_current_timezone()
    is_finite = math.isfinite

    def other_cell(value, ref: str, style: str) -> str:
        """A cell that is neither text nor a plain number: a Formatted cell, a moment, a day, a truth, a decimal;
        anything else as its text."""
        if isinstance(value, Formatted):
            return "" if value.value is None else other_cell(value.value, ref, cell_style(value.number_format))
        if isinstance(value, str):
            return f'<c r="{ref}" t="inlineStr"><is>{text_xml(value)}</is></c>' if value else ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime):
            local = value.astimezone(zone).replace(tzinfo=None) if value.tzinfo is not None else value
            return f'<c r="{ref}"{style or cell_style(DATETIME_FORMAT)}><v>{(local - EXCEL_EPOCH) / DAY!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}"{style or cell_style(DATE_FORMAT)}><v>{(value - EXCEL_EPOCH_DAY).days}</v></c>'
        if isinstance(value, int | Decimal) or (isinstance(value, float) and is_finite(value)):
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        return other_cell(str(value), ref, style)

    # Each column's texts already rendered: a unit, a cycle, a layer, a health repeat on every row (a title does
    # not: its column's cache fills and stops growing).
    known: list[dict[str, str]] = [{} for _ in letters]

    def render(row: Iterable, number: str) -> str:
        cells = []
        for value, letter, style, texts in zip(row, letters, styles, known, strict=False):
            cls = value.__class__
            if cls is str:
                if value:  # an empty text is an empty cell
                    inner = texts.get(value)
                    if inner is None:
                        inner = text_xml(value)
                        if len(texts) < TEXTS_KEPT:
                            texts[value] = inner
                    cells.append(f'<c r="{letter}{number}" t="inlineStr"><is>{inner}</is></c>')
            elif cls is int or (cls is float and is_finite(value)):
                cells.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
            elif value is not None:
                cells.append(other_cell(value, f"{letter}{number}", style))
        return f'<row r="{number}">{"".join(cells)}</row>'

    return render


def write_workbook(sections: Iterable, file, widths: Callable[[str], float], written: Callable[[int], None] | None):
    """`sections` (apps.reports.export.Section) into `file`, a sheet each: a bold, frozen header row, the columns
    `widths(header)` wide, each column's number format; `written(rows)` after each block of rows."""
    workbook = FastZipWorkbook(file, OPTIONS)
    styles = Styles(workbook)
    for section in sections:
        sheet = workbook.add_worksheet(section.title, worksheet_class=RowStreamSheet)
        _write_section(sheet, section, styles, widths, written)
    workbook.close()


def _write_section(sheet: RowStreamSheet, section, styles: Styles, widths: Callable, written: Callable | None) -> None:
    header = section.header
    sheet.freeze_panes(1, 0)
    for index, name in enumerate(header):
        sheet.set_column(index, index, widths(name))
    sheet.write_row(0, 0, [neutral_text(name) for name in header], styles.header)
    letters = [xl_col_to_name(index) for index in range(len(header))]
    column_styles = [styles.attribute(number_format) for number_format in section.formats]
    render = row_renderer(letters, column_styles, styles.attribute)
    block: list[str] = []
    first = row_number = 1  # 0-based, as XlsxWriter counts: the header is row 0
    for row in section.rows():
        block.append(render(row, str(row_number + 1)))
        row_number += 1
        if len(block) == BLOCK:
            _append(sheet, block, first, len(header), written)
            block, first = [], row_number
    if block:
        _append(sheet, block, first, len(header), written)


def _append(sheet: RowStreamSheet, block: list[str], first: int, columns: int, written: Callable | None) -> None:
    sheet.append_rendered("".join(block), first, first + len(block) - 1, columns - 1)
    if written is not None:
        written(len(block))
