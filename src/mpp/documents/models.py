"""The citizen's vault of typed documents, and the documents the platform issues and signs.

A vault document is a typed entry (KTP-el, KK, ijazah, STR, …) with numbered versions; each
version is one stored file (``files.Upload``: kept through Django's storage API with its
SHA-256, never served from the web root). An issued document is the signed result of an
application: it lands in the applicant's vault, carries an unguessable verification code
printed as a QR code, and can be revoked by its issuer — which ``/verify/<code>`` shows at once.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    KTP_EL = "ktp-el", _("KTP-el")
    KARTU_KELUARGA = "kartu-keluarga", _("Kartu Keluarga")
    AKTA_KELAHIRAN = "akta-kelahiran", _("Akta kelahiran")
    KIA = "kia", _("Kartu Identitas Anak")
    AKTA_KEMATIAN = "akta-kematian", _("Akta kematian")
    AKTA_PERKAWINAN = "akta-perkawinan", _("Akta perkawinan")
    SKPWNI = "skpwni", _("Surat keterangan pindah (SKPWNI)")
    BUKTI_PERKAWINAN = "bukti-perkawinan", _("Buku nikah / bukti perkawinan")
    IJAZAH = "ijazah", _("Ijazah")
    STR = "str", _("Surat Tanda Registrasi (STR)")
    SIP = "sip", _("Surat Izin Praktik (SIP)")
    PAS_FOTO = "pas-foto", _("Pas foto")
    SURAT_KETERANGAN_LAHIR = "surat-keterangan-lahir", _("Surat keterangan lahir")
    SURAT_KETERANGAN_KEMATIAN = "surat-keterangan-kematian", _("Surat keterangan kematian")
    SURAT_KETERANGAN_PERKAWINAN = "surat-keterangan-perkawinan", _("Surat keterangan perkawinan")
    SURAT_KETERANGAN_TEMPAT_PRAKTIK = "surat-keterangan-tempat-praktik", _("Surat keterangan tempat praktik")
    SURAT_PERSETUJUAN_ATASAN = "surat-persetujuan-atasan", _("Surat persetujuan atasan")
    SURAT_PERSETUJUAN_KEPALA_KELUARGA = "surat-persetujuan-kepala-keluarga", _("Surat persetujuan kepala keluarga")
    SURAT_KEHILANGAN_POLISI = "surat-kehilangan-polisi", _("Surat keterangan kehilangan dari kepolisian")
    SURAT_KUASA = "surat-kuasa", _("Surat kuasa")
    IZIN_PERKAWINAN = "izin-perkawinan", _("Izin perkawinan")
    BUKTI_PERUBAHAN_DATA = "bukti-perubahan-data", _("Bukti perubahan data")
    PERJANJIAN_PELAKSANAAN = "perjanjian-pelaksanaan", _("Perjanjian pelaksanaan MPP Digital")
    BUKTI_BAYAR = "bukti-bayar", _("Bukti pembayaran")
    # Letters a village (desa) or kelurahan issues: the same values as their service templates' slugs.
    SURAT_KETERANGAN_DOMISILI = "surat-keterangan-domisili", _("Surat keterangan domisili")
    SKTM = "sktm", _("Surat keterangan tidak mampu (SKTM)")
    SURAT_KETERANGAN_USAHA = "surat-keterangan-usaha", _("Surat keterangan usaha")
    SURAT_PENGANTAR_SKCK = "surat-pengantar-skck", _("Surat pengantar SKCK")
    SURAT_PENGANTAR_NIKAH = "surat-pengantar-nikah", _("Surat pengantar nikah")
    SURAT_PENGANTAR_PINDAH = "surat-pengantar-pindah", _("Surat pengantar pindah")
    SURAT_KETERANGAN_KEMATIAN_DESA = "surat-keterangan-kematian-desa", _("Surat keterangan kematian desa/kelurahan")
    SURAT_KETERANGAN_BELUM_MENIKAH = "surat-keterangan-belum-menikah", _("Surat keterangan belum pernah menikah")
    LAINNYA = "lainnya", _("Dokumen lain")


#: Days an issued document of these types stays usable for another application, counted from the day it was
#: issued: an introduction letter vouches for the present, so an older one is asked for anew.
#: A type not listed is usable until its ``IssuedDocument.valid_until``, if any, or until it is revoked.
VALID_DAYS: dict[str, int] = {
    DocumentType.SURAT_PENGANTAR_SKCK: 90,
}


class Origin(models.TextChoices):
    UPLOADED = "uploaded", _("Diunggah")
    ISSUED = "issued", _("Diterbitkan MPP Digital")


class VaultDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_documents")
    document_type = models.CharField(_("jenis dokumen"), max_length=60, choices=DocumentType.choices)
    title = models.CharField(_("judul"), max_length=160)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    #: For an issued document: the issue record (its verification code and revocation).
    issued = models.OneToOneField(
        "IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="vault_entry"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("dokumen brankas")
        verbose_name_plural = _("dokumen brankas")
        indexes = [models.Index(fields=["owner", "-updated_at"], name="vault_owner_recent")]

    def __str__(self):
        return self.title


class VaultVersion(models.Model):
    """One version of a vault document: a stored file. The newest is the one applications use."""

    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(VaultDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    upload = models.OneToOneField("files.Upload", on_delete=models.PROTECT, related_name="vault_version")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="vault_version_number")]
        verbose_name = _("versi dokumen")
        verbose_name_plural = _("versi dokumen")

    def __str__(self):
        return f"{self.document} v{self.number}"


def new_verification_code() -> str:
    """160 random bits, URL-safe: unguessable, and short enough for a QR code."""
    return secrets.token_urlsafe(20)


class IssuedDocument(models.Model):
    """A signed result of an application, or a signed agreement of a region. Never edited after issue
    except to revoke it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True, default=new_verification_code, editable=False)
    #: The application it results from; None for a document signed outside one (a region's agreement).
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="issued_document"
    )
    #: The issuing kabupaten/kota: verification shows its name and its time zone.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    document_type = models.CharField(max_length=60, choices=DocumentType.choices)
    number = models.CharField(_("nomor dokumen"), max_length=80, unique=True)
    title = models.CharField(_("judul"), max_length=160)
    issuer = models.CharField(_("penerbit"), max_length=200)
    holder_name = models.CharField(_("nama pemegang"), max_length=200)
    #: The NIK as verification shows it: never in full.
    holder_nik_masked = models.CharField(max_length=20, blank=True)
    #: The few fields verification shows, as [label, value] pairs in the site's language.
    key_fields = models.JSONField(default=list)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    upload = models.OneToOneField("files.Upload", on_delete=models.PROTECT, related_name="issued_document")
    #: SHA-256 of the stored file as it is now (validation data and archive timestamps are added to it).
    sha256 = models.CharField(max_length=64, db_index=True)
    #: SHA-256 of the file as signed (up to the end of the issuer's signature): every copy of the
    #: document has it, before and after validation data was added, so verification finds it by this.
    signed_revision_sha256 = models.CharField(max_length=64, db_index=True, blank=True)
    #: Until when the newest archive timestamp's TSA certificate is valid: the archive timestamp must be
    #: renewed before then (``manage.py refresh_archive_timestamps``). None: a basic signature without
    #: timestamps (``manage.py upgrade_signatures`` adds them).
    timestamped_until = models.DateTimeField(null=True, blank=True, db_index=True)
    signer = models.CharField(_("penanda tangan"), max_length=300)
    signed_by_demo_ca = models.BooleanField(default=False)
    issued_at = models.DateTimeField(_("diterbitkan"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
