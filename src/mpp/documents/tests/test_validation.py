import dataclasses
import hashlib
import re
import time
from io import BytesIO

import pytest
from asn1crypto import cms
from cryptography import x509
from django.utils import translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from mpp.documents import signing, validation
from mpp.documents.rendering import render

CONTENTS = re.compile(rb"/Contents <([0-9A-Fa-f]+)>")
BYTE_RANGE = re.compile(rb"/ByteRange \[[^\]]*\]")


@pytest.fixture
def signed(demo_signing, kk_content):
    return signing.render_signed(kk_content)


@pytest.fixture
def other_signed(demo_signing, kk_content):
    return signing.render_signed(dataclasses.replace(kk_content, number="6472019999990002", fields=()))


def _root(ca):
    return x509.load_pem_x509_certificate(ca.ca_cert.read_bytes())


# --- the good case ---------------------------------------------------------------------------


def test_document_we_signed_is_valid(signed):
    verdict = validation.validate(signed)

    assert verdict.status == "valid" and verdict.is_valid
    assert verdict.reason == "valid"
    assert verdict.intact and verdict.trusted and verdict.covers_whole_file
    assert verdict.signer_name == "MPP Digital DEMO — Penandatangan Dokumen"
    assert verdict.signed_at is not None
    assert verdict.sha256 == hashlib.sha256(signed).hexdigest()


def test_message_is_indonesian_by_default(signed):
    with translation.override("id"):
        assert str(validation.validate(signed).message).startswith("Tanda tangan sah")


def test_unsigned_pdf_is_not_signed(demo_signing, kk_content):
    verdict = validation.validate(render(kk_content))

    assert (verdict.status, verdict.reason) == ("not_signed", "not_signed")
    assert not verdict.intact and not verdict.trusted


# --- (a) one byte changed -------------------------------------------------------------------


def test_one_byte_changed_in_the_signed_content_is_not_intact(signed):
    assert signed.count(b"6472012345670001") >= 1
    tampered = signed.replace(b"6472012345670001", b"6472012345670009", 1)

    verdict = validation.validate(tampered)

    assert (verdict.status, verdict.reason) == ("invalid", "altered")
    assert not verdict.intact and not verdict.trusted


def test_one_byte_changed_in_the_signature_itself_is_invalid(signed):
    container = PdfFileReader(BytesIO(signed)).embedded_signatures[0].pkcs7_content
    value = cms.ContentInfo.load(container, strict=False)["content"]["signer_infos"][0]["signature"].native
    position = CONTENTS.search(signed).start(1) + 2 * (container.find(value) + 10)  # inside the ECDSA value
    flipped = b"1" if signed[position : position + 1] != b"1" else b"2"
    tampered = signed[:position] + flipped + signed[position + 1 :]

    verdict = validation.validate(tampered)

    assert (verdict.status, verdict.reason) == ("invalid", "bad_signature")
    assert not verdict.trusted


# --- (b) an incremental update after the signature -------------------------------------------


def test_page_content_added_after_signing_does_not_cover_the_whole_file(signed):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 400 Td (DISETUJUI) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    output = BytesIO()
    writer.write(output)
    updated = output.getvalue()
    assert updated.startswith(signed)

    verdict = validation.validate(updated)

    assert (verdict.status, verdict.reason) == ("invalid", "modified_after_signing")
    assert verdict.intact and not verdict.covers_whole_file


def test_bytes_appended_after_the_signature_are_not_covered(signed):
    verdict = validation.validate(signed + b"\n% appended\n")

    assert (verdict.status, verdict.reason) == ("invalid", "modified_after_signing")
    assert verdict.intact and not verdict.covers_whole_file


# --- (c) a signature copied from another document --------------------------------------------


def test_signature_contents_pasted_into_another_document_is_invalid(signed, other_signed):
    donor = PdfFileReader(BytesIO(other_signed)).embedded_signatures[0].pkcs7_content.hex().upper().encode()
    target = CONTENTS.search(signed)
    assert len(donor) <= len(target.group(1))
    pasted = donor.ljust(len(target.group(1)), b"0")
    forged = signed[: target.start(1)] + pasted + signed[target.end(1) :]

    verdict = validation.validate(forged)

    assert (verdict.status, verdict.reason) == ("invalid", "altered")
    assert not verdict.intact


def test_signature_dictionary_grafted_from_another_document_is_invalid(signed, other_signed):
    forged = signed
    for pattern in (CONTENTS, BYTE_RANGE):
        donor, target = pattern.search(other_signed), pattern.search(forged)
        piece = donor.group(0)
        if len(piece) < len(target.group(0)):  # pad inside the token so every offset stays put
            piece = piece[:-1] + b" " * (len(target.group(0)) - len(piece)) + piece[-1:]
        assert len(piece) == len(target.group(0))
        forged = forged[: target.start()] + piece + forged[target.end() :]

    verdict = validation.validate(forged)

    assert verdict.status in {"invalid", "malformed"}
    assert not verdict.intact and not verdict.trusted


# --- (d) a certificate we do not trust -------------------------------------------------------


def test_signature_by_another_ca_is_untrusted(demo_signing, other_ca, kk_content):
    forged = signing.FileSigner(other_ca.directory).sign(render(kk_content), reason="Palsu", location="Jakarta")

    verdict = validation.validate(forged)

    assert (verdict.status, verdict.reason) == ("invalid", "untrusted")
    assert verdict.intact and verdict.covers_whole_file and not verdict.trusted
    assert verdict.signer_name == "Penandatangan Lain DEMO"


def test_given_trust_roots_replace_the_default(demo_signing, other_ca, signed, kk_content):
    by_other = signing.FileSigner(other_ca.directory).sign(render(kk_content), reason="r", location="l")

    assert validation.validate(by_other, trust_roots=[_root(other_ca)]).status == "valid"
    assert validation.validate(signed, trust_roots=[_root(other_ca)]).reason == "untrusted"
    assert validation.validate(signed, trust_roots=[]).reason == "untrusted"


def test_configured_extra_roots_are_trusted_too(demo_signing, other_ca, signed, kk_content, settings):
    settings.DOCUMENT_SIGNING_TRUST_ROOTS = [str(other_ca.ca_cert)]
    by_other = signing.FileSigner(other_ca.directory).sign(render(kk_content), reason="r", location="l")

    assert validation.validate(by_other).status == "valid"
    assert validation.validate(signed).status == "valid"


# --- (e) bytes that are not a readable PDF ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 a zip file, not a PDF", "not_pdf"),
        (b"<html>" + b" " * 2000 + b"%PDF-1.7</html>", "not_pdf"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "unreadable"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, "unreadable"),
    ],
)
def test_unreadable_input_is_malformed(demo_signing, data, reason):
    verdict = validation.validate(data)

    assert (verdict.status, verdict.reason) == ("malformed", reason)
    assert verdict.sha256 == hashlib.sha256(data).hexdigest()


def test_truncated_signed_pdf_is_not_valid(signed):
    verdict = validation.validate(signed[: len(signed) // 2])

    assert verdict.status in {"malformed", "not_signed", "invalid"}
    assert not verdict.is_valid


def test_truncated_signature_end_is_not_valid(signed):
    verdict = validation.validate(signed[:-200])

    assert not verdict.is_valid


def test_input_over_the_size_limit_is_refused_unparsed(signed, settings, monkeypatch):
    settings.VERIFY_MAX_UPLOAD_BYTES = len(signed) - 1
    monkeypatch.setattr(validation, "run_bounded", pytest.fail)

    verdict = validation.validate(signed)

    assert (verdict.status, verdict.reason) == ("malformed", "too_large")


def _slow_inspection(data, roots, at):
    time.sleep(30)


def test_validation_that_takes_too_long_is_stopped(signed, settings, monkeypatch):
    settings.VERIFY_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(validation, "_inspect", _slow_inspection)

    started = time.monotonic()
    verdict = validation.validate(signed)

    assert time.monotonic() - started < 5
    assert (verdict.status, verdict.reason) == ("malformed", "timeout")


def _crashing_inspection(data, roots, at):
    raise RecursionError("deeply nested objects")


def test_validation_that_crashes_is_unreadable(signed, monkeypatch):
    monkeypatch.setattr(validation, "_inspect", _crashing_inspection)

    assert validation.validate(signed).reason == "unreadable"


def _greedy_inspection(data, roots, at):
    return bytearray(2 * 1024 * 1024 * 1024)


def test_validation_that_needs_too_much_memory_is_unreadable(signed, settings, monkeypatch):
    settings.VERIFY_MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
    monkeypatch.setattr(validation, "_inspect", _greedy_inspection)

    assert validation.validate(signed).reason == "unreadable"


def test_every_reason_has_a_message():
    codes = {"valid", "altered", "bad_signature", "modified_after_signing", "untrusted", "expired", "not_signed"}
    codes |= {"empty", "too_large", "not_pdf", "unreadable", "timeout"}

    assert codes == set(validation.REASONS)
