"""The implementation agreement as a document: what it says, and its two signatures.

Rendered on designation with the existing renderer (QR code and verification code included),
then signed with the platform's signer twice, each an incremental update: the region's signature
certifies the document (only further signatures and validation data may follow), the ministry's
is an approval signature after it. Each signature names, in its stated reason, the party and the
official who signed (the platform's key seals on their action, see docs/decisions/0011).
"""

from dataclasses import replace

from mpp.documents.rendering import RenderedContent, indonesian_date, verification_url

from .models import Agreement

TITLE = "PERJANJIAN PELAKSANAAN MAL PELAYANAN PUBLIK DIGITAL"
MINISTRY = "KEMENTERIAN PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI"
REGION_FIELD = "TandaTanganPihakPertama"
MINISTRY_FIELD = "TandaTanganPihakKedua"
LEGAL_BASIS = (
    "Dasar: Peraturan Presiden Nomor 89 Tahun 2021 tentang Penyelenggaraan Mal Pelayanan Publik, dan keputusan "
    "Menteri PANRB tentang penetapan lokus Mal Pelayanan Publik Digital."
)


def content(agreement: Agreement) -> RenderedContent:
    """What the agreement prints: the parties, the decree, the region's commitments, and the closing."""
    request = agreement.request
    region = request.region
    services = sorted(template.name for template in request.first_services.all())
    commitments = [
        "Menetapkan pengelola MPP Digital dengan keputusan kepala daerah dalam 30 hari sejak perjanjian ini.",
        f"Menyelenggarakan secara daring melalui MPP Digital: {'; '.join(services) or 'layanan yang disepakati'}.",
        "Menyampaikan laporan monitoring dan evaluasi kepada Kementerian PANRB setiap putaran pelaporan.",
        "Menjaga keamanan data pribadi warga sesuai peraturan perundang-undangan.",
    ]
    return RenderedContent(
        issuer=(MINISTRY, f"DAN PEMERINTAH {region.name.upper()}"),
        title=TITLE,
        number=agreement.number,
        issued_at=agreement.agreed_on,
        place="Jakarta",
        official_name=request.applicant_name,
        official_position=f"Pihak Pertama, {request.applicant_position}",
        verification_url=verification_url(agreement.code),
        verification_code=agreement.code,
        fields=(
            (
                "Pihak pertama",
                f"Pemerintah {region.name}, diwakili oleh {request.applicant_name}, {request.applicant_position}",
            ),
            ("Pihak kedua", "Kementerian PANRB, diwakili oleh Deputi Bidang Pelayanan Publik"),
            ("Keputusan penetapan lokus", f"{request.decree_number}, {indonesian_date(request.decree_date)}"),
            ("Kode wilayah", region.code),
            ("Calon pengelola MPP Digital", f"{request.manager_name}, {request.manager_position}".rstrip(", ")),
        ),
        table_header=("No", "Komitmen pihak pertama"),
        table_rows=[(str(number), text) for number, text in enumerate(commitments, start=1)],
        extra_lines=(
            LEGAL_BASIS,
            "Perjanjian ini ditandatangani secara elektronik, pertama oleh Pihak Pertama dan kemudian oleh "
            "Pihak Kedua, dan berlaku sejak tanda tangan Pihak Kedua.",
        ),
    )


def render(agreement: Agreement) -> bytes:
    """The unsigned PDF; a demo signer's documents carry the demo banner from the start."""
    from mpp.documents.rendering import render as render_pdf
    from mpp.documents.signing import signer

    return render_pdf(replace(content(agreement), demo=signer().is_demo))


def sign(pdf: bytes, *, label: str, first: bool, place: str) -> bytes:
    """``pdf`` with one party's signature added (``first``: the region's, certifying the document)."""
    from mpp.documents.signing import signer

    return signer().sign(
        pdf,
        field_name=REGION_FIELD if first else MINISTRY_FIELD,
        reason=label,
        location=place,
        certify=first,
    )
