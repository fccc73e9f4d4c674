"""Writes of the documents app: issue an application's signed result, revoke it, keep the vault."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.files.models import Upload
from mpp.files.services import store_generated, store_upload
from mpp.registry.nik import mask_nik

from .models import DocumentType, IssuedDocument, Origin, VaultDocument, VaultVersion, new_verification_code


def issue(application, *, official, official_label: str, now=None) -> IssuedDocument | None:
    """Render, sign and store the approved application's result; it lands in the applicant's vault.

    Call inside the approval's transaction: a failure (the signer, or SISDMK for a permit)
    undoes the approval, which the officer can simply repeat. None when the service issues no
    document.
    """
    # Imported on first use: reportlab and pyHanko add ~25 MB to a worker and work to every garbage
    # collection, which only the processes that issue documents should pay (docs/BENCHMARKS.md).
    from . import issuing
    from .rendering import RenderedContent, verification_url

    now = now or timezone.now()
    issued_on = timezone.localtime(now, ZoneInfo(application.region.time_zone)).date()
    content = issuing.content_for(application, issued_on=issued_on, official=official, official_label=official_label)
    if content is None:
        return None
    code = new_verification_code()
    number = f"{content.number_prefix}/{application.tracking_number}"
    region, agency = application.region, application.agency
    rendered = RenderedContent(
        # The builder's own letterhead (a village letter: its kabupaten/kota, kecamatan and village), else the
        # region's government and the agency that decided.
        issuer=content.issuer or (f"PEMERINTAH {region.name.upper()}", agency.name.upper()),
        title=content.title,
        number=number,
        issued_at=issued_on,
        place=region.name.upper().removeprefix("KOTA ").removeprefix("KABUPATEN ").title(),
        official_name=official.get_full_name() or official.username,
        official_position=official_label,
        verification_url=verification_url(code),
        verification_code=code,
        fields=content.fields,
        table_header=content.table_header,
        table_rows=content.table_rows,
        extra_lines=content.extra_lines,
    )
    issued = issue_signed(
        owner=application.applicant,
        rendered=rendered,
        document_type=content.document_type,
        title=content.title,
        issuer=agency.name,  # a village letter's: the village's own government, which decided it
        holder_name=content.holder_name,
        region=region,
        key_fields=content.key_fields,
        file_name=f"{content.document_type}-{application.tracking_number}.pdf",
        vault_title=f"{content.title.title()} · {content.holder_name}",
        application=application,
        holder_nik_masked=mask_nik(content.holder_nik) if content.holder_nik else "",
        valid_until=content.valid_until,
        now=now,
    )
    if content.supersedes_earlier:
        _supersede(issued, prefix=f"{content.number_prefix}/", now=now)
    after = issuing.AFTER_ISSUE.get(application.service.template.slug)
    if after is not None:
        after(application, issued, actor_label=official_label)
    return issued


def issue_signed(
    *,
    owner,
    rendered,
    document_type: str,
    title: str,
    issuer: str,
    holder_name: str,
    region,
    key_fields,
    file_name: str,
    vault_title: str,
    application=None,
    holder_nik_masked: str = "",
    valid_until=None,
    now,
) -> IssuedDocument:
    """Sign ``rendered`` (a ``rendering.RenderedContent`` carrying its verification code), keep the PDF and its
    issue record, and put it in ``owner``'s vault: an application's result, or a payment's receipt."""
    from . import archive
    from .signing import render_signed, signer

    used = signer()
    pdf = render_signed(rendered, using=used)
    signed = archive.facts(pdf)
    upload = store_generated(
        owner=owner, application=application, content=pdf, content_type="application/pdf", name=file_name, now=now
    )
    issued = IssuedDocument.objects.create(
        code=rendered.verification_code,
        application=application,
        region=region,
        document_type=document_type,
        number=rendered.number,
        title=title,
        issuer=issuer,
        holder_name=holder_name,
        holder_nik_masked=holder_nik_masked,
        key_fields=[list(pair) for pair in key_fields],
        valid_until=valid_until,
        upload=upload,
        sha256=upload.sha256,
        signed_revision_sha256=signed.signed_revision_sha256,
        timestamped_until=signed.timestamped_until,
        signer=used.certificate.subject.rfc4514_string()[:300],
        signed_by_demo_ca=used.is_demo,
        issued_at=now,
    )
    document = VaultDocument.objects.create(
        owner=owner,
        document_type=document_type,
        title=vault_title,
        origin=Origin.ISSUED,
        issued=issued,
        created_at=now,
        updated_at=now,
    )
    VaultVersion.objects.create(document=document, number=1, upload=upload, created_at=now)
    return issued


def record_issued(
    *,
    code: str,
    pdf: bytes,
    document_type: str,
    number: str,
    title: str,
    issuer: str,
    holder_name: str,
    region,
    key_fields: list[tuple[str, str]],
    upload,
    now=None,
) -> IssuedDocument:
    """Keep a PDF signed outside an application (a region's agreement, signed by both parties) as an issued
    document, under the verification ``code`` printed on it: ``/verify/<code>`` and the upload check
    answer for it like for every other. ``upload`` is the stored file of ``pdf``."""
    from . import archive
    from .signing import signer

    signed = archive.facts(pdf)
    used = signer()
    return IssuedDocument.objects.create(
        code=code,
        region=region,
        document_type=document_type,
        number=number,
        title=title,
        issuer=issuer,
        holder_name=holder_name,
        key_fields=[list(pair) for pair in key_fields],
        upload=upload,
        sha256=upload.sha256,
        signed_revision_sha256=signed.signed_revision_sha256,
        timestamped_until=signed.timestamped_until,
        signer=used.certificate.subject.rfc4514_string()[:300],
        signed_by_demo_ca=used.is_demo,
        issued_at=now or timezone.now(),
    )


@transaction.atomic
def revoke(*, code: str, officer, reason: str, agencies, now=None) -> IssuedDocument:
    """The issuer withdraws a document (e.g. a permit revoked by the health office); verification shows it at once."""
    from . import issuing  # on first use, as in issue()

    reason = reason.strip()
    if not reason:
        raise DomainError(_("Tuliskan alasan pencabutan."))
    issued = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("application__service__template", "application__agency")
        .filter(code=code, application__agency__in=agencies)
        .first()
    )
    if issued is None:
        raise NotFound(_("Dokumen tidak ditemukan."))
    if issued.is_revoked:
        raise Conflict(_("Dokumen ini sudah dicabut."))
    issued.revoked_at, issued.revoked_by, issued.revocation_reason = now or timezone.now(), officer, reason
    issued.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    after = issuing.AFTER_REVOKE.get(issued.application.service.template.slug)
    if after is not None:
        after(issued, actor_label=issued.application.agency.name)
    return issued


def _supersede(issued: IssuedDocument, *, prefix: str, now) -> None:
    """Revoke the earlier, still valid documents ``issued`` replaces (same number prefix)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Digantikan oleh %(title)s nomor %(number)s.") % {
            "title": issued.title.title(),
            "number": issued.number,
        }
    IssuedDocument.objects.filter(number__startswith=prefix, revoked_at__isnull=True).exclude(pk=issued.pk).update(
        revoked_at=now, revocation_reason=reason
    )


# --- the vault -------------------------------------------------------------------------------------


@transaction.atomic
def add_to_vault(*, owner, uploaded, document_type: str, title: str = "", document_id=None, now=None) -> VaultVersion:
    """Keep an uploaded file in the owner's vault: a new document, or a new version of ``document_id``.

    ValidationError for a file that is not a PDF, JPEG or PNG of at most 5 MB, or an unknown type.
    """
    now = now or timezone.now()
    if document_id is not None:
        document = VaultDocument.objects.select_for_update().filter(pk=document_id, owner=owner).first()
        if document is None:
            raise NotFound(_("Dokumen tidak ditemukan."))
        if document.origin == Origin.ISSUED:
            raise DomainError(_("Dokumen terbitan tidak dapat diganti; permohonan baru menerbitkan versi baru."))
    else:
        if document_type not in DocumentType.values:
            raise ValidationError(_("Pilih jenis dokumen."))
        label = DocumentType(document_type).label
        document = VaultDocument.objects.create(
            owner=owner,
            document_type=document_type,
            title=(title.strip() or str(label))[:160],
            origin=Origin.UPLOADED,
            created_at=now,
            updated_at=now,
        )
    upload = store_upload(owner=owner, uploaded=uploaded, now=now)  # checked, as any upload
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    document.updated_at = now
    document.save(update_fields=["updated_at"])
    return VaultVersion.objects.create(document=document, number=number, upload=upload, created_at=now)


@transaction.atomic
def remove_from_vault(*, owner, document_id, open_application_using) -> None:
    """The owner removes an uploaded document and the files no application holds — never an issued one.

    ``open_application_using(upload_ids)`` gives the tracking number of an open application that
    uses one of the document's files, or "": the documents context does not know applications,
    so the caller that does asks (``applications.services.remove_vault_document``). Locks the
    document first. Raises NotFound, DomainError for an issued document, Conflict while in use.
    """
    document = VaultDocument.objects.select_for_update().filter(pk=document_id, owner=owner).first()
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan."))
    if document.origin == Origin.ISSUED:
        raise DomainError(_("Dokumen terbitan tidak dapat dihapus; hanya penerbitnya yang dapat mencabutnya."))
    upload_ids = {str(pk) for pk in document.versions.values_list("upload_id", flat=True)}
    number = open_application_using(upload_ids)
    if number:
        raise Conflict(_("Dokumen ini dipakai permohonan %(number)s yang masih berjalan.") % {"number": number})
    uploads = list(Upload.objects.filter(pk__in=upload_ids, application__isnull=True))
    document.delete()  # its versions with it
    for upload in uploads:
        upload.file.delete(save=False)
        upload.delete()
