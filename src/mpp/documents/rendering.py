"""Render an issued document (a result of a service) as an A4 PDF in Bahasa Indonesia.

``render`` knows nothing of applications or services: the caller fills a
``RenderedContent``. Built-in Helvetica only (no font files), the QR code drawn as
vectors from the ``qrcode`` matrix. The text is the citizen's document, so it is the
caller's words; the few fixed phrases here are Indonesian on purpose (an official
Indonesian document is Indonesian whatever the reader's interface language).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

DEMO_BANNER = "DOKUMEN DEMO — ditandatangani oleh CA demo, tidak sah untuk keperluan resmi"
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MARGIN = 18 * mm
QR_SIZE = 30 * mm


@dataclass(frozen=True)
class RenderedContent:
    """Everything printed on one issued document.

    ``issuer``: the letterhead, top down (``("PEMERINTAH KOTA SAMARINDA", "DINAS
    KEPENDUDUKAN DAN PENCATATAN SIPIL")``); ``fields``: labelled values in order;
    ``table_header``/``table_rows``: an optional table (the members of a KK);
    ``demo``: print the demo banner (``signing.render_signed`` sets it for a demo signer).
    Sequences are stored as tuples.
    """

    issuer: Sequence[str]
    title: str
    number: str
    issued_at: dt.date
    place: str
    official_name: str
    official_position: str
    verification_url: str
    verification_code: str
    fields: Sequence[tuple[str, str]] = ()
    table_header: Sequence[str] = ()
    table_rows: Sequence[Sequence[str]] = ()
    official_id: str = ""  # NIP of the signing official, printed under the name
    issuer_address: str = ""
    demo: bool = False
    extra_lines: Sequence[str] = field(default=())  # notes under the fields, e.g. legal basis

    def __post_init__(self):
        object.__setattr__(self, "issuer", tuple(self.issuer))
        object.__setattr__(self, "fields", tuple((str(label), str(value)) for label, value in self.fields))
        object.__setattr__(self, "table_header", tuple(self.table_header))
        object.__setattr__(self, "table_rows", tuple(tuple(str(cell) for cell in row) for row in self.table_rows))
        object.__setattr__(self, "extra_lines", tuple(self.extra_lines))
        if self.table_rows and self.table_header and any(len(r) != len(self.table_header) for r in self.table_rows):
            raise ValueError("every table row needs one cell per table_header column")


def verification_url(code: str) -> str:
    """The public page that checks a document: ``{SITE_URL}/verify/<code>``."""
    return f"{settings.SITE_URL.rstrip('/')}/verify/{code}"


def indonesian_date(day: dt.date) -> str:
    """``12 Januari 2026``: independent of the active locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def render(document: RenderedContent) -> bytes:
    """The PDF (A4, unsigned) of ``document``."""
    output = BytesIO()
    pdf = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + (12 * mm if document.demo else 0),
        bottomMargin=MARGIN + 6 * mm,
        title=f"{document.title} {document.number}",
        author=" ".join(document.issuer),
        subject=document.title,
        creator="MPP Digital",
        keywords="DEMO" if document.demo else "",
    )
    page = _PageDecoration(document)
    pdf.build(_story(document, pdf.width), onFirstPage=page, onLaterPages=page)
    return output.getvalue()


def _story(document: RenderedContent, width: float) -> list:
    story: list = []
    for index, line in enumerate(document.issuer):
        story.append(Paragraph(escape(line), _HEADER_MAIN if index == 0 else _HEADER))
    if document.issuer_address:
        story.append(Paragraph(escape(document.issuer_address), _SMALL_CENTER))
    story.append(_Rule(width))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(document.title), _TITLE))
    story.append(Paragraph(f"Nomor: {escape(document.number)}", _CENTER))
    story.append(Spacer(1, 6 * mm))

    if document.fields:
        rows = [
            [Paragraph(escape(label), _BODY), ":", Paragraph(escape(value), _BODY_BOLD)]
            for label, value in document.fields
        ]
        fields = Table(rows, colWidths=[58 * mm, 4 * mm, width - 62 * mm], hAlign="LEFT")
        fields.setStyle(_FIELDS_STYLE)
        story.append(fields)
        story.append(Spacer(1, 4 * mm))

    if document.table_rows:
        header = [Paragraph(f"<b>{escape(cell)}</b>", _CELL) for cell in document.table_header]
        body = [[Paragraph(escape(cell), _CELL) for cell in row] for row in document.table_rows]
        members = Table(([header] if header else []) + body, repeatRows=1 if header else 0, hAlign="LEFT")
        members.setStyle(_GRID_STYLE)
        story.append(members)
        story.append(Spacer(1, 4 * mm))

    for line in document.extra_lines:
        story.append(Paragraph(escape(line), _SMALL))
    story.append(Spacer(1, 8 * mm))
    story.append(KeepTogether([_closing(document, width)]))
    return story


def _closing(document: RenderedContent, width: float) -> Table:
    """QR code and its code on the left, the signing official on the right."""
    qr = [
        _QrCode(document.verification_url),
        Spacer(1, 1.5 * mm),
        Paragraph(f"Kode verifikasi: <b>{escape(document.verification_code)}</b>", _SMALL),
    ]
    signature = [
        Paragraph(f"{escape(document.place)}, {indonesian_date(document.issued_at)}", _BODY),
        Paragraph(escape(document.official_position), _BODY),
        Spacer(1, 3 * mm),
        Paragraph("<i>Ditandatangani secara elektronik</i>", _SMALL),
        Spacer(1, 3 * mm),
        Paragraph(f"<b><u>{escape(document.official_name)}</u></b>", _BODY),
    ]
    if document.official_id:
        signature.append(Paragraph(f"NIP. {escape(document.official_id)}", _BODY))
    closing = Table([[qr, signature]], colWidths=[width * 0.45, width * 0.55])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return closing


class _QrCode(Flowable):
    """The verification URL as a QR code, drawn as filled runs of modules (sharp at any zoom)."""

    def __init__(self, data: str, size: float = QR_SIZE):
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(data)
        code.make(fit=True)
        self.matrix = code.get_matrix()
        self.width = self.height = size

    def draw(self):
        canvas = self.canv
        module = self.width / len(self.matrix)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for y, row in enumerate(self.matrix):
            top = self.height - (y + 1) * module
            x = 0
            while x < len(row):
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    path.rect(start * module, top, (x - start) * module, module)
                else:
                    x += 1
        canvas.drawPath(path, stroke=0, fill=1)


class _Rule(Flowable):
    """The double line under a letterhead (kop surat)."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 3 * mm

    def draw(self):
        canvas = self.canv
        canvas.setLineWidth(1.6)
        canvas.line(0, self.height - 0.8 * mm, self.width, self.height - 0.8 * mm)
        canvas.setLineWidth(0.5)
        canvas.line(0, self.height - 1.8 * mm, self.width, self.height - 1.8 * mm)


class _PageDecoration:
    """Drawn on every page: the demo banner and watermark, the verification footer, page numbers."""

    def __init__(self, document: RenderedContent):
        self.document = document

    def __call__(self, canvas, pdf):
        width, height = A4
        canvas.saveState()
        if self.document.demo:
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.08))
            canvas.setFont("Helvetica-Bold", 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -40, "DEMO")
            canvas.rotate(-45)
            canvas.translate(-width / 2, -height / 2)
            canvas.setFillColor(colors.Color(0.75, 0.05, 0.05))
            canvas.rect(MARGIN, height - MARGIN - 9 * mm, width - 2 * MARGIN, 9 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            canvas.setFont("Helvetica-Bold", 9.5)
            canvas.drawCentredString(width / 2, height - MARGIN - 5.8 * mm, DEMO_BANNER)
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            MARGIN,
            MARGIN,
            f"Dokumen ini ditandatangani secara elektronik. Periksa keasliannya di {self.document.verification_url}",
        )
        canvas.drawRightString(width - MARGIN, MARGIN, f"Halaman {pdf.page}")
        canvas.restoreState()


_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
_BODY_BOLD = ParagraphStyle("body-bold", parent=_BODY, fontName="Helvetica-Bold")
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=8, leading=10)
_SMALL_CENTER = ParagraphStyle("small-center", parent=_SMALL, alignment=TA_CENTER)
_CENTER = ParagraphStyle("center", parent=_BODY, alignment=TA_CENTER)
_HEADER_MAIN = ParagraphStyle("header-main", fontName="Helvetica-Bold", fontSize=14, leading=17, alignment=TA_CENTER)
_HEADER = ParagraphStyle("header", fontName="Helvetica-Bold", fontSize=12, leading=15, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=18, alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9)
_FIELDS_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)
_GRID_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
)
