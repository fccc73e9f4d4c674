"""A table as CSV and as a spreadsheet (XLSX), for the exports of every app (the monev round, the treasurer's
report). Text is written as text: a cell that would start a formula (``=``, ``+``, ``-``, ``@``) gets a ``'``."""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def as_csv(header: list, rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opened by double-click reads the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[safe(value) for value in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(header: list, rows: list[list], *, sheet: str, title: str, freeze: str = "A2", widths=None) -> bytes:
    """One sheet named ``sheet`` (at most 31 characters), its header bold and frozen above ``freeze``."""
    from openpyxl import Workbook  # here, not at import: only an export needs it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    active = workbook.active
    active.title = sheet[:31]
    active.append(header)
    for row in rows:
        active.append(
            [ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in map(safe, row)]
        )
    for cell in active[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    active.freeze_panes = freeze
    for column, width in (widths or {}).items():
        active.column_dimensions[column].width = width
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
