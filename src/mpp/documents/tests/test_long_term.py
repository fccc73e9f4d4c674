"""PAdES B-LTA: issued documents stay verifiable after the signing certificate expires.

Signed against the demo CA's real trust services (simulators/trust: an RFC 3161 time-stamping
authority and an OCSP responder, their own process), then validated as of moments years ahead.
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm

from mpp.documents import archive, signing, validation
from mpp.documents.models import IssuedDocument
from mpp.documents.tests.test_pages import approved_birth

pytestmark = pytest.mark.django_db


def certificate(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def expiry(path) -> dt.datetime:
    return certificate(path).not_valid_after_utc


def stored(issued: IssuedDocument) -> bytes:
    issued.upload.refresh_from_db()
    with issued.upload.file.open("rb") as handle:
        return handle.read()


def test_a_signature_carries_a_timestamp_its_validation_data_an_archive_timestamp_and_a_certification(
    long_term_signing, kk_content
):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pdf = signing.render_signed(kk_content)

    reader = PdfFileReader(BytesIO(pdf))
    signature = reader.embedded_regular_signatures[0]
    assert signature.docmdp_level == MDPPerm.FILL_FORMS  # certified: later changes show
    assert signature.signer_info["unsigned_attrs"].native[0]["type"] == "signature_time_stamp_token"
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 2 and len(dss["/Certs"]) >= 3  # the signer's and the TSA's status, the chain
    assert len(reader.embedded_timestamp_signatures) == 1  # the archive timestamp over it all
    verdict = validation.validate(pdf)
    assert verdict.is_valid and verdict.long_term
    assert before - dt.timedelta(seconds=1) <= verdict.timestamped_at <= dt.datetime.now(dt.UTC)
    assert long_term_signing.status()["timestamps_issued"] >= 2


def test_it_still_verifies_after_the_signing_certificate_expires(long_term_signing, kk_content):
    pdf = signing.render_signed(kk_content)
    after_expiry = expiry(long_term_signing.ca_dir / "signer.pem") + dt.timedelta(days=30)

    verdict = validation.validate(pdf, at=after_expiry)

    assert (verdict.status, verdict.reason) == ("valid", "valid")
    assert verdict.long_term
    assert verdict.timestamped_at < after_expiry - dt.timedelta(days=365)  # signed then, judged as of then


def test_without_a_timestamp_the_same_signature_expires_with_its_certificate(long_term_signing, settings, kk_content):
    settings.DOCUMENT_SIGNING_TSA_URL = ""
    pdf = signing.render_signed(kk_content)
    after_expiry = expiry(long_term_signing.ca_dir / "signer.pem") + dt.timedelta(days=30)

    assert validation.validate(pdf).is_valid
    verdict = validation.validate(pdf, at=after_expiry)
    assert (verdict.status, verdict.reason) == ("invalid", "expired")
    assert verdict.timestamped_at is None and not verdict.long_term


def test_once_the_archive_timestamp_expires_the_document_needs_a_new_one(long_term_signing, kk_content):
    pdf = signing.render_signed(kk_content)
    after_tsa_expiry = expiry(long_term_signing.ca_dir / "tsa.pem") + dt.timedelta(days=1)

    assert validation.validate(pdf, at=after_tsa_expiry).reason == "expired"


def test_a_change_after_signing_breaks_it_even_with_the_validation_data(long_term_signing, kk_content):
    pdf = bytearray(signing.render_signed(kk_content))
    at = pdf.index(b"BUDI SANTOSO") if b"BUDI SANTOSO" in pdf else len(pdf) // 4
    pdf[at] ^= 0x01

    assert validation.validate(bytes(pdf)).status in {"invalid", "malformed"}


def test_signing_fails_with_a_clear_message_when_the_time_stamping_authority_is_down(long_term_signing, kk_content):
    long_term_signing.set_faults(error_rate=1)

    with pytest.raises(signing.TrustServicesUnavailable, match="stempel waktu"):
        signing.render_signed(kk_content)


def test_a_certificate_the_ca_has_put_on_hold_signs_nothing(long_term_signing, kk_content):
    serial = certificate(long_term_signing.ca_dir / "signer.pem").serial_number
    long_term_signing.revoke(serial, reason="certificate_hold")
    try:
        with pytest.raises(signing.TrustServicesUnavailable):
            signing.render_signed(kk_content)
    finally:
        long_term_signing.release(serial)


def test_an_approval_while_the_time_stamping_authority_is_down_is_refused_and_undone(
    long_term_signing, client, siti, verifier, approver
):
    from mpp.applications.models import Application, Status

    long_term_signing.set_faults(error_rate=1)
    with pytest.raises(signing.TrustServicesUnavailable):
        approved_birth(siti, verifier, approver)
    application = Application.objects.get(applicant=siti)
    assert application.status != Status.APPROVED and not IssuedDocument.objects.exists()


def test_an_approval_records_the_signed_revision_and_how_long_the_archive_timestamp_holds(
    long_term_signing, siti, verifier, approver
):
    issued = approved_birth(siti, verifier, approver)

    assert issued.timestamped_until == expiry(long_term_signing.ca_dir / "tsa.pem")
    assert issued.signed_revision_sha256 != issued.sha256  # validation data follows the signature
    assert validation.validate(stored(issued)).signed_revision_sha256 == issued.signed_revision_sha256


def test_verify_page_shows_the_timestamp_and_a_revoked_document_stays_revoked_years_later(
    long_term_signing, client, siti, verifier, approver, monkeypatch
):
    issued = approved_birth(siti, verifier, approver)
    pdf = stored(issued)
    years_later = expiry(long_term_signing.ca_dir / "signer.pem") + dt.timedelta(days=30)
    monkeypatch.setattr("mpp.documents.validation.timezone.now", lambda: years_later)

    page = client.post("/verify/", {"file": SimpleUploadedFile("akta.pdf", pdf, "application/pdf")})
    text = page.content.decode()
    assert page.status_code == 200 and "Sah." in text
    assert "Stempel waktu" in text and issued.number in text

    IssuedDocument.objects.filter(pk=issued.pk).update(revoked_at=issued.issued_at, revocation_reason="Salah data")
    page = client.post("/verify/", {"file": SimpleUploadedFile("akta.pdf", pdf, "application/pdf")})
    assert "Dicabut." in page.content.decode()


def test_upgrade_gives_basic_documents_timestamps_and_old_copies_still_match(
    long_term_signing, settings, siti, verifier, approver
):
    settings.DOCUMENT_SIGNING_TSA_URL = ""
    issued = approved_birth(siti, verifier, approver)  # a PAdES B-B document, as issued before this change
    copy_the_citizen_holds = stored(issued)
    assert issued.timestamped_until is None
    settings.DOCUMENT_SIGNING_TSA_URL = f"{long_term_signing.url}/tsa"
    out = StringIO()

    call_command("upgrade_signatures", stdout=out)

    assert "Upgraded 2 document(s)" in out.getvalue()  # the birth certificate and the new family card
    issued.refresh_from_db()
    upgraded = stored(issued)
    assert upgraded.startswith(copy_the_citizen_holds)  # an incremental update: the signed bytes stay
    assert issued.timestamped_until == expiry(long_term_signing.ca_dir / "tsa.pem")
    after_expiry = expiry(long_term_signing.ca_dir / "signer.pem") + dt.timedelta(days=30)
    verdict = validation.validate(upgraded, at=after_expiry)
    assert verdict.is_valid and verdict.long_term
    old = validation.validate(copy_the_citizen_holds)
    assert old.signed_revision_sha256 == verdict.signed_revision_sha256 == issued.signed_revision_sha256
    again = StringIO()
    call_command("upgrade_signatures", stdout=again)
    assert "Upgraded 0 document(s)" in again.getvalue()


def test_upgrade_leaves_a_signature_that_no_longer_validates(long_term_signing, settings, siti, verifier, approver):
    settings.DOCUMENT_SIGNING_TSA_URL = ""
    issued = approved_birth(siti, verifier, approver)
    settings.DOCUMENT_SIGNING_TSA_URL = f"{long_term_signing.url}/tsa"
    settings.DOCUMENT_SIGNING_DIR = long_term_signing.ca_dir.parent / "elsewhere"  # its CA no longer trusted
    out = StringIO()

    call_command("upgrade_signatures", stdout=out)

    assert "Upgraded 0 document(s)" in out.getvalue() and "2 could not be upgraded" in out.getvalue()
    issued.refresh_from_db()
    assert issued.timestamped_until is None


def test_refresh_adds_a_newer_archive_timestamp_over_the_old_one(long_term_signing, siti, verifier, approver):
    issued = approved_birth(siti, verifier, approver)
    before = stored(issued)
    out = StringIO()

    call_command("refresh_archive_timestamps", "--days", "1", stdout=out)
    assert "of 0 document(s)" in out.getvalue()  # the TSA certificate is years from expiry
    call_command("refresh_archive_timestamps", "--all", stdout=out)

    assert "of 2 document(s)" in out.getvalue()  # the birth certificate and the new family card
    after = stored(issued)
    assert after.startswith(before)
    reader = PdfFileReader(BytesIO(after))
    assert len(reader.embedded_timestamp_signatures) == 2
    assert validation.validate(after).is_valid
    issued.refresh_from_db()
    assert issued.sha256 != archive.facts(before).signed_revision_sha256


def test_the_commands_say_what_they_need_without_a_time_stamping_authority():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_SIGNING_TSA_URL"):
        call_command("refresh_archive_timestamps", stdout=StringIO())


def test_pdfsig_reads_a_trusted_signature_followed_by_the_archive_timestamp(long_term_signing, kk_content, tmp_path):
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        message = "needs Debian's poppler-utils and libnss3-tools (pdfsig, certutil; .ci/run installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI installs both: a missing tool there is a broken run, not a skip
        pytest.skip(message)
    path = tmp_path / "kk.pdf"
    path.write_bytes(signing.render_signed(kk_content))
    # pdfsig trusts what its NSS database trusts: the demo root, as a verifier would add its CA's.
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    root = str(long_term_signing.ca_dir / "ca.pem")
    trust_root = ["certutil", "-A", "-d", f"sql:{nss}", "-n", "demo-root", "-t", "CT,C,C", "-a", "-i", root]
    subprocess.run(trust_root, check=True, capture_output=True)

    report = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, timeout=30
    ).stdout

    first, second = report.split("Signature #2:")
    assert "Signature Type: ETSI.CAdES.detached" in first
    assert "Signature is Valid." in first and "Certificate is Trusted." in first
    assert "Not total document signed" in first  # validation data and the archive timestamp follow it
    assert "Otoritas Stempel Waktu" in second  # the document timestamp, signed by the TSA


def test_pyhanko_reports_a_timestamped_long_term_signature(long_term_signing, kk_content, tmp_path):
    path = tmp_path / "kk.pdf"
    path.write_bytes(signing.render_signed(kk_content))
    command = [
        str(Path(sys.executable).with_name("pyhanko")),
        "sign",
        "adesverify",
        "--trust",
        str(long_term_signing.ca_dir / "ca.pem"),
    ]

    report = subprocess.run([*command, "--trust-replace", str(path)], capture_output=True, text=True, timeout=60)

    assert report.returncode == 0, report.stderr[-2000:]
    summary = report.stdout.strip().splitlines()[-1]
    assert ":INTACT:TRUSTED," in summary
    assert "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in summary and "EXTENDED_WITH_LTA_UPDATES" in summary
