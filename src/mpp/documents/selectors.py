"""Reads of the documents app: verification, the vault, and who may open an issued file."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from .models import IssuedDocument, VaultDocument, VaultVersion


def issued_by_code(code: str) -> IssuedDocument | None:
    """The issued document with this verification code, or None (an unknown or malformed code alike)."""
    if not code or len(code) > 40:
        return None
    return IssuedDocument.objects.filter(code=code).first()


def issued_by_hash(sha256: str) -> IssuedDocument | None:
    """The issued document whose signed file has exactly this SHA-256, or None."""
    return IssuedDocument.objects.filter(sha256=sha256).first()


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
