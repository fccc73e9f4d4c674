"""Keep issued documents verifiable for decades (PAdES B-LTA, ETSI EN 319 142-1).

An issued PDF carries the issuer's signature with a timestamp, the validation data (the chain and
the CA's OCSP answers, in the DSS) and an archive timestamp over it all. That last timestamp is the
proof that everything before it existed at its time; it holds while its TSA certificate is valid.
So, before that certificate expires, a new archive timestamp goes over the old one (``refresh``);
and documents signed before timestamps existed here get the validation data and a first archive
timestamp while their signing certificate is still valid (``upgrade``). Both append an incremental
update: the signed revision, and so every copy citizens already hold, stays what it was.

pyHanko does the work; this module chooses what to do to which document and records the result.
"""

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import add_validation_info

from mpp.files.services import replace_generated

from .models import IssuedDocument
from .signing import DIGEST, online_validation_context, timestamper
from .validation import signed_revision_sha256, validate


@dataclass(frozen=True)
class Facts:
    """What a signed PDF says about its own preservation."""

    #: SHA-256 of the file up to the end of the first signature: the file as signed.
    signed_revision_sha256: str
    #: When the newest document timestamp's TSA certificate expires; None without one (B-B).
    timestamped_until: dt.datetime | None


def facts(pdf: bytes) -> Facts:
    """Read ``Facts`` from a PDF the platform signed (ValueError when it has no signature)."""
    reader = PdfFileReader(BytesIO(pdf))
    signatures = reader.embedded_regular_signatures
    if not signatures:
        raise ValueError("the PDF has no signature")
    timestamps = reader.embedded_timestamp_signatures
    until = timestamps[-1].signer_cert.not_valid_after if timestamps else None
    return Facts(signed_revision_sha256(pdf, signatures[0]) or "", until)


class CannotPreserve(Exception):
    """This document cannot be given new timestamps (its signature no longer validates, or no TSA)."""


def upgrade(pdf: bytes) -> bytes:
    """A PAdES B-B file with the validation data and a first archive timestamp added (B-LTA).

    Only while the signature still validates now: a timestamp added after the certificate expired
    or was revoked would prove nothing. Raises CannotPreserve otherwise.
    """
    stamper = _timestamper()
    verdict = validate(pdf)
    if not verdict.is_valid:
        raise CannotPreserve(f"the signature does not validate now ({verdict.reason})")
    reader = PdfFileReader(BytesIO(pdf))
    with_data = add_validation_info(reader.embedded_regular_signatures[0], online_validation_context())
    writer = IncrementalPdfFileWriter(with_data)
    stamped = signers.PdfTimeStamper(stamper).timestamp_pdf(
        writer, DIGEST, validation_context=online_validation_context()
    )
    return _checked(stamped.getvalue())


def refresh(pdf: bytes) -> bytes:
    """The file with the newest timestamp's validation data and a new archive timestamp over it."""
    stamper = _timestamper()
    reader = PdfFileReader(BytesIO(pdf))
    if not reader.embedded_timestamp_signatures:
        raise CannotPreserve("the file has no archive timestamp to renew: upgrade it first")
    stamped = signers.PdfTimeStamper(stamper).update_archival_timestamp_chain(
        reader, online_validation_context(), in_place=False
    )
    return _checked(stamped.getvalue())


def upgrade_issued(document_id) -> IssuedDocument:
    """Upgrade one stored issued document (see ``upgrade``) and record its new state."""
    return _rewrite(document_id, upgrade)


def refresh_issued(document_id) -> IssuedDocument:
    """Renew one stored issued document's archive timestamp (see ``refresh``) and record it."""
    return _rewrite(document_id, refresh)


def needing_upgrade():
    """Issued documents signed without timestamps (PAdES B-B), oldest first."""
    return IssuedDocument.objects.filter(timestamped_until__isnull=True).order_by("issued_at")


def needing_refresh(*, before: dt.datetime):
    """Issued documents whose newest archive timestamp's certificate expires before ``before``."""
    return IssuedDocument.objects.filter(timestamped_until__lt=before).order_by("timestamped_until")


@dataclass
class Report:
    done: int = 0
    failed: int = 0


def run(documents, change, *, limit: int | None = None, out=None, every: int = 100) -> Report:
    """Apply ``change`` (``upgrade_issued`` or ``refresh_issued``) to each of ``documents``, one
    transaction each, so that a failure (the TSA or the OCSP responder down, a signature that no longer
    validates) costs one document; progress and failures go to ``out``. ImproperlyConfigured stops it."""
    _timestamper()  # no TSA configured: one clear error, not one per document
    report = Report()
    ids = list(documents.values_list("pk", "number")[:limit] if limit else documents.values_list("pk", "number"))
    for position, (pk, number) in enumerate(ids, start=1):
        try:
            change(pk)
        except ImproperlyConfigured:
            raise
        except Exception as failure:  # pyHanko, certvalidator and the network raise many kinds
            report.failed += 1
            if out is not None:
                out.write(f"{number}: {failure}")
        else:
            report.done += 1
        if out is not None and (position % every == 0 or position == len(ids)):
            out.write(f"… {position}/{len(ids)}")
    return report


@transaction.atomic
def _rewrite(document_id, change) -> IssuedDocument:
    issued = IssuedDocument.objects.select_for_update(of=("self",)).select_related("upload").get(pk=document_id)
    with issued.upload.file.open("rb") as handle:
        pdf = handle.read()
    changed = change(pdf)
    replace_generated(issued.upload, changed)
    described = facts(changed)
    issued.sha256 = issued.upload.sha256
    issued.timestamped_until = described.timestamped_until
    issued.signed_revision_sha256 = issued.signed_revision_sha256 or described.signed_revision_sha256
    issued.save(update_fields=["sha256", "timestamped_until", "signed_revision_sha256"])
    return issued


def _checked(pdf: bytes) -> bytes:
    """The result, if it validates as a long-term signature (the CA's OCSP answers now embedded may say
    the certificate was revoked: then nothing is stored). CannotPreserve otherwise."""
    verdict = validate(pdf)
    if not (verdict.is_valid and verdict.long_term):
        raise CannotPreserve(f"the result does not validate ({verdict.reason})")
    return pdf


def _timestamper():
    stamper = timestamper()
    if stamper is None:
        raise ImproperlyConfigured(
            "set DOCUMENT_SIGNING_TSA_URL: archive timestamps come from a time-stamping authority"
        )
    return stamper
