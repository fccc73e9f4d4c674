"""Reads of the documents app: verification, the vault, and who may open an issued file."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.utils import timezone

from mpp.core import clock
from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.regions.models import Region
from mpp.registry.nik import mask_nik

from .models import VALID_DAYS, IssuedDocument, Origin, VaultDocument, VaultVersion


def issued_by_code(code: str) -> IssuedDocument | None:
    """The issued document with this verification code, or None (an unknown or malformed code alike)."""
    if not code or len(code) > 40:
        return None
    # Every QR scan runs this: a raw statement skips compiling the same query again on each
    # request (a tenth of the page's CPU); the code column is unique, so at most one row. The
    # region's name and zone come along (``region_name``, ``region_time_zone``, as ``_with_region``).
    return next(iter(IssuedDocument.objects.raw(_ISSUED_BY_CODE, [code])), None)


_ISSUED_BY_CODE = (
    f"SELECT d.*, r.name AS region_name, r.time_zone AS region_time_zone FROM {IssuedDocument._meta.db_table} d "  # noqa: S608 - no input in it
    f"JOIN {Region._meta.db_table} r ON r.code = d.region_id WHERE d.code = %s"
)


def issued_by_signed_revision(sha256: str | None) -> IssuedDocument | None:
    """The issued document whose file, as signed, has this SHA-256 (``PdfVerdict.signed_revision_sha256``:
    the same for every copy, whatever validation data was added later), or None."""
    if not sha256:
        return None
    return _with_region(IssuedDocument.objects.filter(signed_revision_sha256=sha256)).first()


def _with_region(documents):
    """What the verification pages show of the issuing region: its name and zone, in the same query."""
    return documents.annotate(region_name=F("region__name"), region_time_zone=F("region__time_zone"))


def vault(owner) -> list[VaultDocument]:
    """The owner's vault documents, newest first, each with its versions (newest first) and issue record."""
    versions = VaultVersion.objects.select_related("upload").order_by("-number")
    return list(
        VaultDocument.objects.filter(owner=owner)
        .select_related("issued")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("-updated_at")
    )


def vault_document(owner, document_id) -> VaultDocument | None:
    try:
        return VaultDocument.objects.filter(owner=owner, pk=document_id).first()
    except (ValidationError, ValueError):
        return None


def issued_for_agencies(code: str, agencies) -> IssuedDocument | None:
    """An issued document of one of the officer's agencies (to revoke it), or None."""
    return (
        IssuedDocument.objects.select_related("application__agency")
        .filter(code=code, application__agency__in=agencies)
        .first()
    )


def vault_choices(owner, document_types) -> dict[str, list[tuple[str, str]]]:
    """For each document type, the owner's vault documents an application may use instead of a new upload:
    (the upload id of the newest version, a label), newest first; revoked issued documents are left out."""
    versions = (
        VaultVersion.objects.filter(document__owner=owner, document__document_type__in=set(document_types))
        .exclude(document__issued__revoked_at__isnull=False)
        .select_related("document")
        .order_by("document_id", "-number")
    )
    newest = {}
    for version in versions:
        newest.setdefault(version.document_id, version)
    choices: dict[str, list[tuple[str, str]]] = {}
    for version in sorted(newest.values(), key=lambda v: v.document.updated_at, reverse=True):
        label = version.document.title if version.number == 1 else f"{version.document.title} (v{version.number})"
        choices.setdefault(version.document.document_type, []).append((str(version.upload_id), label))
    return choices


@dataclass(frozen=True)
class HeldDocument:
    """A valid document the platform issued, in its holder's vault: what an application takes without asking."""

    document: VaultDocument
    issued: IssuedDocument

    @property
    def upload_id(self) -> str:
        """The signed file an application points at (``{"source": "vault", "id": …}``)."""
        return str(self.issued.upload_id)


def held_issued(owner, document_types, *, person_nik: str, now=None) -> dict[str, HeldDocument]:
    """For each document type, the newest document issued through MPP Digital that ``owner``'s vault holds about
    ``person_nik`` and that is valid now: not revoked, not past its ``valid_until``, and issued within its type's
    ``VALID_DAYS``. A type with none is left out; so is anything uploaded, or someone else's."""
    types = {str(document_type) for document_type in document_types}
    if not types or not person_nik or owner is None or owner.pk is None:
        return {}
    now = now or timezone.now()
    documents = (
        VaultDocument.objects.filter(
            owner=owner,
            document_type__in=types,
            origin=Origin.ISSUED,
            issued__isnull=False,
            issued__revoked_at__isnull=True,
        )
        .select_related("issued__application", "issued__region")
        .order_by("-issued__issued_at")
    )
    held: dict[str, HeldDocument] = {}
    for document in documents:
        issued = document.issued
        if document.document_type not in held and _valid(issued, now) and _about(issued, owner, person_nik):
            held[document.document_type] = HeldDocument(document, issued)
    return held


def _valid(issued: IssuedDocument, now) -> bool:
    days = VALID_DAYS.get(issued.document_type)
    if days is not None and issued.issued_at <= now - timedelta(days=days):
        return False
    return issued.valid_until is None or issued.valid_until >= clock.in_zone(now, issued.region).date()


def _about(issued: IssuedDocument, owner, person_nik: str) -> bool:
    """The document is about this person: its holder (as it keeps it, masked) and the application it results from
    (made by the owner, for themselves or for the person) both say so."""
    if not issued.holder_nik_masked or issued.holder_nik_masked != mask_nik(person_nik):
        return False
    application = issued.application
    return application is None or (application.beneficiary_nik or owner.nik) == person_nik


def revoking_agencies(officer) -> set:
    """The agencies whose documents the officer may revoke: those where they approve (the issuer's head)."""
    return {agency for agency, role in agency_roles(officer) if role == Role.APPROVER}
