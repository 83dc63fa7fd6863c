"""Reading an HR file (CSV or XLSX) into rows of text, with nothing checked but the file's shape.

Every cell becomes a stripped string so that the checks downstream see one kind of value
whichever format the file came in. Row numbers are those a spreadsheet shows: the header is
row 1 (or the first non-blank row), blank rows are skipped but still counted.
"""

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree import ElementTree

import openpyxl

COLUMNS = ("employee_id", "name", "email", "unit_path", "manager_id", "role", "active")
# Without these a row cannot name a person and place them; the others have defaults (see rows.py).
REQUIRED_COLUMNS = ("employee_id", "name", "email", "unit_path")
# An XLSX is a zip: refuse one that unpacks to far more than any HR file (a decompression bomb).
MAX_XLSX_UNPACKED_BYTES = 500 * 1024 * 1024
# An organisation of 100,000 people fits twice; more rows than this is not an org chart (or a bomb of empty rows).
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = ",;\t"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file: a row number (None for the file as a whole), a column and what is wrong."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its spreadsheet number and its cells in COLUMNS order (None: the file has no such column)."""

    number: int
    values: tuple[str | None, ...]

    def get(self, column: str) -> str | None:
        return self.values[COLUMNS.index(column)]


@dataclass
class Sheet:
    rows: list[Row]
    columns: frozenset[str]
    ignored_columns: list[str]
    problems: list[Problem]


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message says what to do."""


def read_file(data: bytes, filename: str = "") -> Sheet:
    """The rows of a CSV or XLSX file (told apart by content, not name), or the reason it cannot be read."""
    try:
        check_size(data)
        cells = _xlsx_cells(data) if data.startswith(XLSX_MAGIC) else _csv_cells(data, filename)
        return _sheet(cells)
    except UnreadableFile as exc:
        return Sheet(rows=[], columns=frozenset(), ignored_columns=[], problems=[Problem(None, "", str(exc))])


def size_problems(data: bytes) -> list[Problem]:
    """What makes the file too large (or too damaged) to read, found in about a second without parsing a cell."""
    try:
        check_size(data)
    except UnreadableFile as exc:
        return [Problem(None, "", str(exc))]
    return []


def row_bound(data: bytes) -> int:
    """How many rows the file has at most, found without parsing a cell (raises UnreadableFile for a damaged XLSX)."""
    if data.startswith(XLSX_MAGIC):
        _check_unpacked_size(data)
        return _xlsx_row_count(data)
    return data.count(b"\n") + 1  # a bound: quoted cells may span lines


def check_size(data: bytes) -> None:
    """Refuse, before reading a cell, a file with more than MAX_ROWS rows or an XLSX that unpacks too large."""
    if row_bound(data) > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows: split it.")


def normalise_header(name: str) -> str:
    """The column a header names, ignoring case, spaces, hyphens and underscores ("E-mail", "Employee ID")."""
    squashed = re.sub(r"[\s_\-]+", "", name.lower())
    return _BY_SQUASHED.get(squashed, squashed)


_BY_SQUASHED = {column.replace("_", ""): column for column in COLUMNS}


def _sheet(cells: Iterator[tuple[int, list[str]]]) -> Sheet:
    header_row = next(((number, values) for number, values in cells if any(values)), None)
    if header_row is None:
        raise UnreadableFile("The file is empty: it needs a header row and one row per person.")
    positions, ignored, problems = _read_header(*header_row)
    if problems:
        return Sheet(rows=[], columns=frozenset(positions), ignored_columns=ignored, problems=problems)
    rows = []
    for number, values in cells:
        if any(values):
            rows.append(_row(number, values, positions))
        if number > MAX_ROWS + 1:  # the header and MAX_ROWS people, blank rows included
            raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows: split it.")
    if not rows:
        problems.append(Problem(None, "", "The file has a header but no people: nothing to import."))
    return Sheet(rows=rows, columns=frozenset(positions), ignored_columns=ignored, problems=problems)


def _read_header(number: int, values: list[str]) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Where each known column sits; other columns are ignored (HR exports carry many)."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, raw in enumerate(values):
        name = normalise_header(raw)
        if name in positions:
            problems.append(Problem(number, name, f"Two header cells name the column {name}."))
        elif name in COLUMNS:
            positions[name] = index
        elif name:
            ignored.append(raw.strip())
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(Problem(number, name, f"The header has no {name} column (found: {_listed(values)})."))
    return positions, ignored, problems


def _listed(values: list[str]) -> str:
    return ", ".join(value.strip() for value in values if value.strip()) or "nothing"


def _row(number: int, values: list[str], positions: dict[str, int]) -> Row:
    def cell(column: str) -> str | None:
        index = positions.get(column)
        if index is None:
            return None
        return values[index] if index < len(values) else ""

    return Row(number=number, values=tuple(cell(column) for column in COLUMNS))


# --- CSV ---------------------------------------------------------------------------------


def _csv_cells(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    if data.startswith(OLD_EXCEL_MAGIC) or filename.lower().endswith(".xls"):
        raise UnreadableFile("Old Excel files (.xls) are not read: save the sheet as .xlsx or as CSV UTF-8.")
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"The file is not UTF-8 text (byte {exc.start + 1}): save it as CSV UTF-8 or as .xlsx."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return _numbered(reader)


def _delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever the header line uses most."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return max(DELIMITERS, key=first_line.count) if any(d in first_line for d in DELIMITERS) else ","


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """Rows numbered as records (a quoted cell may span lines), every cell stripped."""
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(f"Row {number + 1} cannot be read as CSV: {exc}.") from None
        number += 1
        yield number, [value.strip() for value in values]


# --- XLSX --------------------------------------------------------------------------------


def _xlsx_cells(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows, read in read-only mode (rows stream; the file is not held as cells)."""
    _check_unpacked_size(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean "not a readable workbook"
        raise UnreadableFile(f"The file is not a readable .xlsx workbook ({type(exc).__name__}).") from None
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook) -> Iterator[tuple[int, list[str]]]:
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise UnreadableFile(f"The workbook's first sheet cannot be read ({type(exc).__name__}).") from None
    finally:
        workbook.close()


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile("The file looks like an .xlsx workbook but is damaged.") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise UnreadableFile("The workbook unpacks to more than 500 MB: split it, or save it as CSV.")


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _xlsx_row_count(data: bytes) -> int:
    """How many rows the first worksheet holds, counted in its XML as it unpacks (no cell is parsed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(_first_sheet_path(archive)) as sheet:
            count, tail = 0, b""
            for chunk in iter(lambda: sheet.read(1 << 20), b""):
                block = tail + chunk
                count += len(_ROW_TAG.findall(block))
                tail = block[-16:]
                count -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk
            return count + len(_ROW_TAG.findall(tail))
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError):
        raise UnreadableFile("The file looks like an .xlsx workbook but is damaged.") from None


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one the import reads), from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = next(element for element in workbook.iter() if element.tag.endswith("}sheet"))
    relation_id = first.attrib[_RELATIONSHIPS]
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.attrib["Target"] for r in relations if r.attrib.get("Id") == relation_id)
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _cell_text(value) -> str:
    """A cell as the text a person would type: 1001 not 1001.0, TRUE as true, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def sort_problems(*groups: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by row (file-wide ones first), then column order."""
    order = {name: index for index, name in enumerate(COLUMNS)}
    merged = [problem for group in groups for problem in group]
    return sorted(merged, key=lambda p: (p.row if p.row is not None else -1, order.get(p.column, -1)))
