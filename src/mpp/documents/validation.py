"""Check an uploaded PDF: is it signed, unchanged since, and by a certificate we trust?

``validate`` never raises for bad input and never hangs: the file's size is capped
(``VERIFY_MAX_UPLOAD_BYTES``, default 10 MB) and the parsing and validation run in a
child process that is killed after ``VERIFY_TIMEOUT_SECONDS`` (default 5) and limited in
memory (``VERIFY_MEMORY_LIMIT_BYTES``, default 512 MB). A parser bug or a crafted file
(deep nesting, decompression bombs, endless cross-reference chains) costs at most that.

Trust roots: the platform CA in ``DOCUMENT_SIGNING_DIR`` (``ca.pem``) plus the PEM files
listed in ``DOCUMENT_SIGNING_TRUST_ROOTS`` (a region's CA, BSrE…).

Two kinds of signature, two ways to judge them:

- **Long-term (PAdES B-LTA, or an old signature upgraded)**: pyHanko's AdES LTA validation
  (ETSI EN 319 102-1 §5.6.3). The newest archive timestamp is checked at the validation time;
  it proves that the signature and the validation data in the file (DSS) existed then, so the
  signature is judged **as of its timestamp** with the OCSP answers the file carries. It stays
  valid after the signing certificate expires, as long as the newest archive timestamp's TSA
  certificate is current (``manage.py refresh_archive_timestamps``). No network: the newest
  archive timestamp's certificate is taken as not revoked at the validation time (the operator
  renews the timestamp when its CA says otherwise, docs/operators.md).
- **Basic (PAdES B-B)**: validated at the validation time; invalid once the certificate expires.
"""

import asyncio
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Imported here, in the parent, so that the forked child finds them loaded.
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec, ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
    NonRevokedStatusAssertion,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

VALID, INVALID, NOT_SIGNED, MALFORMED = "valid", "invalid", "not_signed", "malformed"

# Reason codes, for views and logs; ``PdfVerdict.message`` is the citizen's sentence.
REASONS = {
    "valid": _("Tanda tangan sah: dokumen utuh dan ditandatangani oleh penerbit tepercaya."),
    "altered": _("Isi dokumen telah diubah setelah ditandatangani."),
    "bad_signature": _("Tanda tangan elektronik tidak valid atau bukan untuk dokumen ini."),
    "modified_after_signing": _("Dokumen telah ditambah atau diubah setelah ditandatangani."),
    "untrusted": _("Tanda tangan dibuat dengan sertifikat yang tidak diterbitkan oleh otoritas tepercaya."),
    "expired": _(
        "Sertifikat penanda tangan sudah tidak berlaku dan berkas tidak membawa stempel waktu yang masih sah "
        "untuk membuktikan kapan dokumen ditandatangani."
    ),
    "not_signed": _("Dokumen tidak memiliki tanda tangan elektronik."),
    "empty": _("Berkas kosong."),
    "too_large": _("Berkas terlalu besar untuk diperiksa."),
    "not_pdf": _("Berkas bukan dokumen PDF."),
    "unreadable": _("Berkas PDF rusak atau tidak dapat dibaca."),
    "timeout": _("Pemeriksaan berkas memakan waktu terlalu lama; berkas mungkin rusak."),
}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_MEMORY_LIMIT_BYTES = 512 * 1024 * 1024
PDF_HEADER_WINDOW = 1024  # readers accept "%PDF-" anywhere in the first kilobyte


@dataclass(frozen=True)
class PdfVerdict:
    """What ``validate`` found.

    ``status``: ``valid`` (intact, trusted, nothing but validation data added after
    signing), ``invalid`` (signed, but altered, added to, copied or untrusted),
    ``not_signed`` or ``malformed`` (not a readable PDF, too large, too slow).
    ``reason``: a key of ``REASONS``. ``sha256``: hex digest of the bytes given, to look
    up whether the platform issued exactly this file. The other fields describe the
    first signature (the issuer's) and are False/None when there is none.
    """

    status: str
    reason: str
    sha256: str
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer_name: str | None = None
    signed_at: dt.datetime | None = None
    #: When a time-stamping authority proves the signature existed (its timestamp, or the first
    #: archive timestamp after it); None when only the signer claims a time.
    timestamped_at: dt.datetime | None = None
    #: The file carries its validation data and an archive timestamp (PAdES B-LTA).
    long_term: bool = False
    #: SHA-256 of the file as it was signed (up to the end of the first signature): the same for
    #: every copy of one issued document, whatever validation data was added to it later.
    signed_revision_sha256: str | None = None
    #: Every signature in the file, in signing order (an agreement has two).
    signatures: tuple["SignatureCheck", ...] = ()

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def message(self) -> Promise:
        """The reason as a sentence for the citizen (lazy: in the active language)."""
        return REASONS[self.reason]


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a file: who signed (the certificate's name), on whose behalf (``label``, the
    signature's stated reason), when, and whether it holds (``reason``: a key of ``REASONS``)."""

    signer_name: str | None
    label: str
    signed_at: dt.datetime | None
    timestamped_at: dt.datetime | None
    valid: bool
    reason: str

    @property
    def message(self) -> Promise:
        return REASONS[self.reason]


def validate(
    pdf_bytes: bytes, *, trust_roots: Iterable[x509.Certificate] | None = None, at: dt.datetime | None = None
) -> PdfVerdict:
    """Validate the first signature of ``pdf_bytes`` against ``trust_roots`` (default:
    ``default_trust_roots()``) at the moment ``at`` (default: now). Never raises for bad input;
    see the module docstring."""
    data = bytes(pdf_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return PdfVerdict(status=MALFORMED, reason="empty", sha256=digest)
    if len(data) > settings.VERIFY_MAX_UPLOAD_BYTES:
        return PdfVerdict(status=MALFORMED, reason="too_large", sha256=digest)
    if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
        return PdfVerdict(status=MALFORMED, reason="not_pdf", sha256=digest)
    roots = default_trust_roots() if trust_roots is None else list(trust_roots)
    roots_der = [root.public_bytes(serialization.Encoding.DER) for root in roots]
    outcome = run_bounded(
        _inspect,
        (data, roots_der, at or timezone.now()),
        timeout=settings.VERIFY_TIMEOUT_SECONDS,
        memory_limit=settings.VERIFY_MEMORY_LIMIT_BYTES,
    )
    if outcome is TIMED_OUT:
        return PdfVerdict(status=MALFORMED, reason="timeout", sha256=digest)
    if outcome is CRASHED:
        return PdfVerdict(status=MALFORMED, reason="unreadable", sha256=digest)
    return PdfVerdict(sha256=digest, **outcome)


def default_trust_roots() -> list[x509.Certificate]:
    """The platform CA (``ca.pem`` in ``DOCUMENT_SIGNING_DIR``, if present) and every
    certificate in the PEM files of ``DOCUMENT_SIGNING_TRUST_ROOTS``."""
    paths = [Path(settings.DOCUMENT_SIGNING_DIR) / "ca.pem", *map(Path, settings.DOCUMENT_SIGNING_TRUST_ROOTS)]
    roots: list[x509.Certificate] = []
    for path in paths:
        if path.exists():
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return roots


# --- bounded execution -------------------------------------------------------------------

TIMED_OUT = object()
CRASHED = object()


def run_bounded(function, args: tuple, *, timeout: float, memory_limit: int | None = None):
    """``function(*args)`` in a forked child, killed after ``timeout`` seconds.

    Returns the function's (picklable) result, ``TIMED_OUT``, or ``CRASHED`` (the child
    raised, ran out of memory or died). Fork, not a pool: the child starts with the
    modules already imported (a millisecond or two), and a killed child takes nothing
    with it. Only the forking thread is copied; the child touches no locks the parent's
    other threads might hold (no logging, no database), and exits with ``os._exit``.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, memory_limit), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return TIMED_OUT
        try:
            ok, result = receiver.recv()
        except (EOFError, OSError):  # died without answering: out of memory, a signal
            return CRASHED
        return result if ok else CRASHED
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _child(sender, function, args, memory_limit):
    # A collection would walk (and so copy) every page inherited from the parent;
    # the child lives for milliseconds under a memory limit, it needs none.
    gc.disable()
    try:
        if memory_limit:
            import resource

            # On top of what the worker already maps (a Django worker maps hundreds of MB):
            # an absolute limit below that would fail every check.
            limit = _address_space() + memory_limit
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            answer = (True, function(*args))
        except BaseException as exc:  # everything a hostile file can provoke ends as "unreadable"
            answer = (False, repr(exc)[:200])
        sender.send(answer)
        sender.close()
    finally:
        os._exit(0)


def _address_space() -> int:
    """Bytes of virtual memory this process maps now (Linux); 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --- what runs in the child ----------------------------------------------------------------


def _inspect(data: bytes, roots_der: list[bytes], at: dt.datetime) -> dict:
    """Parse and validate every signature; returns the verdict's fields (without ``sha256``).

    The verdict's own fields describe the first signature (the issuer's); ``signatures`` has one
    entry per signature, and the file is valid only when every one is. After a signature only
    validation data may follow, and further signatures (an agreement's countersignature).
    """
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:
        return {"status": MALFORMED, "reason": "unreadable"}
    if not signatures:
        return {"status": NOT_SIGNED, "reason": "not_signed"}

    roots = [asn1_x509.Certificate.load(der) for der in roots_der]
    long_term = bool(reader.embedded_timestamp_signatures)
    checks = [
        _judge(signature, reader, roots, at, last=position == len(signatures) - 1)
        for position, signature in enumerate(signatures)
    ]
    first = checks[0]
    fields = {
        **{key: value for key, value in first.items() if key not in ("reason", "valid", "label")},
        "long_term": long_term and first["trusted"],
        "signed_revision_sha256": signed_revision_sha256(data, signatures[0]),
        "signatures": tuple(
            SignatureCheck(
                signer_name=check["signer_name"],
                label=check["label"],
                signed_at=check["signed_at"],
                timestamped_at=check["timestamped_at"],
                valid=check["valid"],
                reason=check["reason"],
            )
            for check in checks
        ),
    }
    broken = next((check for check in checks if not check["valid"]), None)
    if broken is None:
        return {"status": VALID, "reason": "valid", **fields}
    return {"status": INVALID, "reason": broken["reason"], **fields}


def _judge(signature, reader, roots, at: dt.datetime, *, last: bool) -> dict:
    """One signature's findings: the verdict's fields for it, ``valid``, ``reason`` and its ``label``."""
    label = _reason_text(signature)
    try:
        if next(extract_tst_data_iter(signature.signer_info, signed=False), None) is not None:
            status, trusted, timestamped_at = _long_term(signature, reader, roots, at)
        elif reader.embedded_timestamp_signatures:
            status, trusted, timestamped_at = _proven_by_archive_timestamps(signature, reader, roots, at)
        else:
            status, trusted, timestamped_at = _basic(signature, roots, at), None, None
    except Exception:
        return {
            "valid": False,
            "reason": "bad_signature",
            "label": label,
            "intact": False,
            "trusted": False,
            "covers_whole_file": False,
            "signer_name": None,
            "signed_at": None,
            "timestamped_at": None,
        }
    trusted = bool(status.trusted) if trusted is None else trusted
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # Only validation data (DSS, document timestamps: PAdES B-LT/LTA) may follow the last signature, and
    # further signatures an earlier one (form filling is all the certification allows, and our documents
    # have no fields but signatures); anything else, even bytes that change nothing a reader shows, was
    # not signed by us.
    allowed = (
        (ModificationLevel.LTA_UPDATES,) if last else (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
    )
    untouched = covers_whole_file or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in allowed
        and status.docmdp_ok is not False
    )
    findings = {
        "label": label,
        "intact": bool(status.intact),
        "trusted": trusted,
        "covers_whole_file": covers_whole_file,
        "signer_name": _common_name(status.signing_cert),
        "signed_at": timestamped_at or _signing_time(status),
        "timestamped_at": timestamped_at if trusted else None,
    }
    if not status.intact:
        reason = "altered"
    elif not status.valid:
        reason = "bad_signature"
    elif not untouched:
        reason = "modified_after_signing"
    elif not trusted:
        reason = "expired" if _expired(status.signing_cert, at) else "untrusted"
    else:
        return {"valid": True, "reason": "valid", **findings}
    return {"valid": False, "reason": reason, **findings}


def _reason_text(signature) -> str:
    """The signature's stated reason (``/Reason``): on whose behalf it was made, as the signer wrote it."""
    try:
        return str(signature.sig_object.get("/Reason", ""))[:300]
    except Exception:
        return ""


def _basic(signature, roots, at: dt.datetime):
    """A signature without timestamps, at ``at``; the certificate must be current then."""
    context = ValidationContext(
        trust_roots=roots,
        moment=at,
        allow_fetching=False,  # no network from a verification request
        revocation_mode="soft-fail",
    )
    return validate_pdf_signature(signature, signer_validation_context=context)


def _long_term(signature, reader, roots, at: dt.datetime):
    """AdES LTA validation at ``at`` with what the file carries; (status, trusted, timestamped_at)."""
    trust = SimpleTrustManager.build(trust_roots=roots)
    # The signature and its timestamp: revocation information is required, and the file has it.
    required = CertRevTrustPolicy(REQUIRE_REVINFO, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION)
    timestamps = reader.embedded_timestamp_signatures
    knowledge = LocalKnowledge(
        nonrevoked_assertions=[NonRevokedStatusAssertion(timestamps[-1].signer_cert.sha256, at=at)]
        if timestamps
        else []
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(trust_manager=trust, revinfo_policy=required),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=knowledge,
        )
    )
    timing = ValidationTimingInfo(validation_time=at, best_signature_time=at, point_in_time_validation=False)
    result = asyncio.run(ades_lta_validation(signature, spec, timing_info=timing))
    status = result.api_status
    if status is None:
        raise ValueError(result.failure_msg or "no status")
    trusted = result.ades_subindic == AdESPassed.OK
    proven = None
    timestamp = result.signature_timestamp_status
    if timestamp is not None and timestamp.ades_subindic == AdESPassed.OK and timestamp.api_status is not None:
        proven = timestamp.api_status.timestamp
    elif result.oldest_evidence_record_timestamp is not None:
        proven = result.oldest_evidence_record_timestamp
    return status, trusted, proven


def _proven_by_archive_timestamps(signature, reader, roots, at: dt.datetime):
    """A signature without its own timestamp but followed by archive timestamps: a PAdES B-B document
    upgraded later (``archive.upgrade``). pyHanko's AdES validation insists on a signature timestamp,
    so the chain is walked here with pyHanko's validators: the newest archive timestamp at ``at``, each
    older one as of the next one's time, and the signature as of the first one after it, the moment it
    is proven to have existed, with the OCSP answers in the file (required: a revoked certificate fails).
    """
    store = DocumentSecurityStore.read_dss(reader)

    def context(moment: dt.datetime, *, revocation: bool) -> ValidationContext:
        options = {"trust_roots": roots, "moment": moment, "allow_fetching": False, "revocation_mode": "hard-fail"}
        if revocation:
            return store.as_validation_context(options)
        # The newest archive timestamp, as for B-LTA: its certificate is not asked about at request time.
        return ValidationContext(other_certs=list(store.load_certs()), **{**options, "revocation_mode": "soft-fail"})

    chain = [
        stamp for stamp in reader.embedded_timestamp_signatures if stamp.signed_revision > signature.signed_revision
    ]
    moment = at
    for position, stamp in enumerate(reversed(chain)):
        checked = validate_pdf_timestamp(stamp, validation_context=context(moment, revocation=position > 0))
        if not (checked.intact and checked.valid and checked.trusted):
            return _basic(signature, roots, at), None, None
        moment = checked.timestamp
    status = validate_pdf_signature(signature, signer_validation_context=context(moment, revocation=True))
    return status, bool(status.trusted), moment if status.trusted else None


def _expired(certificate, at: dt.datetime) -> bool:
    try:
        return certificate["tbs_certificate"]["validity"]["not_after"].native < at
    except Exception:
        return False


def signed_revision_sha256(data: bytes, signature) -> str | None:
    """The hash of ``data`` up to the end of what ``signature`` (pyHanko's) covers: the file as signed."""
    try:
        _, _, start, length = (int(value) for value in signature.byte_range)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(data[: start + length]).hexdigest()


def _common_name(certificate) -> str | None:
    try:
        return certificate.subject.native.get("common_name")
    except Exception:
        return None


def _signing_time(status) -> dt.datetime | None:
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is not None and timestamp.intact and timestamp.valid:
        return timestamp.timestamp
    return status.signer_reported_dt
