"""The index of a period as a spreadsheet (XLSX) and as CSV: a row per region, then its agencies and services.

Counts and scores only: the population served, the respondents and the sample they needed, each
element's NRR, the IKM and its grade, and (on a region's row) the open answers counted apart. No
answer, suggestion or respondent is ever exported.
"""

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .ikm import Scores
from .periods import Period
from .questionnaire import ELEMENTS
from .selectors import ExportRow


def header() -> list[str]:
    return [
        _("Kode wilayah"),
        _("Kabupaten/kota"),
        _("Tingkat"),
        _("Instansi"),
        _("Layanan"),
        _("Periode"),
        _("Pengguna layanan"),
        _("Responden"),
        _("Sampel minimal"),
        _("Sampel mencukupi"),
        *[f"{element.code} {element.name}" for element in ELEMENTS],
        _("IKM"),
        _("Mutu pelayanan"),
        _("Kinerja unit pelayanan"),
        _("Jawaban survei umum (tidak dihitung)"),
    ]


LEVELS = {"region": _("Daerah"), "agency": _("Instansi"), "service": _("Layanan")}


def row(item: ExportRow, period: Period) -> list:
    scores: Scores = item.scores
    grade = scores.grade
    return [
        item.region_code,
        item.region_name,
        str(LEVELS[item.level]),
        item.agency,
        item.service,
        period.label(),
        scores.served,
        scores.respondents,
        scores.required,
        _("Ya") if scores.is_sufficient else _("Tidak"),
        *[float(score.nrr) if score.nrr is not None else "" for score in scores.elements],
        float(scores.ikm) if scores.ikm is not None else "",
        grade.value if grade else "",
        str(grade.label) if grade else "",
        item.open if item.level == "region" else "",
    ]


def rows(items: list[ExportRow], period: Period) -> list[list]:
    return [[_safe(value) for value in row(item, period)] for item in items]


def as_csv(items: list[ExportRow], period: Period) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opened by double-click reads the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(items, period))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(items: list[ExportRow], period: Period) -> bytes:
    from openpyxl import Workbook  # here, not at import: only the export needs it
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("IKM")
    sheet.append(header())
    for values in rows(items, period):
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "F2"
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["E"].width = 32
    workbook.properties.title = f"IKM {period.label()}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(period: Period, region_code: str, extension: str) -> str:
    where = region_code.replace(".", "") if region_code else "nasional"
    return f"ikm-{where}-{slugify(period.code)}.{extension}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Names come from the catalog and regions, but a cell never starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
