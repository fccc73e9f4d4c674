"""Reads of the documents app: verification, the vault, and who may open an issued file."""

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch

from mpp.identity.models import Role
from mpp.identity.selectors import agency_roles
from mpp.regions.models import Region

from .models import IssuedDocument, VaultDocument, VaultVersion


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


def revoking_agencies(officer) -> set:
    """The agencies whose documents the officer may revoke: those where they approve (the issuer's head)."""
    return {agency for agency, role in agency_roles(officer) if role == Role.APPROVER}
