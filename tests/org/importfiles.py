"""Hand-made HR files for the import tests: CSV and XLSX bytes built in the test, no fixture files."""

import csv
import io

import openpyxl

HEADER = ("employee_id", "name", "email", "unit_path", "manager_id", "role", "active")


def person(
    employee_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    unit: str = "Acme/Sales",
    manager: str = "",
    role: str = "employee",
    active: str = "yes",
) -> tuple:
    """One row in HEADER order; name and email follow from the employee id unless given."""
    name = f"Person {employee_id}" if name is None else name
    email = f"{employee_id.lower()}@example.com" if email is None else email
    return (employee_id, name, email, unit, manager, role, active)


def csv_file(*rows, header=HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def xlsx_file(*rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def small_org() -> list[tuple]:
    """A CEO, two managers under them and three reports: the rows of a clean file."""
    return [
        person("E1", name="Ada Chief", unit="Acme", role="manager"),
        person("E2", name="Ben Sales", unit="Acme/Sales", manager="E1", role="manager"),
        person("E3", name="Cy Apac", unit="Acme/Sales/APAC", manager="E2"),
        person("E4", name="Di Apac", unit="Acme/Sales/APAC", manager="E2"),
        person("E5", name="Ed Ops", unit="Acme/Operations", manager="E1", role="manager"),
        person("E6", name="Flo Ops", unit="Acme/Operations/Ops team", manager="E5"),
    ]


def xlsx_of_empty_rows(count: int) -> bytes:
    """A real workbook whose first sheet holds `count` rows, built by hand: small zipped, huge unpacked."""
    import zipfile

    rows = "".join(f'<row r="{n}"/>' for n in range(1, count + 1))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()
